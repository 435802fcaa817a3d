"""What the read-back of a push asks the gateway for, and what an unconfirmed one leaves.

A read-back asks for what was announced only (its ports, numbers and minutes, or its
user_ids), so a forged push cannot make Home Assistant read the gateway's whole history; what
the gateway does not confirm is logged with the address that pushed it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.aiodinstar import TrackedSms
from custom_components.dinstar.bus_events import (
    EVENT_CALL_RECORD,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_SENT,
)
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, port_device
from .pushes import push, push_recorded, record_outcomes

CDR = "/api/get_cdr"
RESULTS = "/api/query_sms_result"
REPORTS = "/api/query_sms_deliver_status"
NUMBER = "+4915100000077"
TITLE = f"Dinstar {SERIAL}"


def asked(simulator: Simulator, path: str) -> list[dict[str, Any]]:
    """The bodies of the POST requests to ``path`` the gateway answered, oldest first."""
    return [json.loads(body) for where, body in simulator.state.asked if where == path]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def call(port: int, destination: str) -> dict[str, Any]:
    return {
        "port": port,
        "start_date": "2026-11-01 10:00:00",
        "answer_date": "2026-11-01 10:00:04",
        "duration": 3,
        "source_number": "1010",
        "destination_number": destination,
        "direction": "ip->gsm",
        "ip": "172.16.100.136",
        "codec": "G.711U",
        "hangup": "called",
        "gsm_code": 16,
        "bcch": "",
    }


def result(user_id: int | None = None, number: str = NUMBER) -> dict[str, Any]:
    return {
        "port": 1,
        "number": number,
        "time": "2026-11-01 10:00:00",
        "status": "SENT_OK",
        "count": 1,
        "succ_count": 1,
        "ref_id": 215,
        "imsi": "262010000000001",
        "user_id": user_id,
    }


def report(**fields: Any) -> dict[str, Any]:
    return {
        "port": 1,
        "number": NUMBER,
        "time": "2026-11-01 10:00:05",
        "ref_id": 215,
        "status_code": 0,
        "imsi": "262010000000001",
    } | fields


async def test_call_records_are_read_back_for_their_ports_and_minute(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A forged record first in the push does not stop the real one after it from firing."""
    events = async_capture_events(hass, EVENT_CALL_RECORD)
    real = call(2, "6717")
    simulator.state.cdrs.append(real)
    await push(hass, hass_client_no_auth, cdr=[call(3, "6999"), real])
    assert asked(simulator, CDR)[-1] == {
        "port": [2, 3],
        "time_after": "2026-11-01 09:59:00",
        "time_before": "2026-11-01 10:01:00",
    }
    assert [(e.data["callee"], e.data["confirmed"]) for e in events] == [("6717", True)]
    device = port_device(device_registry, init_integration, 2)
    assert device is not None
    assert events[0].data["device_id"] == device.id
    assert warnings(caplog) == [
        (
            f"{TITLE}: a push from 127.0.0.1 announced a call record on port 3, which the gateway "
            "does not confirm: ignored"
        )
    ]


async def test_someone_else_s_result_is_read_back_by_number_port_and_minute(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[result(user_id=5)])
    assert asked(simulator, RESULTS)[-1] == {
        "port": [1],
        "time_after": "2026-11-01 09:59:00",
        "time_before": "2026-11-01 10:01:00",
        "number": [NUMBER],
    }
    assert [(e.data["outcome"], e.data["sent_by_home_assistant"]) for e in events] == [
        ("sent", False)
    ]


async def test_a_forged_result_fires_nothing_and_is_logged_with_its_source(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A "sent" for a message the gateway has no record of: the warning says what, from where."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await push(hass, hass_client_no_auth, sms_result=[result(user_id=5)])
    assert events == []
    assert warnings(caplog) == [
        (
            f"{TITLE}: a push from 127.0.0.1 announced sent_ok for a message to {NUMBER}, "
            "which the gateway does not confirm: ignored"
        )
    ]


async def test_our_result_is_read_back_by_its_user_id(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_SENT)
    init_integration.runtime_data.outbox.async_track(
        [TrackedSms(user_id=41, number=NUMBER, created=0)]
    )
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[result(user_id=41)])
    assert asked(simulator, RESULTS)[-1] == {"user_id": [41]}
    assert [(e.data["outcome"], e.data["sent_by_home_assistant"]) for e in events] == [
        ("sent", True)
    ]


async def test_reports_are_read_back_by_number_and_port_since_hours_before(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A report may come hours after its message, and its time is the gateway's clock."""
    events = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await push_recorded(hass, hass_client_no_auth, simulator, sms_deliver_status=[report()])
    assert asked(simulator, REPORTS)[-1] == {
        "port": [1],
        "time_after": "2026-10-31 22:00:05",
        "number": [NUMBER],
    }
    assert [e.data["delivered"] for e in events] == [True]


async def test_a_report_without_a_time_is_read_back_without_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Some firmware leaves the time out of its pushes: the gateway's record still matches."""
    events = async_capture_events(hass, EVENT_SMS_DELIVERY)
    record_outcomes(simulator, sms_deliver_status=[report()])
    pushed = report()
    del pushed["time"]
    await push(hass, hass_client_no_auth, sms_deliver_status=[pushed])
    assert asked(simulator, REPORTS)[-1] == {"port": [1], "number": [NUMBER]}
    assert [e.data["delivered"] for e in events] == [True]


async def test_a_forged_report_before_a_real_one_stops_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_DELIVERY)
    record_outcomes(simulator, sms_deliver_status=[report()])
    await push(hass, hass_client_no_auth, sms_deliver_status=[report(ref_id=9), report()])
    assert [e.data["delivered"] for e in events] == [True]
    assert warnings(caplog) == [
        (
            f"{TITLE}: a push from 127.0.0.1 announced a delivery report for {NUMBER} on port 1, "
            "which the gateway does not confirm: ignored"
        )
    ]


async def test_a_pushed_number_the_gateway_cannot_hold_is_not_looked_up(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await push(hass, hass_client_no_auth, sms_result=[result(number="call-me")])
    await push(hass, hass_client_no_auth, sms_deliver_status=[report(number="call-me")])
    assert asked(simulator, RESULTS) == []
    assert asked(simulator, REPORTS) == []
    assert warnings(caplog) == [
        (
            f"{TITLE}: a push from 127.0.0.1 announced a message to 'call-me', which the gateway "
            "does not confirm: ignored"
        )
    ]
    assert init_integration.runtime_data.messaging.audit.unconfirmed == 2


async def test_failed_read_backs_of_reports_and_calls_are_read_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The gateway keeps its records: after the next good refresh they are read once more."""
    reports = async_capture_events(hass, EVENT_SMS_DELIVERY)
    calls = async_capture_events(hass, EVENT_CALL_RECORD)
    real = call(2, "6717")
    simulator.state.cdrs.append(real)
    record_outcomes(simulator, sms_deliver_status=[report()])
    simulator.state.faults.error_500 = True
    await push(hass, hass_client_no_auth, sms_deliver_status=[report()], cdr=[real])
    assert (reports, calls) == ([], [])
    simulator.state.faults.error_500 = False
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert ([e.data["delivered"] for e in reports], [e.data["callee"] for e in calls]) == (
        [True],
        ["6717"],
    )
