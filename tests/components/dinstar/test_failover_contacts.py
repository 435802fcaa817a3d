"""A contact that fails over: its messages, its count of today's failovers, the logbook's words."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_FINAL
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.failover.report import logbook_line
from custom_components.dinstar.failover.store import STORAGE_KEY
from dinstar_dev.gateway_simulator import Simulator
from tests.conftest import SERIAL

from .conftest import WEBHOOK_ID
from .failover_store import store_intents

ADA, BOB = "+4917612345678", "+4915112345678"
BEST, SECOND = 6, 1
GATEWAY_SENSOR = "sensor.dinstar_da00_0030_1901_2817_sms_failed_over_today"


def contact(subentry_id: str, name: str, number: str, **fields: Any) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={"name": name, "number": number, "port": BEST, **fields},
        subentry_id=subentry_id,
        subentry_type="contact",
        title=name,
        unique_id=number,
    )


@pytest.fixture
def mock_config_entry(mock_config_entry: MockConfigEntry) -> MockConfigEntry:
    """Ada fails over on this gateway; Bob has no failover (one gateway, no pool chosen)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        version=mock_config_entry.version,
        minor_version=mock_config_entry.minor_version,
        data=mock_config_entry.data,
        subentries_data=(
            contact("ada", "Ada", ADA, pool="this_gateway"),
            contact("bob", "Bob", BOB),
        ),
    )


@pytest.fixture
async def pushing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> MockConfigEntry:
    """The gateway pushes its results to Home Assistant."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    return init_integration


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def count_of(hass: HomeAssistant, subentry_id: str) -> str:
    """The state of a contact's "SMS failed over today", found by its unique ID."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{SERIAL}-contact-{subentry_id}-failovers_today"
    )
    assert entity_id is not None
    return state_of(hass, entity_id)


async def notify(hass: HomeAssistant, entity_id: str) -> None:
    """Send "Alarm" through a contact's notify entity."""
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {ATTR_ENTITY_ID: entity_id, "message": "Alarm"},
        blocking=True,
    )


async def alert(hass: HomeAssistant, entity_id: str, finals: list[Any], expected: int) -> None:
    """Send "Alarm" through a contact's notify entity; wait for ``expected`` final events."""
    await notify(hass, entity_id)
    async with asyncio.timeout(5):
        while len(finals) < expected:
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()


async def test_a_contact_fails_over_from_its_preferred_port(
    hass: HomeAssistant, pushing: MockConfigEntry, simulator: Simulator
) -> None:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    for entity_id in ("notify.ada_sms", "notify.bob_sms"):
        await notify(hass, entity_id)
    async with asyncio.timeout(5):
        while not finals:
            await asyncio.sleep(0.02)
    await simulator.drain_pushes()
    await hass.async_block_till_done()
    (final,) = finals  # Bob has no failover: no final event
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [
        (BEST, "failed"),
        (SECOND, "sent"),
    ]
    sent = [(sms.number, sms.port, sms.status != "FAILED") for sms in simulator.state.sent_messages]
    assert sorted(sent) == [(BOB, BEST, False), (ADA, SECOND, True), (ADA, BEST, False)]


async def test_each_contact_counts_what_it_sent(
    hass: HomeAssistant, pushing: MockConfigEntry, simulator: Simulator
) -> None:
    """Ada's SMS failed over: Ada 1, the gateway 1; Bob's (no failover) counts nowhere."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    assert (count_of(hass, "ada"), count_of(hass, "bob")) == ("0", "0")
    simulator.state.faults.no_credit_ports = [BEST]
    await alert(hass, "notify.ada_sms", finals, 1)
    await alert(hass, "notify.bob_sms", finals, 1)
    assert [a["port"] for a in finals[0].data["attempts"]] == [BEST, SECOND]
    assert (count_of(hass, "ada"), count_of(hass, "bob")) == ("1", "0")
    state = hass.states.get(GATEWAY_SENSOR)
    assert state is not None
    assert (state.state, state.attributes["all_gateways"]) == ("1", 1)
    await alert(hass, "notify.ada_sms", finals, 2)
    assert (count_of(hass, "ada"), count_of(hass, "bob")) == ("2", "0")
    # A message that needed no other attempt is no failover.
    simulator.state.faults.no_credit_ports = []
    await alert(hass, "notify.ada_sms", finals, 3)
    assert count_of(hass, "ada") == "2"


async def test_a_send_through_the_action_counts_on_its_gateway_only(
    hass: HomeAssistant, pushing: MockConfigEntry, simulator: Simulator
) -> None:
    """``send_sms`` names no contact, not even for a contact's number."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": pushing.entry_id, "number": [ADA], "message": "Alarm", "port": [BEST]},
        blocking=True,
        return_response=True,
    )
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": pushing.entry_id,
            "number": [ADA],
            "message": "Alarm",
            "port": [BEST],
            "pool": "all",
            "wait": "sent",
        },
        blocking=True,
        return_response=True,
    )
    assert len(finals) == 1
    assert state_of(hass, GATEWAY_SENSOR) == "1"
    assert count_of(hass, "ada") == "0"


async def test_the_sensor_is_the_contacts_and_follows_it_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """On the contact's device; a contact added, renamed, deleted: its sensor comes, follows, goes."""
    entity_registry = er.async_get(hass)
    device_registry = dr.async_get(hass)
    coordinator = init_integration.runtime_data.coordinator
    ada = entity_registry.async_get("sensor.ada_sms_failed_over_today")
    assert ada is not None
    device = device_registry.async_get(ada.device_id or "")
    assert device is not None
    assert device.name == "Ada"
    assert (DOMAIN, f"{SERIAL}-contact-ada") in device.identifiers
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert gateway is not None
    assert device.via_device_id == gateway.id
    assert ada.config_subentry_id == "ada"

    hass.config_entries.async_add_subentry(
        init_integration,
        ConfigSubentry(
            data=MappingProxyType({"name": "Cleo", "number": "+4916012345678"}),
            subentry_type="contact",
            subentry_id="cleo",
            title="Cleo",
            unique_id="+4916012345678",
        ),
    )
    await hass.async_block_till_done()
    assert count_of(hass, "cleo") == "0"
    assert state_of(hass, "sensor.cleo_sms_failed_over_today") == "0"

    hass.config_entries.async_update_subentry(
        init_integration, init_integration.subentries["cleo"], title="Cleo at work"
    )
    await hass.async_block_till_done()
    state = hass.states.get("sensor.cleo_sms_failed_over_today")
    assert state is not None
    assert state.attributes["friendly_name"] == "Cleo at work SMS failed over today"

    hass.config_entries.async_remove_subentry(init_integration, "cleo")
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cleo_sms_failed_over_today") is None
    assert entity_registry.async_get("sensor.cleo_sms_failed_over_today") is None
    assert init_integration.runtime_data.coordinator is coordinator  # never reloaded


async def test_the_counts_stay_while_the_gateway_is_down(
    hass: HomeAssistant, pushing: MockConfigEntry, simulator: Simulator
) -> None:
    """The counts are Home Assistant's: an alarm failing over is when they are looked at."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    await alert(hass, "notify.ada_sms", finals, 1)
    simulator.state.go_offline(None)
    await pushing.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    signal = state_of(hass, "sensor.dinstar_da00_0030_1901_2817_port_6_signal_strength")
    assert signal == STATE_UNAVAILABLE
    assert state_of(hass, GATEWAY_SENSOR) == "1"
    assert count_of(hass, "ada") == "1"


async def test_the_counts_are_stored(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    await alert(hass, "notify.ada_sms", finals, 1)
    async with asyncio.timeout(5):
        while (
            STORAGE_KEY not in hass_storage
            or not (hass_storage[STORAGE_KEY]["data"]["counts"]["by_contact"])
        ):
            await asyncio.sleep(0.05)
    assert hass_storage[STORAGE_KEY]["data"]["counts"] == {
        "day": dt_util.now().date().isoformat(),
        "by_gateway": {pushing.entry_id: 1},
        "by_contact": {"ada": 1},
    }


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"by_contact": {"ada": 2, "gone": 5}}, ("2", "0")),
        ({}, ("0", "0")),  # stored before contacts had counts: each starts at 0
    ],
)
async def test_a_restart_keeps_todays_counts(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    stored: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    store_intents(
        hass_storage,
        counts={
            "day": dt_util.now().date().isoformat(),
            "by_gateway": {mock_config_entry.entry_id: 3},
            **stored,
        },
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert (count_of(hass, "ada"), count_of(hass, "bob")) == expected
    assert state_of(hass, GATEWAY_SENSOR) == "3"


async def test_yesterdays_counts_are_not_todays(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    yesterday = (dt_util.now() - timedelta(days=1)).date().isoformat()
    store_intents(
        hass_storage,
        counts={
            "day": yesterday,
            "by_gateway": {mock_config_entry.entry_id: 3},
            "by_contact": {"ada": 2},
        },
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert count_of(hass, "ada") == "0"
    assert state_of(hass, GATEWAY_SENSOR) == "0"


@pytest.mark.freeze_time(tick=True)
async def test_the_counts_are_back_to_0_at_midnight(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    await alert(hass, "notify.ada_sms", finals, 1)
    assert count_of(hass, "ada") == "1"
    midnight = dt_util.start_of_local_day(dt_util.now() + timedelta(days=1))
    freezer.move_to(midnight + timedelta(seconds=1))
    async_fire_time_changed(hass, midnight + timedelta(seconds=1))
    await hass.async_block_till_done()
    assert count_of(hass, "ada") == "0"
    assert state_of(hass, GATEWAY_SENSOR) == "0"


def final(
    outcome: str, *attempts: tuple[str, int, str, str | None], **extra: Any
) -> dict[str, Any]:
    listed = [
        {"config_entry_id": gateway, "gateway": gateway, "port": port, "outcome": o, "reason": r}
        for gateway, port, o, r in attempts
    ]
    sent = [a for a in listed if a["outcome"] == "sent"]
    return {
        "number": ADA,
        "outcome": outcome,
        "final_port": sent[0] if sent else None,
        "attempts": listed,
        **extra,
    }


def test_the_logbook_names_what_was_passed_over() -> None:
    assert (
        logbook_line(final("sent", ("A", 1, "failed", "no credit"), ("B", 3, "sent", None)))
        == f"sent to {ADA} via B port 3 after A port 1 failed (no credit)"
    )
    assert (
        logbook_line(
            final("sent", ("A", 1, "timed_out", "no outcome within 120 s"), ("A", 2, "sent", None))
        )
        == f"sent to {ADA} via A port 2 after port 1 timed out (no outcome within 120 s)"
    )
    assert logbook_line(final("sent", ("A", 2, "sent", None))) == f"sent to {ADA} via A port 2"
    assert logbook_line(
        final("sent", ("A", 1, "sent", None), ("B", 3, "sent", None), both_went=True)
    ) == (f"sent to {ADA} via A port 1 after B port 3 sent; it went more than once")
    assert (
        logbook_line(
            final("failed", ("A", 1, "failed", None), ("B", 2, "refused", "refused by the gateway"))
        )
        == f"could not send to {ADA}: A port 1 failed, B port 2 refused (refused by the gateway)"
    )
    assert logbook_line(final("failed")) == f"could not send to {ADA}: no port could send it"
    assert logbook_line(
        final("sent", ("A", 1, "failed", None), ("A", 4, "not_sent", None), ("A", 2, "sent", None))
    ) == (f"sent to {ADA} via A port 2 after port 1 failed, port 4 not sent")


def test_the_logbook_reads_an_event_as_it_is() -> None:
    """Anyone with an API token can fire the event: its outcome decides, a gap reads failed."""
    partial = final("sent", ("A", 1, "failed", None), ("A", 2, "sent", None))
    del partial["attempts"][0]["outcome"]
    assert logbook_line(partial) == f"sent to {ADA} via A port 2 after port 1 failed"
    claimed = {**final("failed", ("A", 1, "failed", None)), "final_port": {"port": 1}}
    assert logbook_line(claimed) == f"could not send to {ADA}: A port 1 failed"
