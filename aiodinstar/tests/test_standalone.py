"""The package stands on its own: nothing of Home Assistant, relative imports, a typed public API.

A copy of the package ships inside the Home Assistant integration, so its modules must work
under another package name too: they import each other relatively and log under a fixed name.
"""

from __future__ import annotations

import logging
from pathlib import Path
import subprocess
import sys

import pytest

import aiodinstar
from aiodinstar import RegistrationState

PACKAGE = Path(aiodinstar.__file__).parent
CHANGELOG = Path(__file__).parents[1] / "CHANGELOG.md"


def test_importing_every_module_imports_no_home_assistant() -> None:
    """Checked in a fresh interpreter, importing the package from where this session found it."""
    code = (
        "import importlib, pkgutil, sys; import aiodinstar\n"
        "for info in pkgutil.walk_packages(aiodinstar.__path__, 'aiodinstar.'):\n"
        "    importlib.import_module(info.name)\n"
        "assert 'aiodinstar.client' in sys.modules and 'aiodinstar.inbox' in sys.modules\n"
        "leaked = sorted(name for name in sys.modules\n"
        "    if name.split('.')[0] in ('homeassistant', 'custom_components'))\n"
        "print(leaked); raise SystemExit(bool(leaked))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"


def test_only_relative_imports_inside_the_package() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 10
    for module in modules:
        source = module.read_text(encoding="utf-8")
        assert "custom_components" not in source, module.name
        assert "from aiodinstar" not in source, module.name
        assert "import aiodinstar" not in source, module.name
        assert "homeassistant" not in source, module.name


def test_public_api() -> None:
    assert (PACKAGE / "py.typed").exists()
    assert all(not name.startswith("_") for name in aiodinstar.__all__)
    assert all(hasattr(aiodinstar, name) for name in aiodinstar.__all__)
    assert {
        "DinstarClient",
        "DinstarResponseError",
        "DinstarNotFoundError",
        "parse_push",
        "InboxLedger",
        "SmsTracker",
        "parse_balance",
        "number_key",
        "plan_sms",
    } <= set(aiodinstar.__all__)
    assert "decode_json" not in aiodinstar.__all__


def test_the_changelog_names_this_version() -> None:
    assert aiodinstar.__version__.count(".") == 2
    assert f"\n## {aiodinstar.__version__} " in CHANGELOG.read_text(encoding="utf-8")


def test_the_logger_is_named_aiodinstar(caplog: pytest.LogCaptureFixture) -> None:
    """Whatever the package is imported as, ``logging.getLogger("aiodinstar")`` reaches it."""
    caplog.set_level(logging.INFO, logger="aiodinstar")
    assert RegistrationState.parse("a state never seen") is RegistrationState.UNKNOWN
    assert [(record.name, record.getMessage()) for record in caplog.records] == [
        ("aiodinstar", "Unknown RegistrationState from the gateway: 'a state never seen'")
    ]
