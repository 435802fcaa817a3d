"""Firmware variants seen in the field, each a simulator switch, read through the client.

Each test turns one switch on and shows the client gives the same typed answer as with the
spec's example; tests/gateway_simulator/test_api.py shows the raw shape each switch puts on the wire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    CallRecordEvent,
    DinstarClient,
    MmsConfiguration,
    RegistrationState,
    SmsStatus,
    StkInputType,
    UssdSendStatus,
    parse_push,
)
from dinstar_dev.gateway_simulator import Simulator
from tests.gateway_simulator.conftest import until, wait_for

type Control = Callable[..., Awaitable[Any]]


async def registered_ports(client: DinstarClient) -> list[int]:
    """The ports with a registered SIM (the seed decides which)."""
    infos = await client.get_port_info(info_types=["reg"])
    return [info.port for info in infos if info.registration is RegistrationState.REGISTER_OK]


async def test_cdr_spelled_bech_in_answers_and_pushes(
    client: DinstarClient, control: Control, simulator: Simulator, pushes: list[bytes]
) -> None:
    await control("POST", "faults", {"cdr_bech": True})
    await control("POST", "cdr", {"port": 2, "bcch": "ARFCN 62"})
    await simulator.drain_pushes()
    (body,) = [body for body in pushes if b'"cdr"' in body]
    assert b'"bech":"ARFCN 62"' in body
    assert b"bcch" not in body
    (event,) = parse_push(body).events
    assert isinstance(event, CallRecordEvent)
    assert event.record.bcch == "ARFCN 62"
    records = await client.get_cdr(ports=[2])
    assert [record.bcch for record in records if record.bcch] == ["ARFCN 62"]


async def test_call_forwarding_under_callforward(client: DinstarClient, control: Control) -> None:
    await control("POST", "faults", {"callforward_key": True})
    await client.set_call_forwarding(1, "Busy", "15013828917")  # type: ignore[arg-type]
    await client.check_call_forwarding(1)
    assert await client.get_call_forwarding(1) == {"Busy": "15013828917"}


async def test_port_info_in_the_tables_spellings(client: DinstarClient, control: Control) -> None:
    await control("POST", "ports/1", {"remain_daily_call_time": "42"})
    await control("POST", "faults", {"port_info_table_names": True})
    (info,) = await client.get_port_info([1])
    assert info.remain_daily_call_time == 42
    assert info.remain_hourly_call_time is not None
    assert info.remain_daily_connected is not None


async def test_stk_input_type_as_an_integer(client: DinstarClient, control: Control) -> None:
    as_string = await client.get_stk_view(0)
    await control("POST", "faults", {"stk_input_type_int": True})
    as_integer = await client.get_stk_view(0)
    assert as_integer.input_type is StkInputType.SELECT_ITEM
    assert as_integer == as_string


async def test_send_mms_answering_202(client: DinstarClient, control: Control) -> None:
    await control("POST", "faults", {"send_mms_202": True})
    await client.configure_mms(0, MmsConfiguration(apn="cmwap", mmsc="http://mmsc.example"))
    await client.upload_mms_file(1, "photo.jpg", b"\xff\xd8\xff")
    assert await client.send_mms(0, "Title", "12345", 1) >= 1


@pytest.mark.parametrize(("code", "permanent"), [(40, False), (66, True)])
async def test_delivery_failure_reports(
    client: DinstarClient, control: Control, code: int, *, permanent: bool
) -> None:
    await control("POST", "faults", {"delivery_failures": {"+4917611111111": code}})
    # 100 Unicode characters: two parts, each reported with the code.
    await client.send_sms("x" * 100, ["+4917611111111"], ports=[1])

    async def reported() -> Any:
        reports = await client.query_sms_deliver_status(numbers=["+4917611111111"])
        return reports if len(reports) == 2 else None

    reports = await wait_for(reported)
    assert {report.status_code for report in reports} == {code}
    assert not any(report.delivered for report in reports)
    assert all(report.permanent_error is permanent for report in reports)
    assert all(report.temporary_error is not permanent for report in reports)
    (result,) = await client.query_sms_result(numbers=["+4917611111111"])
    assert result.status is SmsStatus.SENT_OK  # went out, never arrived
    assert sorted(report.ref_id for report in reports) == [result.ref_id, result.ref_id + 1]


async def test_ref_id_absent_until_assigned_and_0_is_real(
    client: DinstarClient, control: Control, simulator: Simulator
) -> None:
    port = (await registered_ports(client))[0]
    await client.send_sms("first", ["10086"], ports=[port])

    async def sent() -> Any:
        results = await client.query_sms_result(numbers=["10086"])
        return results if results and results[0].status is not SmsStatus.SENDING else None

    (first,) = await wait_for(sent)
    assert first.ref_id == 0  # the port's first reference: a real one, not "none"
    await control("POST", "config", {"send_delay": 60})
    task = await client.send_sms("slow", ["10087", "10088"], ports=[port])
    await until(lambda: simulator.state.ports[port].sending_sms)
    await client.stop_sms(task.task_ids[0])
    on_air, stopped = await client.query_sms_result(numbers=["10087", "10088"])
    assert (on_air.status, on_air.ref_id) == (SmsStatus.SENDING, None)
    assert (stopped.status, stopped.ref_id) == (SmsStatus.FAILED, None)
    raw = json.dumps([sms.result() for sms in simulator.state.sent_messages[1:]])
    assert "ref_id" not in raw


async def test_ussd_on_a_port_sending_an_sms_is_busy(
    client: DinstarClient, control: Control, simulator: Simulator
) -> None:
    sending, idle = (await registered_ports(client))[:2]
    await control("POST", "config", {"send_delay": 60})
    await client.send_sms("slow", ["10086"], ports=[sending])
    await until(lambda: simulator.state.ports[sending].sending_sms)
    by_port = {result.port: result for result in await client.send_ussd([sending, idle], "*100#")}
    assert by_port[sending].status is UssdSendStatus.PORT_BUSY
    assert not by_port[sending].sent
    assert by_port[idle].sent
