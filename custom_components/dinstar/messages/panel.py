"""The Messages sidebar panel: its script, served to signed-in users only, and its registration.

A custom panel's module is loaded by the browser with a plain ``import()``, which carries no
token; so the script's URL is signed (Home Assistant's signed paths), and only signed-in users
ever get that URL, inside the panel list the authenticated websocket sends. A request without
a valid signature is refused like any unauthenticated API call.
The panel is there while a gateway is loaded; administrators only, unless a loaded gateway's
option opens its messages to every user (the websocket commands check the same, per gateway).
"""

from __future__ import annotations

from datetime import timedelta
import hashlib
from pathlib import Path

from aiohttp import web
from homeassistant.components import frontend, panel_custom
from homeassistant.components.http.auth import async_sign_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import HomeAssistantView
from homeassistant.util.hass_dict import HassKey

from custom_components.dinstar.const import DOMAIN, LOGGER

from .access import opened_to_all

PANEL_URL_PATH = "dinstar-messages"
ELEMENT_NAME = "dinstar-messages-panel"
SCRIPT_URL = "/api/dinstar/messages/panel.js"
# Built by ``scripts/build-frontend`` (a release ships it inside the integration's folder).
BUNDLE = Path(__file__).parent.parent / "frontend" / "messages-panel.js"
# Signatures die with Home Assistant's run (their secret is made at start), so a long life
# changes nothing: a restart registers the panel again with a new one.
SIGNED_FOR = timedelta(days=365)
# The panel's registration as it is now: whether only administrators see it.
_REGISTERED: HassKey[bool] = HassKey(f"{DOMAIN}_messages_panel")
_VERSION: HassKey[str] = HassKey(f"{DOMAIN}_messages_panel_version")


class PanelScriptView(HomeAssistantView):
    """The panel's script, for authenticated (or signed) requests only."""

    url = SCRIPT_URL
    name = "api:dinstar:messages_panel"
    requires_auth = True

    async def get(self, request: web.Request) -> web.StreamResponse:
        """The built bundle; its URL carries its hash, so browsers may keep it."""
        return web.FileResponse(
            BUNDLE,
            headers={
                "Content-Type": "text/javascript",
                "Cache-Control": "private, max-age=31536000, immutable",
            },
        )


async def async_setup_panel_script(hass: HomeAssistant) -> None:
    """Serve the script; without a built one, the panel is left out and the log says so."""
    try:
        content = await hass.async_add_executor_job(BUNDLE.read_bytes)
    except FileNotFoundError:
        LOGGER.warning(
            "The Messages panel is not built (%s is missing): run scripts/build-frontend", BUNDLE
        )
        return
    hass.data[_VERSION] = hashlib.sha256(content).hexdigest()[:16]
    hass.http.register_view(PanelScriptView())


async def async_update_panel(hass: HomeAssistant) -> None:
    """Show, change or remove the panel after a gateway was set up, unloaded or removed."""
    if (version := hass.data.get(_VERSION)) is None:
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
            module_url=async_sign_path(
                hass, f"{SCRIPT_URL}?v={version}", SIGNED_FOR, use_content_user=True
            ),
            require_admin=admin_only,
        )
        hass.data[_REGISTERED] = admin_only
