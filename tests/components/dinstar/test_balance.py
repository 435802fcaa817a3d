"""Balance checks against the simulator: the subentry, the schedule, the sensor and button."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.dinstar.aiodinstar import parse_balance
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.sim import balance, ussd
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID, form_fields, port_device, suggested_values

BALANCE = "sensor.dinstar_da00_0030_1901_2817_port_{}_balance"
BUTTON = "button.dinstar_da00_0030_1901_2817_port_{}_check_balance"
CHECK = {
    "ports": [1, 2],
    "code": "*100#",
    "interval": 24,
    "currency": "EUR",
    "reply_wait": 10,
}


@pytest.fixture(autouse=True)
def fast_ussd_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """No push comes in most tests: ask the gateway for the reply at once."""
    monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Ports 1 and 2 checked with *100#, low below 1,000 EUR (the simulator's are less)."""
    return [("balance", {**CHECK, "threshold": 1000})]


@pytest.fixture
def pushes(
    simulator: Simulator, hass_client_no_auth: ClientSessionGenerator
) -> Callable[[], Awaitable[None]]:
    """Point the simulator's pushes at the webhook: the same reply twice is told apart."""

    async def start() -> None:
        client = await hass_client_no_auth()
        simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))

    return start


type Tick = Callable[..., Awaitable[None]]


@pytest.fixture
def tick(hass: HomeAssistant) -> Tick:
    """Let minutes pass (as the checks' timer sees them) and the check they start finish.

    The clock is not frozen: the simulator's replies need real time to come.
    """
    elapsed = timedelta()
    start = dt_util.utcnow()

    async def advance(minutes: float = 1) -> None:
        nonlocal elapsed
        elapsed += timedelta(minutes=minutes)
        async_fire_time_changed(hass, start + elapsed + timedelta(seconds=1))
        await hass.async_block_till_done(wait_background_tasks=True)

    return advance


type Minutes = Callable[[int], Awaitable[None]]


@pytest.fixture
def minutes(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> Minutes:
    """Let minutes pass on a frozen clock, the checks' back-off included.

    Only a pushed reply can come while the clock stands still: point the pushes at the webhook.
    """

    async def advance(count: int) -> None:
        for _ in range(count):
            freezer.tick(timedelta(seconds=61))
            async_fire_time_changed(hass)
            await hass.async_block_till_done(wait_background_tasks=True)

    return advance


async def test_add_a_balance_check(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The subentry's form checks its fields; a new check brings its entities at once."""

    async def submit(data: dict[str, Any]) -> Any:
        result = await hass.config_entries.subentries.async_init(
            (init_integration.entry_id, "balance"), context={"source": SOURCE_USER}
        )
        assert result["type"] is FlowResultType.FORM
        return await hass.config_entries.subentries.async_configure(result["flow_id"], data)

    base = {"ports": ["1"], "code": "*125#", "interval": 12, "currency": "RON", "reply_wait": 5}
    for data, errors in (
        ({**base, "pattern": "Sold (unclosed"}, {"pattern": "invalid_pattern"}),
        ({**base, "pattern": "no group"}, {"pattern": "invalid_pattern"}),
        ({**base, "code": "*" * 61}, {"code": "invalid_ussd"}),
        ({**base, "ports": []}, {"ports": "no_ports"}),
    ):
        assert (await submit(data))["errors"] == errors
    result = await submit({**base, "pattern": r"Sold: ([\d,]+) lei"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["ports"] == [1]
    await hass.async_block_till_done()
    state = hass.states.get(BALANCE.format(1))
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "RON"
    assert state.attributes["device_class"] == "monetary"
    assert hass.states.get(BUTTON.format(1)) is not None
    assert hass.states.get(BALANCE.format(2)) is None
    # Port 1 is taken: a second check on it is refused.
    assert (await submit({**base, "ports": ["1", "2"]}))["errors"] == {"ports": "port_taken"}


@pytest.mark.parametrize(
    "subentries",
    [[("balance", {**CHECK, "threshold": 1000}), ("balance", {**CHECK, "ports": [4]})]],
)
async def test_change_a_balance_check(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Changed in place: its own ports stay free to keep, a port it gives up loses its entities."""
    subentry_id = next(
        subentry.subentry_id
        for subentry in init_with_subentries.subentries.values()
        if subentry.data["ports"] == [1, 2]
    )

    async def submit(data: dict[str, Any]) -> Any:
        result = await hass.config_entries.subentries.async_init(
            (init_with_subentries.entry_id, "balance"),
            context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reconfigure"
        shown = suggested_values(result)
        assert shown["ports"] == ["1", "2"]
        assert shown["threshold"] == 1000
        return await hass.config_entries.subentries.async_configure(result["flow_id"], data)

    assert entity_registry.async_get(BALANCE.format(1)) is not None
    changed = {
        "ports": ["2", "4"],
        "code": "*101#",
        "interval": 12,
        "currency": "EUR",
        "reply_wait": 5,
    }
    assert (await submit(changed))["errors"] == {"ports": "port_taken"}
    result = await submit({**changed, "ports": ["2"]})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = init_with_subentries.subentries[subentry_id]
    assert subentry.title == "*101# on 2"
    assert subentry.data["ports"] == [2]
    assert "threshold" not in subentry.data
    runtime = init_with_subentries.runtime_data
    assert runtime.balance.groups[2].code == "*101#"
    # Port 1 lost its balance entities; port 2 kept its own.
    assert entity_registry.async_get(BALANCE.format(1)) is None
    assert entity_registry.async_get(BUTTON.format(1)) is None
    assert hass.states.get(BALANCE.format(2)) is not None
    assert hass.states.get(BALANCE.format(4)) is not None


async def test_a_balance_check_needs_the_gateway_loaded(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The ports to choose from are the running gateway's."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, "balance"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def test_checks_are_spread_and_low_balances_fire(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    tick: Tick,
) -> None:
    """One port a minute; the amount read from the reply; a balance under the threshold fires."""
    low = async_capture_events(hass, "dinstar_low_balance")
    await tick()
    credit = simulator.state.ports[1].remain_credit
    state = hass.states.get(BALANCE.format(1))
    assert state.state == credit
    assert state.attributes["reply"] == f"Your balance is {credit} EUR"
    assert state.attributes["checked_at"] is not None
    # Port 2 waits for the next minute: never two codes at once.
    assert hass.states.get(BALANCE.format(2)).state == STATE_UNKNOWN
    assert simulator.state.requests["/api/send_ussd"] == 1
    await tick()
    assert hass.states.get(BALANCE.format(2)).state == simulator.state.ports[2].remain_credit
    assert [event.data["port"] for event in low] == [1, 2]
    assert low[0].data["currency"] == "EUR"
    assert low[0].data["threshold"] == 1000
    # Not due again for a day.
    await tick()
    assert simulator.state.requests["/api/send_ussd"] == 2
    problem = hass.states.get("binary_sensor.dinstar_da00_0030_1901_2817_port_1_sim_problem")
    assert problem.state == "on"
    assert problem.attributes["problems"] == ["low_balance"]


def unreadable(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings about replies without an amount (a slow read-back may warn of its own)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.getMessage().startswith("No balance found")
    ]


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_a_reply_without_an_amount(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    pushes: Callable[[], Awaitable[None]],
) -> None:
    """Unknown, the reply kept, logged once however often it comes; never a guess."""
    await pushes()
    simulator.state.ports[1].ussd_replies["*100#"] = "Thank you, offer 2 valid until 12/05/2027"
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    state = hass.states.get(BALANCE.format(1))
    assert state.state == STATE_UNKNOWN
    assert state.attributes["reply"] == "Thank you, offer 2 valid until 12/05/2027"
    warning = (
        f"No balance found in the reply on port 1 of Dinstar {SERIAL}: "
        "'Thank you, offer 2 valid until 12/05/2027'"
    )
    assert unreadable(caplog) == [warning]
    # A reply with an amount, then none again: told again, once.
    for reply in ("Your balance is 5.00 EUR", "Thank you, offer 2 valid until 12/05/2027"):
        simulator.state.ports[1].ussd_replies["*100#"] = reply
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
        )
    assert unreadable(caplog) == [warning, warning]


@pytest.mark.parametrize(
    "subentries", [[("balance", {**CHECK, "ports": [1], "pattern": r"Credit (\d+\.\d+) units"})]]
)
async def test_the_users_pattern(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, simulator: Simulator
) -> None:
    """The pattern wins over the reading without it (a currency first would be taken)."""
    reply = "Bonus 3.00 EUR, Credit 12.50 units"
    reading = parse_balance(reply, None)
    assert reading is not None
    assert reading.amount == Decimal("3.00")
    simulator.state.ports[1].ussd_replies["*100#"] = reply
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    assert hass.states.get(BALANCE.format(1)).state == "12.50"


@pytest.mark.parametrize(
    "subentries", [[("balance", {**CHECK, "ports": [2], "reply_sender": "Vodafone"})]]
)
async def test_the_reply_by_sms(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
    tick: Tick,
) -> None:
    """The operator answers by SMS: the next one from that sender on that port is read."""
    await pushes()
    simulator.state.ports[2].ussd_reply_sender = "Vodafone"
    await tick()
    credit = simulator.state.ports[2].remain_credit
    assert hass.states.get(BALANCE.format(2)).state == credit
    assert simulator.state.inbox[-1].number == "Vodafone"


@pytest.mark.parametrize(
    "subentries",
    # Three seconds for the operator's SMS.
    [[("balance", {**CHECK, "ports": [2], "reply_sender": "Vodafone", "reply_wait": 0.05})]],
)
async def test_no_reply_by_sms_in_time(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
) -> None:
    """Only an SMS from the operator's sender is the balance; none in time is an error."""
    await pushes()
    simulator.state.ports[2].ussd_reply_sender = "Orange"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(2)}, blocking=True
        )
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "balance_sms_timeout",
        {"port": "2", "sender": "Vodafone"},
    )
    assert simulator.state.inbox[-1].number == "Orange"
    state = hass.states.get(BALANCE.format(2))
    assert state.state == STATE_UNKNOWN
    assert state.attributes["checked_at"] is None


@pytest.fixture
def port_1_in_a_call(simulator: Simulator) -> None:
    """Port 1 is in a call from the start."""
    simulator.state.ports[1].callstate = "Active"


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_a_busy_port_is_tried_later(
    hass: HomeAssistant,
    port_1_in_a_call: None,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
    minutes: Minutes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """In a call: no code is sent; tried again later, waiting twice as long each time."""
    await pushes()
    simulator.state.config.ussd_delay = 0
    checks = init_with_subentries.runtime_data.balance
    waits: list[tuple[int, timedelta]] = []
    for _ in range(6):
        before = checks.balances[1].failures
        await minutes(1)
        port_balance = checks.balances[1]
        if port_balance.failures > before and port_balance.retry_at is not None:
            waits.append((port_balance.failures, port_balance.retry_at - dt_util.utcnow()))
    # Six chances, three tries, each waiting twice as long; no code sent during the call.
    assert caplog.text.count("Balance check of port 1 failed") == 3
    assert len(waits) >= 2
    assert [wait for _, wait in waits] == [balance.FIRST_RETRY * 2 ** (n - 1) for n, _ in waits]
    assert simulator.state.requests["/api/send_ussd"] == 0
    assert hass.states.get(BALANCE.format(1)).state == STATE_UNKNOWN
    simulator.state.ports[1].callstate = "Idle"
    await init_with_subentries.runtime_data.coordinator.async_refresh()
    await minutes(8)  # the next try, eight minutes after the third
    assert simulator.state.requests["/api/send_ussd"] == 1
    assert hass.states.get(BALANCE.format(1)).state == simulator.state.ports[1].remain_credit


async def test_a_users_code_and_a_check_take_turns(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
) -> None:
    """The gateway refuses a second code on a busy port (486): both wait their turn instead."""
    await pushes()
    simulator.state.config.ussd_delay = 0.3
    user = hass.services.async_call(
        DOMAIN,
        "send_ussd",
        {"config_entry_id": init_with_subentries.entry_id, "port": 1, "code": "*101#"},
        blocking=True,
        return_response=True,
    )
    check = hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    response, _ = await asyncio.gather(user, check)
    credit = simulator.state.ports[1].remain_credit
    assert response["reply"] == f"Your balance is {credit} EUR"
    assert hass.states.get(BALANCE.format(1)).state == credit


@pytest.fixture
def restored_balance(hass: HomeAssistant) -> str:
    """Port 1's balance as Home Assistant kept it an hour ago."""
    checked_at = (dt_util.utcnow() - timedelta(hours=1)).isoformat()
    reply = "Your balance is 7.25 EUR"
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(BALANCE.format(1), "7.25", {"reply": reply, "checked_at": checked_at}),
                {"native_value": "7.25", "native_unit_of_measurement": "EUR"},
            )
        ],
    )
    return checked_at


async def test_the_balance_survives_a_restart(
    hass: HomeAssistant,
    restored_balance: str,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    tick: Tick,
) -> None:
    """Restored with its reply and time, low at once, and not asked again before it is due."""
    state = hass.states.get(BALANCE.format(1))
    assert state.state == "7.25"
    assert state.attributes["checked_at"] == restored_balance
    assert state.attributes["reply"] == "Your balance is 7.25 EUR"
    problem = hass.states.get("binary_sensor.dinstar_da00_0030_1901_2817_port_1_sim_problem")
    assert problem.attributes["problems"] == ["low_balance"]
    await tick()  # port 2 was never checked: it goes first
    await tick()
    assert simulator.state.requests["/api/send_ussd"] == 1
    assert hass.states.get(BALANCE.format(1)).state == "7.25"


@pytest.mark.parametrize("fault", ["error_500", "offline"])
async def test_a_failing_gateway_backs_off_and_lets_the_other_ports_go(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    tick: Tick,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """A gateway error fails the check like any other: tried later, the next port goes first."""
    if fault == "offline":
        simulator.state.go_offline()
    else:
        simulator.state.faults.error_500 = True
    await tick()
    simulator.state.go_online()
    simulator.state.faults.error_500 = False
    assert caplog.text.count("Balance check of port 1 failed") == 1
    await tick()
    assert hass.states.get(BALANCE.format(2)).state == simulator.state.ports[2].remain_credit
    assert hass.states.get(BALANCE.format(1)).state == STATE_UNKNOWN


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_after_a_failure_a_success_waits_for_the_interval(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
    minutes: Minutes,
) -> None:
    """The success ends the retries: the port is not checked every minute after it."""
    await pushes()
    simulator.state.config.ussd_delay = 0
    simulator.state.go_offline()
    await minutes(1)
    simulator.state.go_online()
    await minutes(4)  # the failure, then the retry two minutes on
    assert hass.states.get(BALANCE.format(1)).state == simulator.state.ports[1].remain_credit
    assert simulator.state.requests["/api/send_ussd"] == 1
    # Counted from nothing again: a later failure waits the first, shortest time.
    assert init_with_subentries.runtime_data.balance.balances[1].failures == 0
    await minutes(3)
    assert simulator.state.requests["/api/send_ussd"] == 1


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_a_balance_that_did_not_change_is_read_again(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, simulator: Simulator, tick: Tick
) -> None:
    """No push: the same reply as last time is the answer, not a reply still to come."""
    simulator.state.config.ussd_delay = 0.3
    await tick()
    first = hass.states.get(BALANCE.format(1)).attributes["checked_at"]
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    state = hass.states.get(BALANCE.format(1))
    assert state.state == simulator.state.ports[1].remain_credit
    assert state.attributes["checked_at"] > first


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1, 2]})]])
async def test_no_code_for_a_sim_that_cannot_answer(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    control: Callable[..., Awaitable[Any]],
    tick: Tick,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A SIM asking for its PIN: neither the button nor the schedule sends it a code."""
    await control("POST", "ports/1", {"reg": "PIN_REQUIRE"})
    await init_with_subentries.runtime_data.coordinator.async_refresh()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
        )
    assert err.value.translation_key == "ussd_pin_required"
    await tick()
    assert "Balance check of port 1 failed" in caplog.text
    assert simulator.state.requests["/api/send_ussd"] == 0
    await tick()  # port 1 waits: port 2 has its turn
    assert simulator.state.requests["/api/send_ussd"] == 1
    assert hass.states.get(BALANCE.format(2)).state == simulator.state.ports[2].remain_credit


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_a_menu_is_no_balance_and_its_session_is_ended(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, simulator: Simulator
) -> None:
    """The operator answers with a menu: no amount read from it, the session not left open."""
    menu = "Balance menu:\n1. Check balance\n2. Buy a 5 EUR bundle"
    simulator.state.ports[1].ussd_menus["*100#"] = menu
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    state = hass.states.get(BALANCE.format(1))
    assert (state.state, state.attributes["reply"]) == (STATE_UNKNOWN, menu)
    assert not simulator.state.ports[1].ussd_menu_open
    response = await hass.services.async_call(
        DOMAIN,
        "send_ussd",
        {"config_entry_id": init_with_subentries.entry_id, "port": 1, "code": "*101#"},
        blocking=True,
        return_response=True,
    )
    credit = simulator.state.ports[1].remain_credit
    assert response["reply"] == f"Your balance is {credit} EUR"


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1], "threshold": 10})]])
async def test_a_new_sim_starts_unknown_and_is_checked_soon(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    control: Callable[..., Awaitable[Any]],
    tick: Tick,
) -> None:
    """Another ICCID in the port: the old SIM's balance, reply, time and low balance go."""
    problem = "binary_sensor.dinstar_da00_0030_1901_2817_port_1_sim_problem"
    simulator.state.ports[1].remain_credit = "5.00"
    await tick()
    assert hass.states.get(BALANCE.format(1)).state == "5.00"
    assert hass.states.get(problem).attributes["problems"] == ["low_balance"]
    await control("POST", "ports/1", {"sim": True, "remain_credit": "50.00"})
    await init_with_subentries.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(BALANCE.format(1))
    assert (state.state, state.attributes["reply"], state.attributes["checked_at"]) == (
        STATE_UNKNOWN,
        None,
        None,
    )
    assert hass.states.get(problem).attributes["problems"] == []
    await tick()
    assert hass.states.get(BALANCE.format(1)).state == "50.00"
    # Kept for the next start with the new SIM's ICCID, which stays out of the attributes.
    stored = (await async_mock_restore_state_shutdown_restart(hass)).last_states[BALANCE.format(1)]
    sim = simulator.state.ports[1].sim
    assert sim is not None
    assert stored.extra_data is not None
    assert stored.extra_data.as_dict()["iccid"] == sim.iccid
    assert "iccid" not in stored.state.attributes


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1], "threshold": 10})]])
async def test_low_balance_fires_once_per_fall(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
) -> None:
    """Low twice in a row is one event; back above the threshold and down again is another."""
    await pushes()
    low = async_capture_events(hass, "dinstar_low_balance")
    port = simulator.state.ports[1]
    for credit in ("5.00", "5.00", "50.00", "4.00", "3.00"):
        port.remain_credit = credit
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
        )
        assert hass.states.get(BALANCE.format(1)).state == credit
    await hass.async_block_till_done()  # the listener runs after the press answered
    assert [event.data["balance"] for event in low] == [5.0, 4.0]


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1], "threshold": 10})]])
async def test_a_balance_at_the_threshold_is_not_low(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
    device_registry: dr.DeviceRegistry,
) -> None:
    """Low is below the threshold; the event is on the port's device."""
    await pushes()
    low = async_capture_events(hass, "dinstar_low_balance")
    for credit in ("10.00", "9.99"):
        simulator.state.ports[1].remain_credit = credit
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
        )
    await hass.async_block_till_done()  # the listener runs after the press answered
    assert [(event.data["balance"], event.data["threshold"]) for event in low] == [(9.99, 10.0)]
    device = port_device(device_registry, init_with_subentries, 1)
    assert device is not None
    assert low[0].data["device_id"] == device.id


@pytest.mark.parametrize("subentries", [[("balance", {**CHECK, "ports": [1]})]])
async def test_no_ussd_reply_in_time_is_an_error(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The network never answers: the check gives up after its wait, with the reason."""
    monkeypatch.setattr(balance, "USSD_WAIT", 0.3)
    simulator.state.config.ussd_delay = 30
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
        )
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "ussd_timeout",
        {"port": "1"},
    )


@pytest.mark.parametrize(
    "subentries", [[("balance", {**CHECK, "ports": [2], "reply_sender": "Vodafone"})]]
)
async def test_an_operator_answering_by_sms_only(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No USSD reply at all, the SMS after it: the balance is read from the SMS."""
    await pushes()
    monkeypatch.setattr(balance, "USSD_WAIT", 0.2)
    simulator.state.config.ussd_delay = 30

    async def operator_answers() -> None:
        await asyncio.sleep(0.5)  # after the USSD reply's wait is over
        simulator.receive_sms(2, "Vodafone", "Your balance is 7.25 EUR")

    answering = asyncio.create_task(operator_answers())
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(2)}, blocking=True
    )
    await answering
    assert hass.states.get(BALANCE.format(2)).state == "7.25"


@pytest.mark.parametrize(
    "subentries",
    [[("balance", {**CHECK, "ports": [2], "reply_sender": "Vodafone", "reply_wait": 0.05})]],
)
async def test_a_code_the_gateway_refuses_ends_a_check_by_sms(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, simulator: Simulator
) -> None:
    """Only a missing USSD reply means "wait for the SMS": a refused code is the error."""
    simulator.state.faults.error_500 = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": BUTTON.format(2)}, blocking=True
        )
    assert err.value.translation_key != "balance_sms_timeout"


async def test_a_waiting_check_lets_later_user_codes_go_first(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    pushes: Callable[[], Awaitable[None]],
) -> None:
    """A user's code that comes while a check waits for the port is sent before the check."""
    await pushes()
    simulator.state.config.ussd_delay = 0.3
    done: list[str] = []

    async def run(name: str, call: Awaitable[Any], after: float) -> None:
        await asyncio.sleep(after)
        await call
        done.append(name)

    def user_code() -> Awaitable[Any]:
        return hass.services.async_call(
            DOMAIN,
            "send_ussd",
            {"config_entry_id": init_with_subentries.entry_id, "port": 1, "code": "*101#"},
            blocking=True,
            return_response=True,
        )

    press = hass.services.async_call(
        "button", "press", {"entity_id": BUTTON.format(1)}, blocking=True
    )
    # The scheduled check holds the port; the button's waits for it, then the user's code comes.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=1, seconds=1))
    await asyncio.gather(
        run("button", press, 0.1), run("user", user_code(), 0.15), run("user", user_code(), 0.2)
    )
    # Both user codes, counted as they came, go before the check that waited.
    assert done == ["user", "user", "button"]
    assert simulator.state.requests["/api/send_ussd"] == 4


@pytest.fixture
def same_sim() -> bool:
    """Whether the balance kept from before the restart was read from the SIM in the port."""
    return True


@pytest.fixture
def restored_from_a_sim(hass: HomeAssistant, simulator: Simulator, same_sim: bool) -> str:
    """Port 1's balance as kept an hour ago, with the ICCID of the SIM it was read from."""
    sim = simulator.state.ports[1].sim
    assert sim is not None
    checked_at = (dt_util.utcnow() - timedelta(hours=1)).isoformat()
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(BALANCE.format(1), "7.25", {"reply": "7.25 EUR", "checked_at": checked_at}),
                {
                    "native_value": "7.25",
                    "native_unit_of_measurement": "EUR",
                    "iccid": sim.iccid if same_sim else "8949000000000000001",
                },
            )
        ],
    )
    return checked_at


@pytest.mark.parametrize("same_sim", [True, False])
async def test_a_sim_swapped_while_home_assistant_was_away(
    hass: HomeAssistant,
    restored_from_a_sim: str,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    tick: Tick,
    same_sim: bool,
) -> None:
    """The balance kept from before a restart is the SIM's it was read from, not the next's."""
    state = hass.states.get(BALANCE.format(1))
    assert state.state == ("7.25" if same_sim else STATE_UNKNOWN)
    assert state.attributes["checked_at"] == (restored_from_a_sim if same_sim else None)
    await tick()  # a new SIM is checked first; the same one is not due for a day
    assert simulator.state.requests["/api/send_ussd"] == 1
    assert (hass.states.get(BALANCE.format(1)).state == "7.25") is same_sim


async def test_the_form_as_the_frontend_shows_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """Each field's selector, range, unit and default, as the form sends them."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "balance"), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    assert form_fields(result) == snapshot


async def test_the_limits_of_each_field(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A code of 60 bytes is one (61 is not); no ports at all is "no ports", as an empty list."""

    async def submit(data: dict[str, Any]) -> Any:
        result = await hass.config_entries.subentries.async_init(
            (init_integration.entry_id, "balance"), context={"source": SOURCE_USER}
        )
        return await hass.config_entries.subentries.async_configure(result["flow_id"], data)

    base = {"code": "*125#", "interval": 12, "currency": "RON", "reply_wait": 5}
    assert (await submit(base))["errors"] == {"ports": "no_ports"}
    code = "*" + "1" * 58 + "#"
    assert len(code.encode()) == 60
    result = await submit({**base, "ports": ["1"], "code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["code"] == code


async def test_a_refused_form_keeps_what_was_typed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The error is shown with the fields as typed; fixed, the check is named by its ports."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "balance"), context={"source": SOURCE_USER}
    )
    typed = {
        "ports": ["1", "2"],
        "code": "*125#",
        "interval": 12,
        "currency": "RON",
        "reply_wait": 5,
        "pattern": "no group",
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], typed)
    assert (result["step_id"], result["errors"]) == ("user", {"pattern": "invalid_pattern"})
    shown = suggested_values(result)
    assert shown == typed
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**typed, "pattern": r"Sold: ([\d,]+) lei"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "*125# on 1, 2"
