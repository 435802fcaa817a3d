"""The Messages panel in the sidebar: who sees it, and its script served to signed-in users only.

Needs the built panel (``scripts/build-frontend``, which ``scripts/test`` runs first).
"""

from __future__ import annotations

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
from custom_components.dinstar.messages.panel import PANEL_URL_PATH, SCRIPT_URL


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


async def test_the_script_needs_a_signature_or_a_token(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    module_url = hass.data[DATA_PANELS][PANEL_URL_PATH].config["_panel_custom"]["module_url"]
    assert module_url.startswith(f"{SCRIPT_URL}?v=")
    anonymous = await hass_client_no_auth()
    signed = await anonymous.get(module_url)
    assert signed.status == HTTPStatus.OK
    assert signed.headers["Content-Type"].startswith("text/javascript")
    assert "dinstar-messages-panel" in await signed.text()
    assert (await anonymous.get(SCRIPT_URL)).status == HTTPStatus.UNAUTHORIZED
    forged = module_url.replace("v=", "v=0")
    assert (await anonymous.get(forged)).status == HTTPStatus.UNAUTHORIZED
    assert (await (await hass_client()).get(SCRIPT_URL)).status == HTTPStatus.OK


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
