"""Settings applied to the running gateway, read from Home Assistant's own logbook and recorder.

A reload makes every entity unavailable and back: two logbook lines each, hundreds for a
gateway. Options and subentries apply in place and write none; only a new connection reloads.
"""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any
from unittest.mock import patch

from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import SOURCE_USER, ConfigSubentry
from homeassistant.const import CONF_PASSWORD, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.dinstar.const import (
    CONF_INCOMING_MODE,
    CONF_MAC,
    CONF_PORTS,
    CONF_PRIVATE_SMS,
    CONF_WEBHOOK_LOCAL_ONLY,
    IncomingMode,
)
from custom_components.dinstar.devices import port_identifier
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID
from .logbook_reader import Logbook

PREFIX = "sensor.dinstar_da00_0030_1901_2817_port"
BALANCE = "sensor.dinstar_da00_0030_1901_2817_port_{}_balance"
CHECK_BUTTON = "button.dinstar_da00_0030_1901_2817_port_{}_check_balance"
ADA = "+4917612345678"


@pytest.fixture
async def logbook(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> Logbook:
    """The logbook of a Home Assistant with the gateway set up, read from after its set-up."""
    assert await async_setup_component(hass, "logbook", {})
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    return Logbook(hass, hass_ws_client)


async def add_subentry(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, data: dict[str, Any]
) -> ConfigSubentry:
    """The subentry form of ``kind``, as the UI opens and submits it; the subentry made."""
    before = set(entry.subentries)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, kind), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    (made,) = set(entry.subentries) - before
    return entry.subentries[made]


async def test_a_reload_shows_in_the_logbook(
    logbook: Logbook, hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The check below sees what it is for: a reload writes an unavailable line per entity."""
    await hass.config_entries.async_reload(init_integration.entry_id)
    unavailable = await logbook.unavailable()
    assert f"{PREFIX}_1_registration" in unavailable
    assert len(unavailable) > 50


async def test_options_apply_in_place(
    logbook: Logbook,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Every option saved at once: no unavailable line, and each takes effect.

    The new interval is the coordinator's, and the next refresh comes after it (not after the
    old one), reading the inbox (polling) into a Last SMS without its text (private); port 3
    (no SIM) is shown and port 1, left out, is gone.
    """
    runtime = init_integration.runtime_data
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_SCAN_INTERVAL: 120,
            CONF_INCOMING_MODE: IncomingMode.POLLING,
            CONF_PORTS: ["0", "2", "3"],
            CONF_PRIVATE_SMS: True,
            CONF_WEBHOOK_LOCAL_ONLY: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)

    assert await logbook.unavailable() == []
    assert init_integration.runtime_data is runtime  # not reloaded
    assert runtime.coordinator.update_interval == timedelta(seconds=120)
    assert hass.states.get(f"{PREFIX}_3_registration").state == "no_sim"
    assert hass.states.get(f"{PREFIX}_1_registration") is None
    assert hass.states.get(f"{PREFIX}_2_registration").state == "register_ok"
    refreshes = simulator.state.requests["/api/get_port_info"]
    saved = dt_util.utcnow()
    async_fire_time_changed(hass, saved + timedelta(seconds=90))  # past the old 30 s
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests["/api/get_port_info"] == refreshes
    # Polling reads the inbox at that refresh; the private SMS option hides the text.
    simulator.receive_sms(2, "+4930123456", "the door code is 4711")
    async_fire_time_changed(hass, saved + timedelta(seconds=121))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests["/api/get_port_info"] == refreshes + 1
    assert hass.states.get(f"{PREFIX}_2_last_sms").state == "+4930123456"


async def test_ports_left_out_lose_their_devices(
    logbook: Logbook,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A port left out of the choice: its device and entities leave the registries."""
    hass.config_entries.async_update_entry(init_integration, options={CONF_PORTS: ["0"]})
    await hass.async_block_till_done()
    identifier, entry_id = port_identifier(SERIAL, 1), init_integration.entry_id
    assert device_registry.async_get_device_by_identifier(identifier, entry_id) is None
    assert entity_registry.async_get(f"{PREFIX}_1_registration") is None
    assert hass.states.get(f"{PREFIX}_0_registration").state == "register_ok"
    assert await logbook.unavailable() == []
    # Chosen again, it is back with its entities.
    hass.config_entries.async_update_entry(init_integration, options={CONF_PORTS: ["0", "1"]})
    await hass.async_block_till_done()
    assert device_registry.async_get_device_by_identifier(identifier, entry_id) is not None
    assert hass.states.get(f"{PREFIX}_1_registration").state == "register_ok"


async def test_a_balance_check_added_changed_and_deleted_in_place(
    logbook: Logbook,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Its ports' balance entities come and go; nothing else is touched."""
    runtime = init_integration.runtime_data
    subentry = await add_subentry(
        hass,
        init_integration,
        "balance",
        {"ports": ["1"], "code": "*100#", "interval": 24, "currency": "EUR", "reply_wait": 10},
    )
    assert hass.states.get(BALANCE.format(1)).attributes["unit_of_measurement"] == "EUR"
    assert hass.states.get(CHECK_BUTTON.format(1)) is not None
    assert runtime.balance.groups[1].code == "*100#"

    # Moved to port 2 in another currency: port 1's entities go, port 2's come.
    hass.config_entries.async_update_subentry(
        init_integration, subentry, data={**subentry.data, "ports": [2], "currency": "RON"}
    )
    await hass.async_block_till_done()
    assert entity_registry.async_get(BALANCE.format(1)) is None
    assert entity_registry.async_get(CHECK_BUTTON.format(1)) is None
    assert hass.states.get(BALANCE.format(2)).attributes["unit_of_measurement"] == "RON"

    hass.config_entries.async_remove_subentry(init_integration, subentry.subentry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(BALANCE.format(2)) is None
    assert runtime.balance.groups == {}
    assert await logbook.unavailable() == []
    assert init_integration.runtime_data is runtime


async def test_a_contact_added_and_deleted_in_place(
    logbook: Logbook,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Its notify entity and device come with it and leave the registries with it."""
    runtime = init_integration.runtime_data
    contact = await add_subentry(
        hass, init_integration, "contact", {"name": "Ada", "number": ADA, "port": "2"}
    )
    registered = entity_registry.async_get("notify.ada_sms")
    assert registered is not None
    assert registered.device_id is not None
    assert hass.states.get("notify.ada_sms") is not None

    hass.config_entries.async_remove_subentry(init_integration, contact.subentry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get("notify.ada_sms") is None
    assert device_registry.async_get(registered.device_id) is None
    assert hass.states.get("notify.ada_sms") is None
    assert await logbook.unavailable() == []
    assert init_integration.runtime_data is runtime


async def test_a_mac_learnt_changes_nothing_running(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Data that is not the connection's (a MAC from DHCP) is no reason to reload."""
    runtime = init_integration.runtime_data
    hass.config_entries.async_update_entry(
        init_integration, data={**init_integration.data, CONF_MAC: "f8:a0:3d:48:e5:19"}
    )
    await hass.async_block_till_done()
    assert init_integration.runtime_data is runtime


async def test_a_new_login_reconnects(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Reconfigured with the same connection nothing reloads; with a new password it does."""

    async def reconfigure(password: str) -> None:
        result = await init_integration.start_reconfigure_flow(hass)
        assert result["step_id"] == "reconfigure"
        user_input = {
            key: init_integration.data[key] for key in ("host", "port", "use_https", "username")
        }
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**user_input, CONF_PASSWORD: password}
        )
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()

    # The first stores what the flow learns (the gateway's auth scheme), as any first one.
    await reconfigure(init_integration.data[CONF_PASSWORD])
    runtime = init_integration.runtime_data
    await reconfigure(init_integration.data[CONF_PASSWORD])
    assert init_integration.runtime_data is runtime
    simulator.auth.password = "changed-on-the-gateway"
    await reconfigure("changed-on-the-gateway")
    assert init_integration.runtime_data is not runtime
    assert init_integration.runtime_data.coordinator.last_update_success


async def test_who_may_push_changes_in_place(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Opened to the internet and closed again: the webhook follows, at the same URL."""
    runtime = init_integration.runtime_data
    body = json.dumps({"sn": SERIAL, "ussd": [{"port": 1, "text": "x"}]})
    client = await hass_client_no_auth()
    with patch("homeassistant.components.webhook.network_util.is_local", return_value=False):
        for local_only in (False, True):
            hass.config_entries.async_update_entry(
                init_integration, options={CONF_WEBHOOK_LOCAL_ONLY: local_only}
            )
            await hass.async_block_till_done()
            runtime.push.last_push = None
            response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
            assert response.status == 200  # webhooks answer 200 whatever happens, by design
            assert (runtime.push.last_push is None) is local_only
    assert init_integration.runtime_data is runtime
