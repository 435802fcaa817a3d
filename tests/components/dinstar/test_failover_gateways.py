"""Failover across two gateways in one Home Assistant: the message gets out once, elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PORT, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
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
from custom_components.dinstar.failover.pool import async_pool
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig
from dinstar_dev.gateway_simulator.models import OutgoingSms

from .conftest import WEBHOOK_ID
from .failover_store import NUMBER, intent, next_user_id, pending_attempt, store_intents

SECOND_SERIAL = "da00-0030-1901-9999"
SECOND_WEBHOOK_ID = "dinstar-test-webhook-second"
# Registered ports by signal: first gateway 6, 1, 2, 4, 0, 5; second 1, 6, 0, 5, 2, 4.
FIRST_PORTS = [6, 1, 2, 4, 0, 5]


@pytest.fixture
async def other(simulator_config: SimulatorConfig) -> AsyncIterator[Simulator]:
    """A second gateway, with SIMs of its own."""
    sim = Simulator(replace(simulator_config, serial=SECOND_SERIAL, seed=2))
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def another_gateway(
    first: MockConfigEntry,
    sim: Simulator,
    *,
    title: str = "Gateway B",
    serial: str = SECOND_SERIAL,
    webhook_id: str = SECOND_WEBHOOK_ID,
) -> MockConfigEntry:
    """Another gateway's entry as the config flow makes it: the first's login, its own port."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=serial,
        data={**first.data, CONF_PORT: sim.port, CONF_WEBHOOK_ID: webhook_id},
    )


@pytest.fixture
async def gateways(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    other: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> tuple[MockConfigEntry, MockConfigEntry]:
    """Both gateways set up, each pushing to its own webhook."""
    entry = another_gateway(init_integration, other)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    other.push_url = str(client.make_url(f"/api/webhook/{SECOND_WEBHOOK_ID}"))
    return init_integration, entry


async def send(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "number": NUMBER, "message": "Alarm", **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


def went(simulator: Simulator) -> list[int]:
    return [
        sms.port for sms in simulator.state.sent_messages if sms.status in ("SENT_OK", "DELIVERED")
    ]


def tried(message: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(a["gateway"], a["port"], a["outcome"]) for a in message["attempts"]]


async def test_when_one_gateway_cannot_send_the_other_does(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Two ports of the first fail; the third attempt, the other gateway's, goes."""
    first, second = gateways
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    response = await send(
        hass,
        first,
        pool=[first.entry_id, {"config_entry_id": second.entry_id, "port": [5]}],
        wait="sent",
        timeout=10,
    )
    (message,) = response["messages"]
    assert message["outcome"] == "sent"
    assert tried(message) == [
        (first.title, 6, "failed"),
        (first.title, 1, "failed"),
        ("Gateway B", 5, "sent"),
    ]
    assert message["final_port"]["config_entry_id"] == second.entry_id
    assert (went(simulator), went(other)) == ([], [5])
    await hass.async_block_till_done()
    pool = async_pool(hass)
    assert (pool.failovers_today(first.entry_id), pool.failovers_today(second.entry_id)) == (1, 0)
    sensor = hass.states.get("sensor.dinstar_da00_0030_1901_2817_sms_failed_over_today")
    assert sensor is not None
    assert (sensor.state, sensor.attributes["all_gateways"]) == ("1", 1)


async def test_a_stopped_gateway_is_skipped_at_once(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Its request cannot connect: the next attempt is the other gateway's, with no wait."""
    first, _second = gateways
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    await simulator.stop()
    response = await send(hass, first, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert message["outcome"] == "sent"
    assert [(a["gateway"], a["outcome"], a["reason"]) for a in message["attempts"]] == [
        (first.title, "timed_out", "gateway unreachable"),
        ("Gateway B", "sent", None),
    ]
    assert went(other) == [1]
    await hass.async_block_till_done()
    assert [event.data["outcome"] for event in finals] == ["sent"]


async def test_an_unavailable_gateway_is_not_even_tried(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Its last refresh failed: the pool starts with the other gateway."""
    first, _second = gateways
    simulator.state.go_offline(None)
    await first.runtime_data.coordinator.async_refresh()
    assert not first.runtime_data.coordinator.last_update_success
    response = await send(hass, first, pool="all", wait="sent", timeout=10)
    assert tried(response["messages"][0]) == [("Gateway B", 1, "sent")]
    simulator.state.go_online()


async def test_a_gateway_that_accepts_but_never_reports(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """The first gateway holds it without a word: after the time set, the other sends it."""
    first, _second = gateways
    simulator.state.faults.hold_queue = True
    pool = [{"config_entry_id": first.entry_id, "port": [6]}, _second.entry_id]
    response = await send(hass, first, pool=pool, attempts=2, confirm_within=10)
    assert tried(response["messages"][0]) == [(first.title, 6, "pending")]
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()
    async with asyncio.timeout(5):
        while not finals:
            await asyncio.sleep(0.02)
    (final,) = finals
    assert [(a["gateway"], a["outcome"]) for a in final.data["attempts"]] == [
        (first.title, "timed_out"),
        ("Gateway B", "sent"),
    ]
    assert (went(simulator), went(other)) == ([], [1])
    # Never released here: the message the first gateway holds is not sent twice by us.
    assert len(simulator.state.sent_messages) == 1


THIRD_SERIAL = "da00-0030-1901-7777"
THIRD_WEBHOOK_ID = "dinstar-test-webhook-third"


@pytest.fixture
async def third(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator_config: SimulatorConfig,
    hass_client_no_auth: ClientSessionGenerator,
) -> AsyncIterator[tuple[MockConfigEntry, Simulator]]:
    """A third gateway beside the two, set up and pushing to its webhook."""
    sim = Simulator(replace(simulator_config, serial=THIRD_SERIAL, seed=3))
    await sim.start()
    entry = another_gateway(
        gateways[0], sim, title="Gateway C", serial=THIRD_SERIAL, webhook_id=THIRD_WEBHOOK_ID
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    sim.push_url = str(client.make_url(f"/api/webhook/{THIRD_WEBHOOK_ID}"))
    try:
        yield entry, sim
    finally:
        await sim.stop()


async def add_contact(
    hass: HomeAssistant, entry: MockConfigEntry, **fields: Any
) -> list[dict[str, Any]]:
    """Ada added through the gateway's "Add contact"; returns the options "Fail over to" had."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "contact"), context={"source": "user"}
    )
    pool_field = next(f for f in result["data_schema"].schema if f == "pool")
    options: list[dict[str, Any]] = result["data_schema"].schema[pool_field].config["options"]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": NUMBER, **fields}
    )
    assert result["type"] == "create_entry", result
    await hass.async_block_till_done()
    return options


async def alert_ada(hass: HomeAssistant) -> dict[str, Any]:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": "notify.ada_sms", "message": "Alarm"},
        blocking=True,
    )
    async with asyncio.timeout(10):
        while not finals:
            await asyncio.sleep(0.02)
    (final,) = finals
    return final.data


async def test_a_contact_fails_over_to_the_gateways_it_names(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    third: tuple[MockConfigEntry, Simulator],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Ada of the first gateway names the third: B is never asked, though it could send."""
    first, second = gateways
    third_entry, third_sim = third
    options = await add_contact(hass, first, pool=[third_entry.entry_id])
    # Its own gateway first, the others by name, each followed by its ports, then every
    # gateway (also those added later).
    gateway_options = [option for option in options if ":" not in option["value"]]
    assert gateway_options == [
        {"value": first.entry_id, "label": first.title},
        {"value": second.entry_id, "label": "Gateway B"},
        {"value": third_entry.entry_id, "label": "Gateway C"},
        {"value": "all", "label": "all"},
    ]
    assert [option["value"] for option in options] == [
        value
        for gateway in (first, second, third_entry)
        for value in (gateway.entry_id, *(f"{gateway.entry_id}:{port}" for port in range(8)))
    ] + ["all"]
    # A port reads as in every port picker: its device's name and registration.
    assert options[options.index({"value": second.entry_id, "label": "Gateway B"}) + 6] == {
        "value": f"{second.entry_id}:5",
        "label": "Gateway B port 5: Registered",
    }
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    final = await alert_ada(hass)
    assert tried(final)[:2] == [(first.title, 6, "failed"), (first.title, 1, "failed")]
    assert [(gateway, outcome) for gateway, _, outcome in tried(final)[2:]] == [
        ("Gateway C", "sent")
    ]
    assert went(third_sim) == [final["final_port"]["port"]]
    assert other.state.sent_messages == []
    # Counted on Ada's device (its pool) and on the gateway of its first attempt.
    await hass.async_block_till_done()
    counts = [
        hass.states.get(f"sensor.{name}_sms_failed_over_today")
        for name in ("ada", "dinstar_da00_0030_1901_2817", "gateway_c")
    ]
    assert [state.state if state else None for state in counts] == ["1", "1", "0"]


async def test_a_removed_gateway_leaves_the_contact_sending(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Ada named B, which is removed since: her alarm fails over on the first gateway alone.

    Changing her then offers what is left, without B.
    """
    first, second = gateways
    await add_contact(hass, first, pool=[second.entry_id])
    assert await hass.config_entries.async_remove(second.entry_id)
    await hass.async_block_till_done()
    simulator.state.faults.no_credit_ports = [6]
    final = await alert_ada(hass)
    assert tried(final) == [(first.title, 6, "failed"), (first.title, 1, "sent")]
    assert other.state.sent_messages == []

    (ada,) = first.subentries.values()
    result = await first.start_subentry_reconfigure_flow(hass, ada.subentry_id)
    schema = result["data_schema"].schema
    pool_field = next(f for f in schema if f == "pool")
    assert pool_field.description is None
    assert [o["value"] for o in schema[pool_field].config["options"]] == [
        first.entry_id,
        *(f"{first.entry_id}:{port}" for port in range(8)),
        "all",
    ]


async def test_a_contact_saved_before_gateways_could_be_listed(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """A contact saved with the word "this_gateway" fails over on its gateway alone, as then."""
    first, _second = gateways
    await add_contact(hass, first)
    (ada,) = first.subentries.values()
    hass.config_entries.async_update_subentry(first, ada, data={**ada.data, "pool": "this_gateway"})
    await hass.async_block_till_done()
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    final = await alert_ada(hass)
    assert final["outcome"] == "failed"
    assert {attempt["gateway"] for attempt in final["attempts"]} == {first.title}
    assert other.state.sent_messages == []

    result = await first.start_subentry_reconfigure_flow(hass, ada.subentry_id)
    pool_field = next(f for f in result["data_schema"].schema if f == "pool")
    assert pool_field.description == {"suggested_value": [first.entry_id]}


async def test_a_contact_fails_over_to_the_ports_it_names(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Ada may use B's port 5 only (its best port is 1): that is where her alarm goes."""
    first, second = gateways
    await add_contact(hass, first, pool=[f"{second.entry_id}:5"])
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    final = await alert_ada(hass)
    assert tried(final) == [
        (first.title, 6, "failed"),
        (first.title, 1, "failed"),
        ("Gateway B", 5, "sent"),
    ]
    assert went(other) == [5]
    # The final event names the gateway it went from.
    assert final["config_entry_id"] == second.entry_id


async def test_the_final_failure_names_the_gateway_last_tried(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Every SIM Ada may use is out of credit: the failure is told on B, where it ended."""
    first, second = gateways
    await add_contact(hass, first, pool=[f"{second.entry_id}:5"])
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    other.state.faults.no_credit_ports = [5]
    final = await alert_ada(hass)
    assert final["outcome"] == "failed"
    assert tried(final)[-1] == ("Gateway B", 5, "failed")
    assert final["config_entry_id"] == second.entry_id


async def test_a_contact_limited_to_some_ports_of_its_own_gateway(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Ada prefers port 6 and may fail over to port 2 of her gateway only: not to 1, nor B."""
    first, _second = gateways
    await add_contact(hass, first, port="6", pool=[f"{first.entry_id}:2"])
    simulator.state.faults.no_credit_ports = [6]
    final = await alert_ada(hass)
    assert tried(final) == [(first.title, 6, "failed"), (first.title, 2, "sent")]
    assert went(simulator) == [2]
    assert other.state.sent_messages == []


async def test_a_gateway_ticked_whole_keeps_every_port(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """B and its port 5 both ticked: B whole, so its best port (1) takes over."""
    first, second = gateways
    await add_contact(hass, first, pool=[f"{second.entry_id}:5", second.entry_id])
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    final = await alert_ada(hass)
    assert tried(final)[2:] == [("Gateway B", 1, "sent")]


async def test_ports_a_gateway_no_longer_has_are_left_out(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Ada was saved with B's port 9, which B does not have: B is left out, not used whole.

    Her form no longer offers nor ticks it.
    """
    first, second = gateways
    await add_contact(hass, first)
    (ada,) = first.subentries.values()
    hass.config_entries.async_update_subentry(
        first, ada, data={**ada.data, "pool": [f"{second.entry_id}:9"]}
    )
    await hass.async_block_till_done()
    simulator.state.faults.no_credit_ports = [6]
    final = await alert_ada(hass)
    assert tried(final) == [(first.title, 6, "failed"), (first.title, 1, "sent")]
    assert other.state.sent_messages == []

    result = await first.start_subentry_reconfigure_flow(hass, ada.subentry_id)
    pool_field = next(f for f in result["data_schema"].schema if f == "pool")
    assert pool_field.description is None
    values = [o["value"] for o in result["data_schema"].schema[pool_field].config["options"]]
    assert f"{second.entry_id}:9" not in values


async def test_a_gateway_away_keeps_the_ports_chosen_on_it(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """B is unloaded while Ada is changed: its port 5 is still offered, ticked, and kept."""
    first, second = gateways
    await add_contact(hass, first, pool=[f"{second.entry_id}:5"])
    assert await hass.config_entries.async_unload(second.entry_id)
    await hass.async_block_till_done()
    (ada,) = first.subentries.values()
    result = await first.start_subentry_reconfigure_flow(hass, ada.subentry_id)
    schema = result["data_schema"].schema
    pool_field = next(f for f in schema if f == "pool")
    assert pool_field.description == {"suggested_value": [f"{second.entry_id}:5"]}
    assert [
        o for o in schema[pool_field].config["options"] if o["value"].startswith(second.entry_id)
    ] == [
        {"value": second.entry_id, "label": "Gateway B"},
        {"value": f"{second.entry_id}:5", "label": "Gateway B port 5: Registration unknown"},
    ]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": NUMBER, "pool": [f"{second.entry_id}:5"]}
    )
    assert result["reason"] == "reconfigure_successful"
    assert first.subentries[ada.subentry_id].data["pool"] == [f"{second.entry_id}:5"]


async def test_after_a_restart_each_gateway_is_asked_about_its_own_attempts(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    other: Simulator,
) -> None:
    """Two alarms were out at the stop, one on each gateway, and both went.

    Each gateway is asked about its own only: the first to load has no record of the other's
    (its user_ids are its own), which must not read as "never arrived" and go again.
    """
    second = another_gateway(mock_config_entry, other)
    store_intents(
        hass_storage,
        intent("on-a", [mock_config_entry], [pending_attempt(mock_config_entry, 6, 41)]),
        intent("on-b", [second], [pending_attempt(second, 1, 77)]),
    )
    for entry, sim, port, user_id in (
        (mock_config_entry, simulator, 6, 41),
        (second, other, 1, 77),
    ):
        next_user_id(hass_storage, entry, user_id + 1)
        sim.state.sent_messages.append(
            OutgoingSms(0, port, NUMBER, "Alarm", "gsm-7bit", user_id, False, 1, status="SENT_OK")
        )
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    mock_config_entry.add_to_hass(hass)
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert second.state is ConfigEntryState.LOADED
    assert sorted(tried(final.data) for final in finals) == [
        [(mock_config_entry.title, 6, "sent")],
        [("Gateway B", 1, "sent")],
    ]
    assert (len(simulator.state.sent_messages), len(other.state.sent_messages)) == (1, 1)


async def test_an_attempt_on_a_gateway_that_stays_down_is_taken_over(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    other: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The alarm was out on the first gateway, which is still down after the restart.

    Nobody can ask it: after the grace its gateway gets to load, the attempt is taken as
    timed out and the other gateway sends the alarm.
    """
    second = another_gateway(mock_config_entry, other)
    store_intents(
        hass_storage,
        intent("alarm", [mock_config_entry, second], [pending_attempt(mock_config_entry, 6, 41)]),
    )
    simulator.state.go_offline(None)
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    mock_config_entry.add_to_hass(hass)
    second.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (mock_config_entry.state, second.state) == (
        ConfigEntryState.SETUP_RETRY,
        ConfigEntryState.LOADED,
    )
    client = await hass_client_no_auth()
    other.push_url = str(client.make_url(f"/api/webhook/{SECOND_WEBHOOK_ID}"))
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=4))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert other.state.sent_messages == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5, seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [sms.number for sms in other.state.sent_messages] == [NUMBER]
    async with asyncio.timeout(10):
        while not finals:
            await asyncio.sleep(0.02)
    (final,) = finals
    assert [(a["gateway"], a["outcome"]) for a in final.data["attempts"]] == [
        (mock_config_entry.title, "timed_out"),
        ("Gateway B", "sent"),
    ]


async def level(
    hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator, signal: int, **apart: int
) -> list[int]:
    """Every SIM of ``sim`` at one signal (``port_<n>=`` sets one apart), read by a refresh.

    Returns the registered ports.
    """
    for port in sim.state.ports:
        port.signal = apart.get(f"port_{port.index}", signal)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    return [port.index for port in sim.state.ports if port.registered]


async def after_the_first_failed_twice(
    hass: HomeAssistant, first: MockConfigEntry, **data: Any
) -> list[tuple[str, int, str]]:
    """A pooled alarm from the first gateway, none of whose SIMs can pay: its best two fail.

    Returns the attempts after those two.
    """
    response = await send(hass, first, pool="all", wait="sent", timeout=10, **data)
    (message,) = response["messages"]
    assert tried(message)[:2] == [(first.title, 6, "failed"), (first.title, 1, "failed")]
    return tried(message)[2:]


async def test_equal_ports_of_two_gateways_go_by_the_pools_order(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    third: tuple[MockConfigEntry, Simulator],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """The first gateway failed twice; B and C are alike in all but their place in the pool.

    C's lowest port is a lower port number than any of B's left: the pool's order decides first.
    """
    first, second = gateways
    third_entry, third_sim = third
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    other.state.ports[0].reg = "UNREGISTERED"
    b_ports = await level(hass, second, other, 20)
    c_ports = await level(hass, third_entry, third_sim, 20)
    assert min(c_ports) < min(b_ports)
    assert await after_the_first_failed_twice(hass, first) == [("Gateway B", min(b_ports), "sent")]
    assert third_sim.state.sent_messages == []


async def test_the_next_port_is_on_the_gateway_last_tried(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    third: tuple[MockConfigEntry, Simulator],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """C's best SIM failed: C's next port goes before B's stronger ones (one request, same queue)."""
    first, second = gateways
    third_entry, third_sim = third
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    await level(hass, second, other, 20)
    best, after, *_ = [port.index for port in third_sim.state.ports if port.registered]
    third_sim.state.faults.no_credit_ports = [best]
    apart = {f"port_{best}": 28, f"port_{after}": 12}
    await level(hass, third_entry, third_sim, 10, **apart)
    assert await after_the_first_failed_twice(hass, first, attempts=4) == [
        ("Gateway C", best, "failed"),
        ("Gateway C", after, "sent"),
    ]
    assert other.state.sent_messages == []


async def test_equal_ports_go_to_the_gateway_with_the_shorter_queue(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    third: tuple[MockConfigEntry, Simulator],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """The first gateway failed twice; B, named before C, has two SMS waiting: C takes it.

    B's port 1 is busy with one SMS (held on the air) and two more wait behind it.
    """
    first, second = gateways
    third_entry, third_sim = third
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    other.state.faults.hold_queue = True
    waiting = ["+4915100000001", "+4915100000002", "+4915100000003"]
    await send(hass, second, number=waiting, port=[1])
    b_ports = await level(hass, second, other, 20)
    c_ports = await level(hass, third_entry, third_sim, 20)
    assert second.runtime_data.coordinator.data.sms_in_queue == 2
    assert third_entry.runtime_data.coordinator.data.sms_in_queue == 0
    assert c_ports
    assert b_ports
    assert await after_the_first_failed_twice(hass, first) == [("Gateway C", min(c_ports), "sent")]


async def test_a_gateway_named_without_ports_may_use_every_port(
    hass: HomeAssistant,
    gateways: tuple[MockConfigEntry, MockConfigEntry],
    simulator: Simulator,
    other: Simulator,
) -> None:
    """``{config_entry_id: B}`` with no ``port``: all of B's ports, as B's entry ID alone."""
    first, second = gateways
    simulator.state.faults.no_credit_ports = FIRST_PORTS
    response = await send(
        hass,
        first,
        pool=[{"config_entry_id": second.entry_id}],
        attempts=3,
        wait="sent",
        timeout=10,
    )
    (message,) = response["messages"]
    assert [(gateway, outcome) for gateway, _, outcome in tried(message)] == [
        (first.title, "failed"),
        (first.title, "failed"),
        ("Gateway B", "sent"),
    ]
    assert len(went(other)) == 1
