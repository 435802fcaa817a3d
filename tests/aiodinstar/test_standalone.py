"""The client stands on its own: no Home Assistant, nothing of the integration, a typed API."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import aiodinstar

PACKAGE = Path(aiodinstar.__file__).parent


def test_importing_the_client_imports_no_home_assistant() -> None:
    """Checked in a fresh interpreter: this session may have imported Home Assistant itself."""
    code = (
        "import sys; import aiodinstar; "
        "leaked = sorted(name for name in sys.modules "
        "if name.split('.')[0] in ('homeassistant', 'custom_components')); "
        "print(leaked); raise SystemExit(bool(leaked))"
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
    for module in PACKAGE.glob("*.py"):
        source = module.read_text()
        assert "custom_components" not in source, module.name
        assert "from aiodinstar" not in source, module.name
        assert "homeassistant" not in source, module.name


def test_public_api() -> None:
    assert (PACKAGE / "py.typed").exists()
    assert all(not name.startswith("_") for name in aiodinstar.__all__)
    assert all(hasattr(aiodinstar, name) for name in aiodinstar.__all__)
    assert {"DinstarClient", "DinstarResponseError", "DinstarNotFoundError", "parse_push"} <= set(
        aiodinstar.__all__
    )
    assert "decode_json" not in aiodinstar.__all__
