"""The client against the simulator: its calls beyond SMS.

USSD, ports, call forwarding, CDR, SIM Toolkit, status, configuration, MMS, SOCKS5.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    CallForwardCondition,
    CallState,
    DinstarApiError,
    DinstarClient,
    DinstarValidationError,
    GatewayConfig,
    MmsConfiguration,
    MmsStatus,
    NetworkType,
    PortAction,
    RegistrationState,
    SipProxy,
    StkAction,
    UssdSendStatus,
)
from dinstar_dev.gateway_simulator import Simulator
from tests.gateway_simulator.conftest import wait_for

type Control = Callable[..., Awaitable[Any]]


async def test_port_info_every_field_in_one_request(
    client: DinstarClient, simulator: Simulator
) -> None:
    infos = await client.get_port_info()
    assert [info.port for info in infos] == list(range(8))
    with_sim = [info for info in infos if info.has_sim]
    without = [info for info in infos if not info.has_sim]
    assert with_sim
    assert without
    registered = with_sim[0]
    assert registered.registration is RegistrationState.REGISTER_OK
    assert registered.network_type in set(NetworkType)
    assert registered.call_state is CallState.IDLE
    assert registered.imei
    assert registered.imsi
    assert registered.iccid
    assert registered.signal is not None
    assert registered.signal_dbm == -113 + 2 * registered.signal
    assert registered.gprs_attached is not None
    assert registered.remain_credit is not None
    assert registered.remain_daily_call_time is not None
    assert registered.remain_hourly_call_time is not None
    assert registered.remain_daily_connected is not None
    assert registered.slot is None  # 255: not a multi-SIM gateway
    assert without[0].registration is RegistrationState.NO_SIM
    assert without[0].imsi is None
    some = await client.get_port_info([2, 3], ["reg", "signal"])
    assert [(info.port, info.imei) for info in some] == [(2, None), (3, None)]


async def test_ussd_send_reply_and_cancel(client: DinstarClient, simulator: Simulator) -> None:
    infos = await client.get_port_info()
    port = next(info.port for info in infos if info.registration is RegistrationState.REGISTER_OK)
    empty = next(info.port for info in infos if not info.has_sim)
    results = await client.send_ussd([port, empty], "*100#")
    by_port = {result.port: result for result in results}
    assert by_port[port].sent
    assert by_port[empty].status is UssdSendStatus.NOT_REGISTERED

    async def replied() -> Any:
        replies = await client.query_ussd_reply([port])
        return replies if replies[0].text else None

    (reply,) = await wait_for(replied)
    assert "balance" in reply.text.lower()
    await client.cancel_ussd([port])
    with pytest.raises(DinstarValidationError):
        await client.send_ussd([port], "*" * 61)
    with pytest.raises(DinstarValidationError):
        await client.send_ussd([port], "")
    with pytest.raises(DinstarValidationError):
        await client.send_ussd([], "*100#")
    with pytest.raises(DinstarValidationError):
        await client.query_ussd_reply([])


async def test_port_actions(client: DinstarClient, simulator: Simulator) -> None:
    await client.set_power(2, on=False)
    (info,) = await client.get_port_info([2], ["reg"])
    assert info.registration is RegistrationState.POWER_OFF
    await client.set_power(2, on=True)
    await client.reset_port(3)
    await client.set_port_info(1, PortAction.IMEI, "863070017005173")
    (info,) = await client.get_port_info([1], ["imei"])
    assert info.imei == "863070017005173"
    await client.set_port_info(1, PortAction.NUMBER, "+4917600000001")
    await client.set_port_info(1, PortAction.LOCK, "1234")
    await client.set_port_info(1, PortAction.UNLOCK, "1234")
    await client.set_port_info(1, PortAction.BLOCK)
    await client.set_port_info(1, PortAction.UNBLOCK)


@pytest.mark.parametrize(
    ("action", "param"),
    [
        (PortAction.SLOT, "4"),
        (PortAction.SLOT, None),
        (PortAction.POWER, "maybe"),
        (PortAction.IMEI, "123"),
        (PortAction.NUMBER, "abc"),
        (PortAction.LOCK, "12"),
        (PortAction.RESET, "now"),
        (PortAction.CALL_FORWARD, "Sometimes"),
    ],
)
async def test_bad_port_parameters_are_not_sent(
    client: DinstarClient, simulator: Simulator, action: PortAction, param: str | None
) -> None:
    served = simulator.state.requests.get("/api/set_port_info", 0)
    with pytest.raises(DinstarValidationError):
        await client.set_port_info(1, action, param)
    assert simulator.state.requests.get("/api/set_port_info", 0) == served


async def test_slot_on_a_multi_sim_gateway(make_client: Any, simulator: Simulator) -> None:
    client = await make_client()
    with pytest.raises(DinstarValidationError):
        await client.set_slot(0, 7)


async def test_call_forwarding_set_check_read(client: DinstarClient) -> None:
    await client.set_call_forwarding(1, CallForwardCondition.UNCONDITIONAL, "15013828917")
    await client.check_call_forwarding(1)
    assert await client.get_call_forwarding(1) == {"Unconditional": "15013828917"}
    await client.set_call_forwarding(1, CallForwardCondition.CANCEL_ALL)
    with pytest.raises(DinstarValidationError):
        await client.set_call_forwarding(1, CallForwardCondition.BUSY)


async def test_call_records_with_filters(client: DinstarClient, control: Control) -> None:
    records = await client.get_cdr()
    assert records
    port = records[0].port
    only = await client.get_cdr(ports=[port])
    assert {record.port for record in only} == {port}
    future = await client.get_cdr(time_after=datetime.now() + timedelta(days=1))  # noqa: DTZ005
    assert future == []
    await control("POST", "faults", {"cdr_under_info": True})
    assert len(await client.get_cdr()) == len(records)


async def test_sim_toolkit_navigation(client: DinstarClient) -> None:
    view = await client.get_stk_view(0)
    assert view.title
    assert view.items
    frame = await client.get_stk_frame_id(0)
    assert frame == view.frame_id
    await client.stk_go(0, item=view.items[0].item_id)
    inner = await client.get_stk_view(0)
    assert inner.frame_id != view.frame_id
    await client.stk_go(0, action=StkAction.HOME)
    assert (await client.get_stk_view(0)).title == view.title
    with pytest.raises(DinstarValidationError):
        await client.stk_go(0)


async def test_device_status(client: DinstarClient) -> None:
    status = await client.get_status()
    assert status.cpu_used is not None
    assert status.memory_used_percent is not None
    assert 0 < status.memory_used_percent < 100
    assert status.flash_used_percent is not None


async def test_sip_configuration_read_and_write(client: DinstarClient) -> None:
    config = await client.get_config()
    assert config.sip_proxy is not None
    assert config.port_group
    assert config.port_group[0].port_map
    result = await client.set_config(
        GatewayConfig(
            sip_proxy=SipProxy(domain="sip.example.net", port=5062, check_network_status=True),
            sip_trunk=config.sip_trunk,
        )
    )
    assert result.succeeded
    assert "sip_proxy" in result.sections
    again = await client.get_config(["sip_proxy"])
    assert again.sip_proxy == SipProxy(
        domain="sip.example.net", port=5062, check_network_status=True
    )
    with pytest.raises(DinstarValidationError):
        await client.set_config(GatewayConfig())
    with pytest.raises(DinstarValidationError):
        await client.get_config(["nonsense"])


async def test_mms_configure_upload_send_and_follow(client: DinstarClient) -> None:
    await client.configure_mms(
        0,
        MmsConfiguration(
            apn="cmwap", mmsc="http://mmsc.example", mms_proxy="10.0.0.172", mms_port="80"
        ),
    )
    with pytest.raises(DinstarApiError) as err:
        await client.send_mms(0, "Title", "12345", 3)
    assert err.value.error_code == 404
    await client.upload_mms_file(3, "photo.jpg", b"\xff\xd8\xff" + b"0" * 2000)
    mms_id = await client.send_mms(0, "Title", "12345", 3)

    async def finished() -> Any:
        status = await client.query_mms_sending_status(mms_id)
        return status if status is not MmsStatus.PENDING else None

    assert await wait_for(finished) in (MmsStatus.SENT, MmsStatus.FAILED)
    with pytest.raises(DinstarApiError) as err:
        await client.query_mms_sending_status(99999)
    assert err.value.error_code == 404


async def test_socks5_proxy(client: DinstarClient) -> None:
    assert await client.set_socks5_proxy(2, enabled=True)
    await client.set_socks5_proxy(2, enabled=False)
