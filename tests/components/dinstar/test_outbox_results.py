"""Pushed sending results and delivery reports: ours once, others' marked, late repeats silent."""

from __future__ import annotations

from datetime import timedelta
import json
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.aiodinstar import TrackedSms
from custom_components.dinstar.bus_events import EVENT_SMS_DELIVERY, EVENT_SMS_SENT
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.messaging.outbox_sync import FINISHED_REMEMBERED, PUSH_FRESH
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .pushes import push_recorded

NUMBER = "+4915100000077"
RESULTS = "/api/query_sms_result"
REPORTS = "/api/query_sms_deliver_status"


def sms_result(
    status: str, *, number: str = NUMBER, port: int = 1, count: int = 1, **extra: Any
) -> dict[str, Any]:
    return {
        "port": port,
        "number": number,
        "time": "2026-11-01 10:00:00",
        "status": status,
        "count": count,
        "succ_count": count,
        "ref_id": 215,
        "imsi": "262010000000001",
        **extra,
    }


def deliver_status(code: int, *, number: str = NUMBER, port: int = 1) -> dict[str, Any]:
    return {
        "port": port,
        "number": number,
        "time": "2026-11-01 10:00:05",
        "ref_id": 215,
        "status_code": code,
        "imsi": "262010000000001",
    }


def gateway_device(device_registry: dr.DeviceRegistry, entry: MockConfigEntry) -> str:
    """Outcomes of what the gateway sent are on its device (its page lists them)."""
    device = device_registry.async_get_device_by_identifier((DOMAIN, SERIAL), entry.entry_id)
    assert device is not None
    return device.id


@pytest.mark.parametrize(
    ("status", "outcome"),
    [("SENT_OK", "sent"), ("DELIVERED", "sent"), ("FAILED", "failed"), ("SENDING", None)],
)
async def test_a_result_of_someone_else_s_message_fires_marked(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
    status: str,
    outcome: str | None,
) -> None:
    """Sent from the gateway's page or another server: its final result fires, once."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_result=[sms_result(status, count=0, user_id=987654)],
    )
    expected = {
        "config_entry_id": init_integration.entry_id,
        "device_id": gateway_device(device_registry, init_integration),
        "number": NUMBER,
        "user_id": 987654,
        "port": 1,
        "parts": 1,
        "outcome": outcome,
        "sent_by_home_assistant": False,
    }
    assert [event.data for event in events] == ([expected] if outcome else [])
    assert init_integration.runtime_data.outbox.counters == {}  # counters are HA's own


@pytest.mark.parametrize(("code", "delivered"), [(0, True), (66, False), (40, None)])
async def test_a_report_of_someone_else_s_message_fires_marked(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
    code: int,
    delivered: bool | None,
) -> None:
    """A temporary error (32-63) is no outcome: nothing fires for it."""
    events = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(code)]
    )
    expected = {
        "config_entry_id": init_integration.entry_id,
        "device_id": gateway_device(device_registry, init_integration),
        "number": NUMBER,
        "user_id": None,
        "port": 1,
        "parts": 1,
        "delivered": delivered,
        "status_code": code,
        "sent_by_home_assistant": False,
    }
    assert [event.data for event in events] == ([] if delivered is None else [expected])


async def test_our_message_fires_once_and_its_late_pushes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    outbox = init_integration.runtime_data.outbox
    outbox.async_track([TrackedSms(user_id=41, number=NUMBER, created=0)])
    # The gateway split it in two parts: each has its report.
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_result=[sms_result("SENT_OK", count=2)]
    )
    # Only the first part's report: the message is not delivered yet.
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0)]
    )
    assert delivery == []
    last_part = deliver_status(0) | {"ref_id": 216}
    await push_recorded(hass, hass_client_no_auth, simulator, sms_deliver_status=[last_part])
    # Repeated pushes of a finished message, from its port: not someone else's.
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_result=[sms_result("SENT_OK", count=2)],
        sms_deliver_status=[last_part],
    )
    ours = {
        "config_entry_id": init_integration.entry_id,
        "device_id": gateway_device(device_registry, init_integration),
        "number": NUMBER,
        "user_id": 41,
        "port": 1,
        "parts": 2,
        "sent_by_home_assistant": True,
    }
    assert [event.data for event in sent] == [ours | {"outcome": "sent"}]
    assert [event.data for event in delivery] == [ours | {"delivered": True, "status_code": 0}]
    assert outbox.counters == {"sent": 1, "delivered": 1}

    # The same number on another port is someone else's message.
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0, port=2)]
    )
    assert [(e.data["port"], e.data["sent_by_home_assistant"]) for e in delivery[1:]] == [
        (2, False)
    ]


async def test_finished_numbers_are_remembered_up_to_a_bound(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The oldest finished number is forgotten once more have finished after it."""
    numbers = [f"+49151000{index:05}" for index in range(FINISHED_REMEMBERED + 1)]
    outbox = init_integration.runtime_data.outbox
    outbox.async_track(
        [TrackedSms(user_id=i + 1, number=n, created=0) for i, n in enumerate(numbers)]
    )
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_result=[sms_result("FAILED", number=n) for n in numbers],
    )
    assert outbox.counters == {"failed": FINISHED_REMEMBERED + 1}
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_deliver_status=[deliver_status(0, number=n) for n in numbers[:2]],
    )
    assert [(e.data["number"], e.data["sent_by_home_assistant"]) for e in delivery] == [
        (numbers[0], False)
    ]


async def test_followed_messages_and_counters_are_restored(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    key = f"{DOMAIN}.{mock_config_entry.entry_id}.outbox"
    hass_storage[key] = {
        "version": 1,
        "minor_version": 2,
        "key": key,
        "data": {
            "pending": [
                {
                    "user_id": 7,
                    "number": NUMBER,
                    "created": 0.0,
                    "parts": 1,
                    "port": 1,
                    "first_ref_id": 215,
                    "wants_report": True,
                    "sent": True,
                    "reported_parts": [],
                }
            ],
            "counters": {"sent": 3, "delivered": 2},
        },
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    delivery: list[Event] = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0)]
    )
    assert [(e.data["user_id"], e.data["delivered"]) for e in delivery] == [(7, True)]
    outbox = mock_config_entry.runtime_data.outbox
    assert outbox.counters == {"sent": 3, "delivered": 3}
    await outbox.async_save()
    assert hass_storage[key]["data"] == {"pending": [], "counters": {"sent": 3, "delivered": 3}}


async def test_a_store_of_the_first_shape_is_read_and_rewritten(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """Version 1.1 kept each reported part's code under its ref_id as text: the part counts."""
    key = f"{DOMAIN}.{mock_config_entry.entry_id}.outbox"
    hass_storage[key] = {
        "version": 1,
        "key": key,
        "data": {
            "pending": [
                {
                    "user_id": 7,
                    "number": NUMBER,
                    "created": 0.0,
                    "parts": 2,
                    "port": 1,
                    "first_ref_id": 215,
                    "wants_report": True,
                    "sent": True,
                    "part_codes": {"216": 0},
                }
            ],
            "counters": {"sent": 1},
        },
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[key]["minor_version"] == 2
    assert hass_storage[key]["data"]["pending"][0]["reported_parts"] == [216]
    assert "part_codes" not in hass_storage[key]["data"]["pending"][0]
    delivery: list[Event] = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0)]
    )
    assert [(e.data["user_id"], e.data["delivered"]) for e in delivery] == [(7, True)]


async def test_results_are_polled_once_the_last_push_is_two_minutes_old(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    outbox = init_integration.runtime_data.outbox
    outbox.async_track([TrackedSms(user_id=41, number=NUMBER, created=time.time())])
    asked = simulator.state.requests[RESULTS]
    await outbox.async_poll_if_due(dt_util.utcnow() - PUSH_FRESH + timedelta(seconds=1))
    assert simulator.state.requests[RESULTS] == asked
    await outbox.async_poll_if_due(dt_util.utcnow() - PUSH_FRESH)
    assert simulator.state.requests[RESULTS] == asked + 1


async def test_no_reports_are_asked_for_messages_they_cannot_match(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A report is matched by the message's reference once it was sent: without both, none.

    The third message was sent with its reference: its reports are asked for, and only its.
    """
    outbox = init_integration.runtime_data.outbox
    outbox.async_track(
        [
            TrackedSms(user_id=41, number=NUMBER, created=time.time()),
            TrackedSms(user_id=42, number="+4915100000078", created=time.time()),
            TrackedSms(
                user_id=43,
                number="+4915100000079",
                created=time.time(),
                port=1,
                first_ref_id=17,
                sent=True,
            ),
        ]
    )
    # Some firmware leaves the reference out of a result.
    without_reference = sms_result("SENT_OK", number="+4915100000078")
    del without_reference["ref_id"]
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_result=[
            sms_result("SENDING", ref_id=9),
            without_reference,
        ],
    )
    await outbox.async_poll_if_due(None)
    asked = [json.loads(body) for path, body in simulator.state.asked if path == REPORTS]
    assert [query["number"] for query in asked] == [["+4915100000079"]]
    assert [sms.user_id for sms in outbox.tracker.pending] == [41, 42, 43]


async def test_a_half_reported_message_is_delivered_after_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The parts reported before the restart count with the ones reported after it."""
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    init_integration.runtime_data.outbox.async_track(
        [TrackedSms(user_id=41, number=NUMBER, created=time.time())]
    )
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_result=[sms_result("SENT_OK", count=2)]
    )
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0)]
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await push_recorded(
        hass,
        hass_client_no_auth,
        simulator,
        sms_deliver_status=[deliver_status(0) | {"ref_id": 216}],
    )
    assert [(e.data["user_id"], e.data["delivered"]) for e in delivery] == [(41, True)]


async def test_a_report_on_a_followed_message_s_port_and_number_is_not_someone_else_s(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A report it cannot place yet, for a message still being sent: no event."""
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    init_integration.runtime_data.outbox.async_track(
        [TrackedSms(user_id=41, number=NUMBER, created=time.time())]
    )
    sending = sms_result("SENDING")
    del sending["ref_id"]  # given once the message went out
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[sending])
    await push_recorded(
        hass, hass_client_no_auth, simulator, sms_deliver_status=[deliver_status(0)]
    )
    assert delivery == []


async def test_a_report_from_before_the_message_is_not_its_own(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """References wrap past 255: a polled report days older than the message is another's."""
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    outbox = init_integration.runtime_data.outbox
    outbox.async_track([TrackedSms(user_id=41, number=NUMBER, created=time.time())])
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[sms_result("SENT_OK")])
    simulator.state.delivery_reports.append(deliver_status(66) | {"time": "2020-01-01 10:00:00"})
    asked = simulator.state.requests[REPORTS]
    await outbox.async_poll_if_due(None)
    await hass.async_block_till_done()
    assert simulator.state.requests[REPORTS] == asked + 1
    assert delivery == []
    assert [sms.user_id for sms in outbox.tracker.pending] == [41]


async def test_outcomes_are_on_disk_without_unloading(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant may stop without unloading: the counters and pending state are written."""
    key = f"{DOMAIN}.{init_integration.entry_id}.outbox"
    init_integration.runtime_data.outbox.async_track(
        [TrackedSms(user_id=41, number=NUMBER, created=time.time())]
    )
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[sms_result("SENT_OK")])
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    data = hass_storage[key]["data"]
    assert data["counters"] == {"sent": 1}
    assert [(sms["user_id"], sms["sent"], sms["port"]) for sms in data["pending"]] == [
        (41, True, 1)
    ]
