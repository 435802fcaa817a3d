"""The Messages panel in the sidebar: who sees it, and its script given to signed-in users only.

Needs the built panel (``scripts/build-frontend``, which ``scripts/test`` runs first).
"""

from __future__ import annotations

import base64
from http import HTTPStatus
from pathlib import Path
from typing import Any

from homeassistant.components.frontend import DATA_PANELS
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.dinstar.const import CONF_MESSAGES_ALL_USERS
from custom_components.dinstar.messages import panel
from custom_components.dinstar.messages.panel import BUNDLE, LOADER, PANEL_URL_PATH


async def panels_of(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, token: str | None = None
) -> dict[str, Any]:
    ws = await hass_ws_client(hass, token) if token else await hass_ws_client(hass)
    await ws.send_json_auto_id({"type": "get_panels"})
    response = await ws.receive_json()
    panels: dict[str, Any] = response["result"]
    return panels


async def test_administrators_only_unless_a_gateway_opens_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    admin = await panels_of(hass, hass_ws_client)
    messages = admin[PANEL_URL_PATH]
    assert (messages["title"], messages["icon"], messages["require_admin"]) == (
        "Messages",
        "mdi:message-text",
        True,
    )
    assert messages["config"]["_panel_custom"]["name"] == "dinstar-messages-panel"
    assert PANEL_URL_PATH not in await panels_of(hass, hass_ws_client, hass_read_only_access_token)
    # Another integration's entries change nothing.
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    hass.config_entries.async_update_entry(other, options={CONF_MESSAGES_ALL_USERS: True})
    await hass.async_block_till_done()
    assert hass.data[DATA_PANELS][PANEL_URL_PATH].require_admin
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_MESSAGES_ALL_USERS: True}
    )
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    user = await panels_of(hass, hass_ws_client, hass_read_only_access_token)
    assert user[PANEL_URL_PATH]["require_admin"] is False
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert PANEL_URL_PATH not in hass.data[DATA_PANELS]


async def test_the_registration_carries_only_the_loader(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Inline, the loader alone: no address serves the panel, with a token or without."""
    module_url = hass.data[DATA_PANELS][PANEL_URL_PATH].config["_panel_custom"]["module_url"]
    prefix = "data:text/javascript;base64,"
    assert module_url.startswith(prefix)
    loader = base64.b64decode(module_url.removeprefix(prefix)).decode()
    assert loader == LOADER.read_text(encoding="utf-8")
    assert 'customElements.define("dinstar-messages-panel"' in loader
    assert "dinstar/messages/panel_script" in loader
    assert len(loader) < 2_000  # the panel itself is not in it
    for client in (await hass_client_no_auth(), await hass_client()):
        for path in ("/api/dinstar/messages/panel.js", "/dinstar/frontend/messages-panel.js"):
            assert (await client.get(path)).status == HTTPStatus.NOT_FOUND


async def test_the_script_over_the_websocket(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """To a user who may see the panel; another is refused, and gets no script."""
    admin = await hass_ws_client(hass)
    await admin.send_json_auto_id({"type": "dinstar/messages/panel_script"})
    answer = await admin.receive_json()
    assert answer["success"]
    assert answer["result"]["script"] == BUNDLE.read_text(encoding="utf-8")
    assert 'customElements.define("dinstar-messages-app"' in answer["result"]["script"]
    user = await hass_ws_client(hass, hass_read_only_access_token)
    await user.send_json_auto_id({"type": "dinstar/messages/panel_script"})
    refused = await user.receive_json()
    assert not refused["success"]
    assert refused["error"]["code"] == "unauthorized"
    assert "result" not in refused


async def test_without_a_built_panel_there_is_no_panel(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(panel, "BUNDLE", tmp_path / "messages-panel.js")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert PANEL_URL_PATH not in hass.data.get(DATA_PANELS, {})
    assert "The Messages panel is not built" in caplog.text
