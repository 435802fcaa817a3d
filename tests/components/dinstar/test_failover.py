"""Failover on one gateway: a message that fails on one port goes out once from another."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_FINAL, EVENT_SMS_SENT
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.failover.pool import async_pool
from custom_components.dinstar.failover.ranking import PortSnapshot, Preference, rank_ports
from custom_components.dinstar.failover.snapshot import port_snapshot
from custom_components.dinstar.failover.store import STORAGE_KEY
from custom_components.dinstar.sim import ussd
from dinstar_dev.gateway_simulator import Simulator

from .conftest import WEBHOOK_ID

NUMBER = "+4917612345678"
# The seeded gateway's registered ports, strongest signal first: 6, 1, 2, 4, 0, 5.
BEST, SECOND, THIRD = 6, 1, 2


@pytest.fixture
async def gateway(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> MockConfigEntry:
    """The gateway pushing its results to the entry's webhook."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    return init_integration


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


def gateway_device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.unique_id or ""), entry.entry_id
    )
    assert device is not None
    return device.id


def went(simulator: Simulator) -> list[tuple[int, str]]:
    """Each message the gateway got out: port and number."""
    return [
        (sms.port, sms.number)
        for sms in simulator.state.sent_messages
        if sms.status in ("SENT_OK", "DELIVERED")
    ]


def tried(message: dict[str, Any]) -> list[tuple[int, str]]:
    return [(attempt["port"], attempt["outcome"]) for attempt in message["attempts"]]


async def test_a_sim_out_of_credit_is_passed_over_once(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    response = await send(hass, gateway, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert message["outcome"] == "sent"
    assert tried(message) == [(BEST, "failed"), (SECOND, "sent")]
    assert message["final_port"] == {
        "config_entry_id": gateway.entry_id,
        "gateway": gateway.title,
        "port": SECOND,
    }
    # The first attempt's user_id and parts; one attempt went, so not "both went".
    assert (message["user_id"], message["parts"], message["both_went"]) == (1, 1, False)
    assert [a["user_id"] for a in message["attempts"]] == [1, 2]  # one id an attempt
    assert went(simulator) == [(SECOND, NUMBER)]
    await hass.async_block_till_done()
    (final,) = finals
    assert final.data["outcome"] == "sent"
    assert final.data["revised"] is False
    assert [a["port"] for a in final.data["attempts"]] == [BEST, SECOND]
    # An outcome of what the gateway sent: its device page lists it, the port is in the data.
    assert (final.data["config_entry_id"], final.data["device_id"]) == (
        gateway.entry_id,
        gateway_device_id(hass, gateway),
    )


async def test_every_attempt_listed_when_none_gets_out(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Three SIMs without credit: three ports tried once each, then failed, nothing went."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST, SECOND, THIRD]
    response = await send(hass, gateway, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert message["outcome"] == "failed"
    assert message["final_port"] is None
    assert tried(message) == [(BEST, "failed"), (SECOND, "failed"), (THIRD, "failed")]
    assert went(simulator) == []
    assert len(simulator.state.sent_messages) == 3
    await hass.async_block_till_done()
    assert [event.data["outcome"] for event in finals] == ["failed"]


async def test_a_send_the_gateway_refuses_goes_from_the_next_port_at_once(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """The best SIM lost its network since the last refresh: the gateway answers 550."""
    port = simulator.state.ports[BEST]
    port.reg = "UNREGISTERED"  # unseen by Home Assistant: no push, no refresh since
    response = await send(hass, gateway, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert message["outcome"] == "sent"
    assert [(a["port"], a["outcome"], a["reason"]) for a in message["attempts"]] == [
        (BEST, "refused", "refused by the gateway"),
        (SECOND, "sent", None),
    ]
    # Refused at once: no wait for an outcome of the refused attempt.
    assert message["attempts"][1]["at"] - message["attempts"][0]["at"] < 5
    assert went(simulator) == [(SECOND, NUMBER)]


@pytest.mark.parametrize(
    ("limit", "remaining", "first"),
    [
        ("remain_daily_credit", "0.00", SECOND),  # spent: the best SIM goes last
        ("remain_monthly_credit", "0.00", SECOND),
        ("remain_credit", "0.00", SECOND),
        ("remain_daily_credit", "1.00", BEST),  # one SMS left: it may still pay
    ],
)
async def test_a_port_whose_gateway_allowance_is_spent_goes_last(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    limit: str,
    remaining: str,
    first: int,
) -> None:
    """The gateway's own SMS limit on the best port, as its last refresh read it."""
    setattr(simulator.state.ports[BEST], limit, remaining)
    await gateway.runtime_data.coordinator.async_refresh()
    response = await send(hass, gateway, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert tried(message) == [(first, "sent")]


@pytest.mark.freeze_time(tick=True)
async def test_a_preferred_sim_with_a_weak_signal_for_hours_yields(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A weak preferred SIM goes first; weak for 2 hours (a SIM problem), it yields.

    Its signal alone ranks after the preference; the problem before it.
    """
    simulator.state.ports[BEST].signal = 3  # -107 dBm
    await gateway.runtime_data.coordinator.async_refresh()
    response = await send(hass, gateway, port=[BEST], pool="all", wait="sent", timeout=10)
    assert tried(response["messages"][0]) == [(BEST, "sent")]
    freezer.tick(timedelta(hours=2, minutes=1))
    await gateway.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert gateway.runtime_data.sim_watch.problems(BEST) == {"weak_signal"}
    response = await send(hass, gateway, port=[BEST], pool="all", wait="sent", timeout=10)
    assert tried(response["messages"][0]) == [(SECOND, "sent")]


class TestLowBalance:
    """A balance check of the preferred port reads less than its threshold: it cannot pay."""

    @pytest.fixture
    def subentries(self) -> list[tuple[str, dict[str, Any]]]:
        check = {"ports": [BEST], "code": "*100#", "interval": 24, "reply_wait": 10}
        return [("balance", {**check, "currency": "EUR", "threshold": 10_000})]

    @pytest.fixture
    def fast_ussd_polling(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No push carries the reply: the gateway is asked for it at once."""
        monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)

    async def test_a_preferred_port_whose_balance_is_low_goes_last(
        self,
        hass: HomeAssistant,
        init_with_subentries: MockConfigEntry,
        simulator: Simulator,
        fast_ussd_polling: None,
        hass_client_no_auth: ClientSessionGenerator,
    ) -> None:
        entry = init_with_subentries
        client = await hass_client_no_auth()
        simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
        response = await send(hass, entry, port=[BEST], pool="all", wait="sent", timeout=10)
        assert tried(response["messages"][0]) == [(BEST, "sent")]  # not checked yet
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=1, seconds=1))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.runtime_data.sim_watch.problems(BEST) == {"low_balance"}
        response = await send(hass, entry, port=[BEST], pool="all", wait="sent", timeout=10)
        assert tried(response["messages"][0]) == [(SECOND, "sent")]


async def test_a_port_the_gateway_does_not_report_is_no_choice(
    hass: HomeAssistant, gateway: MockConfigEntry
) -> None:
    """A port gone from the gateway's answer (a pool saved before): that port, never usable."""
    assert 31 not in gateway.runtime_data.coordinator.data.ports
    snapshot = port_snapshot(gateway, 31)
    assert snapshot == PortSnapshot(gateway.entry_id, 31, registered=False)
    assert rank_ports([snapshot], Preference()) == []


async def test_no_port_able_to_send_answers_failed_with_no_attempt(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Every port unregistered: nothing reaches the gateway, and the answer has no attempt."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    for port in simulator.state.ports:
        simulator.state.set_registration(port, "unregister")
    await gateway.runtime_data.coordinator.async_refresh()
    response = await send(hass, gateway, pool="all", wait="sent", timeout=10)
    (message,) = response["messages"]
    assert message == {
        "number": NUMBER,
        "outcome": "failed",
        "user_id": None,
        "parts": None,
        "final_port": None,
        "delivered": None,
        "attempts": [],
        "both_went": False,
    }
    assert simulator.state.sent_messages == []
    await hass.async_block_till_done()
    # The final event names the gateway the message was asked of.
    (final,) = finals
    assert (final.data["config_entry_id"], final.data["device_id"]) == (
        gateway.entry_id,
        gateway_device_id(hass, gateway),
    )
    assert final.data["outcome"] == "failed"


async def test_a_port_losing_its_network_mid_send(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.faults.unregister_on_send = [BEST]
    response = await send(hass, gateway, port=[BEST], attempts=2, wait="delivered", timeout=10)
    # Preferred, the port was tried first; its successor is the best port left.
    (message,) = response["messages"]
    assert (message["outcome"], message["delivered"]) == ("sent", True)
    assert tried(message) == [(BEST, "failed"), (SECOND, "sent")]
    assert went(simulator) == [(SECOND, NUMBER)]


async def test_without_waiting_it_answers_at_once_and_the_final_event_tells(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    response = await send(hass, gateway, pool="all")
    (message,) = response["messages"]
    assert message["outcome"] == "pending"
    assert tried(message) == [(BEST, "pending")]
    assert message["user_id"] == 1
    async with asyncio.timeout(5):
        while not finals:
            await asyncio.sleep(0.01)
    (final,) = finals
    assert (final.data["number"], final.data["outcome"]) == (NUMBER, "sent")
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [
        (BEST, "failed"),
        (SECOND, "sent"),
    ]
    assert went(simulator) == [(SECOND, NUMBER)]


async def test_no_pool_sends_as_before(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """No failover field: one request, the answer of old, and no final event."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    response = await send(hass, gateway, port=[BEST])
    assert set(response) == {"task_ids", "sms_in_queue", "encoding", "messages"}
    await simulator.drain_pushes()
    await hass.async_block_till_done()
    assert [sms.port for sms in simulator.state.sent_messages] == [BEST]
    assert finals == []


async def test_a_hung_queue_times_out_then_both_went_is_told(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No outcome within the time set: the next port; a late "sent" afterwards is reported."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.hold_queue = True
    response = await send(hass, gateway, pool="all", attempts=2, confirm_within=30)
    assert tried(response["messages"][0]) == [(BEST, "pending")]
    for _ in range(2):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
        await hass.async_block_till_done()
    (final,) = finals
    assert final.data["outcome"] == "failed"
    assert [(a["port"], a["outcome"], a["reason"]) for a in final.data["attempts"]] == [
        (BEST, "timed_out", "no outcome within 30 s"),
        (SECOND, "timed_out", "no outcome within 30 s"),
    ]
    simulator.state.faults.hold_queue = False
    async with asyncio.timeout(5):
        # Both results may be read back together: one revised event, or two.
        while not finals[-1].data["both_went"]:
            await asyncio.sleep(0.05)
    assert finals[0].data["outcome"] == "failed"
    assert all(e.data["outcome"] == "sent" and e.data["revised"] for e in finals[1:])
    assert [a["outcome"] for a in finals[-1].data["attempts"]] == ["sent", "sent"]
    assert sorted(went(simulator)) == [(SECOND, NUMBER), (BEST, NUMBER)]
    assert (
        f"The SMS to {NUMBER} went more than once: {gateway.title} port {BEST}, "
        f"{gateway.title} port {SECOND}"
    ) in caplog.messages


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"pool": ["not-an-entry"]}, "unknown_pool_gateway"),
        ({"wait": "delivered", "status_report": False}, "wait_needs_report"),
        ({"attempts": 0}, "field_out_of_range"),
        ({"confirm_within": 5}, "field_out_of_range"),
        ({"wait": "sent", "timeout": 7200}, "field_out_of_range"),
        ({"pool": "all", "port": [40]}, "invalid_port"),
    ],
)
async def test_bad_input_is_refused_naming_it(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, gateway, **data)
    assert err.value.translation_key == key
    assert simulator.state.sent_messages == []


async def test_a_pool_port_the_gateway_lacks_is_refused(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, gateway, pool=[{"config_entry_id": gateway.entry_id, "port": [1, 9, 8]}])
    assert err.value.translation_key == "invalid_pool_port"
    assert err.value.translation_placeholders == {"gateway": gateway.title, "port": "8, 9"}


async def _final(finals: list[Any]) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while not finals:
            await asyncio.sleep(0.02)
    data: dict[str, Any] = finals[-1].data
    return data


async def test_a_cut_request_is_asked_about_before_the_message_fails(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """The only gateway drops the request: after confirm_within it is asked, then sent again.

    It has no record of the message (the request never arrived): that attempt costs nothing,
    and the message goes from the same port, once.
    """
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.go_offline(None)
    response = await send(hass, gateway, pool="all", port=[BEST], confirm_within=30)
    (message,) = response["messages"]
    assert tried(message) == [(BEST, "timed_out")]
    assert message["attempts"][0]["reason"] == "gateway unreachable"
    assert message["outcome"] == "pending"  # not given up while the gateway may have it
    simulator.state.go_online()
    await gateway.runtime_data.coordinator.async_refresh()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    final = await _final(finals)
    assert [(a["port"], a["outcome"], a["reason"]) for a in final["attempts"]] == [
        (BEST, "not_sent", "never reached the gateway"),
        (BEST, "sent", None),
    ]
    assert went(simulator) == [(BEST, NUMBER)]


async def test_a_cut_request_the_gateway_got_is_followed_not_sent_again(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway carries the request out and the answer is lost; the SMS waits in its queue.

    Asked after confirm_within, the gateway has it: it is followed, not sent again, and once
    it goes the message is sent, from that one request.
    """
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    simulator.state.faults.hold_queue = True
    simulator.state.faults.drop_answers = ["/api/send_sms"]
    response = await send(
        hass, gateway, pool="all", port=[BEST], confirm_within=30, status_report=False
    )
    (message,) = response["messages"]
    assert [(a["port"], a["outcome"], a["reason"]) for a in message["attempts"]] == [
        (BEST, "timed_out", "gateway unreachable")
    ]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    assert finals == []
    assert len(simulator.state.sent_messages) == 1
    simulator.state.faults.hold_queue = False
    final = await _final(finals)
    assert [(a["port"], a["outcome"]) for a in final["attempts"]] == [(BEST, "sent")]
    assert went(simulator) == [(BEST, NUMBER)]
    # Followed as the message it is: its number, and no report waited for (none was asked).
    assert [e.data["number"] for e in sent] == [NUMBER]
    user_id = final["attempts"][0]["user_id"]
    assert not gateway.runtime_data.outbox.tracker.is_pending(user_id)


async def test_a_cut_request_is_followed_to_the_delivery_report_it_asked_for(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """As above, with a report asked for: seen out only once its report came.

    The report says it never arrived (a permanent error): the result stays "sent", so only the
    report itself can tell the pool there is nothing left to learn.
    """
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.hold_queue = True
    simulator.state.faults.drop_answers = ["/api/send_sms"]
    simulator.state.faults.delivery_failures = {NUMBER: 70}
    await send(hass, gateway, pool="all", port=[BEST], confirm_within=30, status_report=True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    simulator.state.faults.hold_queue = False
    final = await _final(finals)
    assert [(a["port"], a["outcome"]) for a in final["attempts"]] == [(BEST, "sent")]
    user_id = final["attempts"][0]["user_id"]
    async with asyncio.timeout(10):
        while (
            gateway.runtime_data.outbox.tracker.is_pending(user_id)
            or hass_storage[STORAGE_KEY]["data"]["intents"]
        ):
            await asyncio.sleep(0.05)
    (sms,) = simulator.state.sent_messages
    assert sms.status == "SENT_OK"


async def test_every_gateway_is_only_this_integrations(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """The pool "all" holds every Dinstar gateway, not the config entries of other integrations."""
    MockConfigEntry(domain="other_integration", title="A").add_to_hass(hass)
    simulator.state.faults.hold_queue = True  # the message stays out: its intent is stored
    await send(hass, gateway, pool="all")
    (stored,) = hass_storage[STORAGE_KEY]["data"]["intents"]
    assert stored["members"] == [[gateway.entry_id, []]]


async def test_a_cut_request_the_gateway_sent_is_known_when_asked(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Its answer and its result's push both lost: the gateway's record, when asked, says sent.

    Pushes worked a moment ago, so nothing else reads results meanwhile: the record read by
    the look-again is what tells the outcome, at once.
    """
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    await send(hass, gateway, number="+4915100000001", status_report=False)
    async with asyncio.timeout(5):
        while not sent:
            await asyncio.sleep(0.02)
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.drop_pushes = True
    simulator.state.faults.drop_answers = ["/api/send_sms"]
    await send(hass, gateway, pool="all", port=[BEST], confirm_within=30, status_report=False)
    async with asyncio.timeout(5):
        while not went(simulator)[1:]:
            await asyncio.sleep(0.02)
    assert finals == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    final = await _final(finals)
    assert [(a["port"], a["outcome"]) for a in final["attempts"]] == [(BEST, "sent")]
    assert went(simulator)[1:] == [(BEST, NUMBER)]


async def test_two_cut_requests_are_each_asked_about(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Two numbers' requests cut at once: each is asked about, and each goes once."""
    other = "+4915112345678"
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.go_offline(None)
    await send(hass, gateway, number=[NUMBER, other], pool="all", port=[BEST], confirm_within=30)
    simulator.state.go_online()
    await gateway.runtime_data.coordinator.async_refresh()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    async with asyncio.timeout(10):
        while len(finals) < 2:
            await asyncio.sleep(0.02)
    assert sorted(e.data["number"] for e in finals) == sorted([NUMBER, other])
    assert sorted(went(simulator)) == sorted([(BEST, NUMBER), (BEST, other)])


async def test_the_final_event_of_a_removed_gateway_still_names_it(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Its gateway removed while the SMS waited in the queue: it fails, naming that gateway."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.hold_queue = True
    await send(hass, gateway, pool="all", confirm_within=30)
    assert await hass.config_entries.async_remove(gateway.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    (final,) = finals
    assert (final.data["config_entry_id"], final.data["device_id"]) == (gateway.entry_id, None)
    assert (final.data["outcome"], final.data["number"]) == ("failed", NUMBER)
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [(BEST, "timed_out")]


async def test_failovers_of_one_gateway_are_counted_each(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Two messages that needed another port today: the gateway's count is 2."""
    simulator.state.faults.no_credit_ports = [BEST]
    for _ in range(2):
        await send(hass, gateway, pool="all", wait="sent", timeout=10)
    assert async_pool(hass).failovers_today(gateway.entry_id) == 2


async def test_a_gateway_still_unreachable_when_asked_fails_the_message(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Asked once and still down: the message is failed, with the reason, and not asked again."""
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.go_offline(None)
    await send(hass, gateway, pool="all", confirm_within=30)
    assert finals == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    final = await _final(finals)
    assert final["outcome"] == "failed"
    assert [(a["outcome"], a["reason"]) for a in final["attempts"]] == [
        ("timed_out", "gateway unreachable")
    ]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=62))
    await hass.async_block_till_done()
    assert len(finals) == 1
    simulator.state.go_online()
    assert simulator.state.sent_messages == []


async def test_the_named_port_goes_first_with_the_encoding_asked(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Not the best port: the one the action names, first; unicode as asked for plain text."""
    response = await send(
        hass, gateway, pool="all", port=[THIRD], encoding="unicode", wait="sent", timeout=10
    )
    (message,) = response["messages"]
    assert tried(message) == [(THIRD, "sent")]
    (sms,) = simulator.state.sent_messages
    assert (sms.port, sms.encoding) == (THIRD, "unicode")


@pytest.mark.parametrize(
    ("message", "encoding"), [("Alarm #param#", "gsm_7bit"), ("Тревога #param#", "unicode")]
)
async def test_each_number_gets_its_values_in_the_encoding_its_text_needs(
    hass: HomeAssistant,
    gateway: MockConfigEntry,
    simulator: Simulator,
    message: str,
    encoding: str,
) -> None:
    """Unasked, the encoding is chosen by the texts; each number's #param# is its own."""
    other = "+4915112345678"
    response = await send(
        hass,
        gateway,
        number=[NUMBER, other],
        message=message,
        params={NUMBER: ["zone 3"], other: ["zone 4"]},
        pool="all",
        wait="sent",
        timeout=10,
    )
    assert response["encoding"] == encoding
    assert sorted(
        (sms.number, sms.text, sms.encoding) for sms in simulator.state.sent_messages
    ) == [
        (other, message.replace("#param#", "zone 4"), encoding.replace("_", "-")),
        (NUMBER, message.replace("#param#", "zone 3"), encoding.replace("_", "-")),
    ]


async def test_waiting_for_delivery_ends_when_none_can_come(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """Every attempt failed: the answer comes then, not at the timeout."""
    simulator.state.faults.no_credit_ports = [0, 1, 2, 4, 5, 6]
    async with asyncio.timeout(10):
        response = await send(hass, gateway, pool="all", wait="delivered", timeout=60)
    (message,) = response["messages"]
    assert (message["outcome"], message["delivered"]) == ("failed", None)
    assert len(message["attempts"]) == 3


async def test_a_wait_ends_at_its_timeout(
    hass: HomeAssistant, gateway: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway holds the message: after the action's timeout it answers what is known."""
    simulator.state.faults.hold_queue = True
    async with asyncio.timeout(10):
        response = await send(hass, gateway, pool="all", wait="sent", timeout=1)
    (message,) = response["messages"]
    assert message["outcome"] == "pending"
    assert tried(message) == [(BEST, "pending")]
    simulator.state.faults.hold_queue = False


async def test_waiting_for_sent_does_not_wait_for_a_report(
    hass: HomeAssistant, gateway: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """No report asked: the answer comes once sent, not at the timeout; the message is done.

    Done, it is forgotten: the pool's store no longer holds it.
    """
    async with asyncio.timeout(30):
        response = await send(
            hass, gateway, pool="all", wait="sent", timeout=3600, status_report=False
        )
    (message,) = response["messages"]
    assert (message["outcome"], message["delivered"]) == ("sent", None)
    # Written a second after the last change (a delayed write on the loop's own clock).
    async with asyncio.timeout(5):
        while hass_storage[STORAGE_KEY]["data"]["intents"]:
            await asyncio.sleep(0.1)
