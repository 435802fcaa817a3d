"""The manifest: its keys in hassfest's order, the shipped library's logger and requirements."""

from __future__ import annotations

import json
from pathlib import Path
import re
import tomllib

import yaml

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


# hassfest's pattern for translation keys and for the option values selectors translate.
HASSFEST_KEY = re.compile(r"^[a-z0-9-_]+$")


def _keys(tree: object, path: str = "") -> list[str]:
    """Every key of a translations tree, with where it is."""
    if not isinstance(tree, dict):
        return []
    found = []
    for key, value in tree.items():
        found.append(f"{path}{key}")
        found += _keys(value, f"{path}{key}.")
    return found


def test_translation_keys_are_hassfest_keys() -> None:
    strings = json.loads((INTEGRATION / "translations" / "en.json").read_text("utf-8"))
    bad = [where for where in _keys(strings) if not HASSFEST_KEY.match(where.rsplit(".", 1)[-1])]
    assert bad == []


def test_selector_options_are_hassfest_keys() -> None:
    """Options a translation_key names are translated by their value: hassfest's pattern."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text("utf-8"))
    bad = [
        f"{action}.{field}: {option}"
        for action, spec in services.items()
        for field, field_spec in (spec.get("fields") or {}).items()
        if "translation_key" in (select := (field_spec.get("selector") or {}).get("select") or {})
        for option in select["options"]
        if not HASSFEST_KEY.match(str(option))
    ]
    assert bad == []
