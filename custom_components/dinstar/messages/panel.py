"""The Messages sidebar panel: its registration, and its script for signed-in users only.

Home Assistant loads a custom panel's module by the address in the panel's registration, with
no token; any address a browser can load so is one anyone can load, and a signed address
outlives the session of the user who was handed it. So the registration carries only a small
loader, inline (a ``data:`` address: nothing is served for it), and the loader asks for the
panel's script over the websocket of the user who opened the panel, with the same check as the
panel's data. A logged-out user has no websocket, so gets nothing.
The panel is there while a gateway is loaded; administrators only, unless a loaded gateway's
option opens its messages to every user (the websocket commands check the same, per gateway).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homeassistant.components import frontend, panel_custom, websocket_api
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import websocket_command
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from custom_components.dinstar.const import DOMAIN, LOGGER

from .access import opened_to_all, visible_entries

PANEL_URL_PATH = "dinstar-messages"
# The loader's element, which Home Assistant creates; it shows the panel's own inside.
ELEMENT_NAME = "dinstar-messages-panel"
# Built by ``scripts/build-frontend`` (a release ships them inside the integration's folder).
FRONTEND = Path(__file__).parent.parent / "frontend"
BUNDLE = FRONTEND / "messages-panel.js"
LOADER = FRONTEND / "panel-loader.js"
COMMAND_SCRIPT = "dinstar/messages/panel_script"


@dataclass(frozen=True, slots=True)
class _PanelFiles:
    """The built files, read once at start: the panel's script and the loader's address."""

    script: str
    loader_url: str


_FILES: HassKey[_PanelFiles] = HassKey(f"{DOMAIN}_messages_panel_files")
# The panel's registration as it is now: whether only administrators see it.
_REGISTERED: HassKey[bool] = HassKey(f"{DOMAIN}_messages_panel")


def _read_files() -> _PanelFiles:
    loader = base64.b64encode(LOADER.read_bytes()).decode("ascii")
    return _PanelFiles(
        script=BUNDLE.read_text(encoding="utf-8"),
        loader_url=f"data:text/javascript;base64,{loader}",
    )


async def async_setup_panel_script(hass: HomeAssistant) -> None:
    """Read the built panel; without it, the panel is left out and the log says so."""
    try:
        files = await hass.async_add_executor_job(_read_files)
    except FileNotFoundError as missing:
        LOGGER.warning(
            "The Messages panel is not built (%s is missing): run scripts/build-frontend",
            missing.filename,
        )
        return
    hass.data[_FILES] = files
    websocket_api.async_register_command(hass, _panel_script_command)


@websocket_command({"type": COMMAND_SCRIPT})
@callback
def _panel_script_command(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """The panel's script, for a user who may see the panel (see ``access``)."""
    visible_entries(hass, connection.user)  # refuses a user who may see no gateway
    connection.send_result(msg["id"], {"script": hass.data[_FILES].script})


async def async_update_panel(hass: HomeAssistant) -> None:
    """Show, change or remove the panel after a gateway was set up, unloaded or removed."""
    if (files := hass.data.get(_FILES)) is None:
        return
    loaded = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]
    admin_only = not any(opened_to_all(entry) for entry in loaded)
    registered = hass.data.get(_REGISTERED)
    if registered is not None and (not loaded or registered != admin_only):
        frontend.async_remove_panel(hass, PANEL_URL_PATH)
        hass.data.pop(_REGISTERED)
        registered = None
    if loaded and registered is None:
        await panel_custom.async_register_panel(
            hass,
            frontend_url_path=PANEL_URL_PATH,
            webcomponent_name=ELEMENT_NAME,
            sidebar_title="Messages",
            sidebar_icon="mdi:message-text",
            module_url=files.loader_url,
            # The frontend asks the user to trust a module from another host than its own; an
            # inline one has no host at all, and is ours.
            trust_external=True,
            require_admin=admin_only,
        )
        hass.data[_REGISTERED] = admin_only
