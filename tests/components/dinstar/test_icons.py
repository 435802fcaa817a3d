"""Every ``mdi:`` icon the integration names exists in the frontend's Material Design Icons.

An icon that is not there shows as an empty space, with no error anywhere. ``mdi_icons.txt``
holds the full name list of the version named in its first line, which is the one Home
Assistant's frontend ships (its ``static/mdi/iconList.json`` has the same names).
"""

from __future__ import annotations

import json
from pathlib import Path
import re

import custom_components.dinstar as integration

PACKAGE = Path(integration.__file__).parent
KNOWN = {
    line
    for line in (Path(__file__).parent / "mdi_icons.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
}
ICON = re.compile(r"mdi:([a-z0-9-]+)")


def _icons_in(path: Path) -> set[str]:
    return set(ICON.findall(path.read_text(encoding="utf-8")))


def test_the_list_is_the_whole_set() -> None:
    """The list is complete (7,447 names in 7.4.47), not the few we happen to use."""
    assert len(KNOWN) == 7447
    assert {"signal-cellular-3", "cash-sync", "message-check"} <= KNOWN
    assert "cash-refresh" not in KNOWN


def test_every_icon_exists() -> None:
    """icons.json, the code and any other file of the integration."""
    used = {
        (str(path.relative_to(PACKAGE)), name)
        for path in PACKAGE.rglob("*")
        if path.suffix in {".py", ".json", ".yaml"}
        for name in _icons_in(path)
    }
    assert ("icons.json", "restart") in used  # the scan reads what it should
    missing = sorted(f"{where}: mdi:{name}" for where, name in used if name not in KNOWN)
    assert not missing, "\n".join(missing)


def test_signal_strength_is_cellular() -> None:
    """The device class's own icon is Wi-Fi: a SIM's signal gets a cellular one."""
    icons = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
    assert icons["entity"]["sensor"]["signal_strength"]["default"].startswith("mdi:signal-cellular")
