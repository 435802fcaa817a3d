"""The manifest: its keys in hassfest's order, the shipped library's logger and requirements."""

from __future__ import annotations

import json
from pathlib import Path
import re
import tomllib

import custom_components.dinstar as integration

INTEGRATION = Path(integration.__file__).parent
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text("utf-8"))
LIBRARY = tomllib.loads(
    (INTEGRATION.parents[1] / "aiodinstar" / "pyproject.toml").read_text("utf-8")
)
# What Home Assistant itself installs, at the versions it pins.
HOME_ASSISTANTS_OWN = {"aiohttp", "yarl"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower()


def test_keys_in_hassfest_order() -> None:
    """``domain`` and ``name`` first, then the rest alphabetically, as hassfest wants them."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_the_library_logger() -> None:
    """Debug logging turned on for the integration reaches the library's fixed logger name."""
    assert MANIFEST["loggers"] == ["aiodinstar"]


def test_the_library_dependencies_are_requirements() -> None:
    """What the shipped library needs beyond Home Assistant's own packages is a requirement."""
    needed = {_name(dependency) for dependency in LIBRARY["project"]["dependencies"]}
    assert needed - HOME_ASSISTANTS_OWN <= {_name(r) for r in MANIFEST["requirements"]}
    assert "phonenumbers" in needed
