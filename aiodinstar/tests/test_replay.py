"""Every call against recorded answers: the spec's examples, the simulator's, malformed ones."""

from __future__ import annotations

from datetime import datetime

import pytest

from aiodinstar import (
    DinstarApiError,
    DinstarNotFoundError,
    DinstarResponseError,
    GatewayConfig,
    IncomingSms,
    MmsStatus,
    NetworkType,
    RegistrationState,
    SipProxy,
    SmsStatus,
    StkInputType,
    UssdSendStatus,
)

from .conftest import ReplayFactory

SERIAL = "da00-0030-1901-2817"
# The gateway's clock is local and zone-less, so its times are naive.
RECEIVED = datetime(2026, 11, 30, 5, 43, 55)  # noqa: DTZ001


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_port_info(replay: ReplayFactory, suffix: str) -> None:
    client, server = await replay(f"get_port_info{suffix}")
    infos = await client.get_port_info()
    assert [info.port for info in infos] == [0, 1, 2, 3]
    first = infos[0]
    assert first.network_type is NetworkType.GSM
    assert first.registration is RegistrationState.REGISTER_OK
    assert (first.imei, first.number) == ("863070012914171", "+491708377835")
    assert first.slot is None  # 255: not a multi-SIM gateway
    assert (first.signal, first.signal_dbm) == (19, -75)
    assert first.gprs_attached is True
    assert first.remain_credit == 39.24
    assert first.remain_daily_call_time == 100
    assert infos[3].registration is RegistrationState.NO_SIM
    assert (infos[3].imsi, infos[3].has_sim) == (None, False)
    assert client.serial == SERIAL
    ((_, _, query),) = server.received
    assert query.startswith("info_type=type%2Cimei%2C")


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_inbox(replay: ReplayFactory, suffix: str) -> None:
    client, _ = await replay(f"query_incoming_sms{suffix}")
    page = await client.query_incoming_sms()
    assert page.messages == (
        IncomingSms(1, 1, "+4930123456", "+447785016005", RECEIVED, "Hallo Welt"),
        IncomingSms(2, 2, "6717", "+491710760000", RECEIVED, "Grüße €"),
    )
    assert (page.read, page.unread) == (0, 2)


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_ussd(replay: ReplayFactory, suffix: str) -> None:
    client, _ = await replay(f"send_ussd{suffix}", f"query_ussd_reply{suffix}")
    (result,) = await client.send_ussd([0], "*100#")
    assert (result.port, result.status, result.sent) == (0, UssdSendStatus.SENT, True)
    (reply,) = await client.query_ussd_reply([0])
    assert (reply.port, reply.text) == (0, "Your balance is 39.24 EUR")


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_call_records(replay: ReplayFactory, suffix: str) -> None:
    client, _ = await replay(f"get_cdr{suffix}")
    records = await client.get_cdr()
    first = records[0]
    assert (first.port, first.duration, first.direction) == (0, 97, "gsm->ip")
    assert first.start_date == datetime(2026, 11, 30, 4, 43, 55)  # noqa: DTZ001
    assert (first.source_number, first.codec, first.gsm_code) == ("+49301840110", "G.711U", 16)


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_sim_toolkit_view(replay: ReplayFactory, suffix: str) -> None:
    client, _ = await replay(f"get_stk_view{suffix}")
    view = await client.get_stk_view(0)
    assert (view.title, view.frame_id) == ("SIM Services", 750)
    assert view.input_type is StkInputType.SELECT_ITEM
    assert [(item.item_id, item.item_string) for item in view.items] == [
        (1, "Balance"),
        (2, "Top up"),
        (3, "Settings"),
    ]


@pytest.mark.parametrize("suffix", ["", "_malformed"])
async def test_status_and_configuration(replay: ReplayFactory, suffix: str) -> None:
    client, _ = await replay(f"get_status{suffix}", f"get_config{suffix}")
    status = await client.get_status()
    assert (status.cpu_used, status.memory_total, status.memory_used) == (30.0, 109448, 50520)
    assert status.memory_used_percent == 46.2
    config = await client.get_config()
    assert config.sip_proxy is not None
    assert (config.sip_proxy.port, config.sip_proxy.check_network_status) == (5060, False)
    (trunk,) = config.sip_trunk
    assert (trunk.index, trunk.enable, trunk.domain, trunk.port) == (
        31,
        True,
        "172.18.110.110",
        9367,
    )
    assert config.ip_to_tel_routing[0].src_id == 31
    assert config.port_group[0].port_map


async def test_sms_round_trip(replay: ReplayFactory) -> None:
    client, server = await replay(
        "send_sms", "query_sms_result", "query_sms_deliver_status", "query_sms_in_queue"
    )
    sent = await client.send_sms("Hello #param#", ["+4917612345678"], ports=[1])
    assert (sent.task_ids, sent.sms_in_queue) == ((1,), 1)
    (result,) = await client.query_sms_result(user_ids=[7])
    assert (result.port, result.number, result.user_id) == (1, "+4917612345678", 7)
    assert (result.status, result.count, result.ref_id) == (SmsStatus.DELIVERED, 1, 0)
    (report,) = await client.query_sms_deliver_status(numbers=["+4917612345678"])
    assert (report.ref_id, report.status_code, report.delivered) == (0, 0, True)
    assert await client.query_sms_in_queue() == 0
    assert [path for _, path, _ in server.received] == [
        "/api/send_sms",
        "/api/query_sms_result",
        "/api/query_sms_deliver_status",
        "/api/query_sms_in_queue",
    ]


async def test_configuration_mms_and_proxy(replay: ReplayFactory) -> None:
    client, _ = await replay("set_config", "send_mms", "set_socks5_proxy", "get_stk_frame_id")
    result = await client.set_config(
        GatewayConfig(sip_proxy=SipProxy("sip.example.net", 5062, True))
    )
    assert (result.sections, result.succeeded) == ({"sip_proxy": ("success",)}, True)
    assert await client.send_mms(0, "Title", "12345", 3) == 1
    assert await client.set_socks5_proxy(2, enabled=True) == 1082
    assert await client.get_stk_frame_id(0) == 750


async def test_the_specs_examples(replay: ReplayFactory) -> None:
    client, _ = await replay(
        "spec_send_sms",
        "spec_query_sms_result",
        "spec_query_sms_deliver_status",
        "spec_query_sms_in_queue",
        "spec_query_incoming_sms",
        "spec_send_ussd",
        "spec_query_ussd_reply",
        "spec_get_call_forwarding",
        "spec_get_cdr",
        "spec_send_mms",
        "spec_set_socks5_proxy",
    )
    assert (await client.send_sms("x", ["10086"])).task_ids == (2,)
    (result,) = await client.query_sms_result()
    assert (result.status, result.count, result.succ_count) == (SmsStatus.SENT_OK, 3, 3)
    (report,) = await client.query_sms_deliver_status()
    assert (report.number, report.ref_id) == ("12341234", 12)
    assert await client.query_sms_in_queue() == 0
    page = await client.query_incoming_sms()
    assert [sms.text for sms in page.messages] == ["This is a test"]
    outcomes = await client.send_ussd([0, 1, 2], "*100#")
    assert [outcome.status for outcome in outcomes] == [
        UssdSendStatus.NOT_REGISTERED,
        UssdSendStatus.NOT_REGISTERED,
        UssdSendStatus.SENT,
    ]
    replies = await client.query_ussd_reply([2, 1])
    assert [(reply.port, reply.text) for reply in replies] == [(2, "Test..."), (1, "")]
    assert await client.get_call_forwarding(8) == {"Unconditional": "15013828917"}
    (record,) = await client.get_cdr()
    assert (record.port, record.destination_number, record.hangup) == (2, "6717", "called")
    assert await client.send_mms(1, "Title", "12345", 1) == 1
    assert await client.set_socks5_proxy(1, enabled=True) == 1080


async def test_send_ussd_without_a_result_is_a_response_error(replay: ReplayFactory) -> None:
    """Seen in the field: accepted, but no per-port outcome at all."""
    client, _ = await replay("field_send_ussd_no_result")
    with pytest.raises(DinstarResponseError, match=r"nothing for port\(s\) \[0\]"):
        await client.send_ussd([0], "*100#")


async def test_ussd_reply_for_another_port_is_a_response_error(replay: ReplayFactory) -> None:
    client, _ = await replay("field_query_ussd_reply_other_port")
    with pytest.raises(DinstarResponseError, match=r"nothing for port\(s\) \[1\]"):
        await client.query_ussd_reply([1])


@pytest.mark.parametrize("fixture", ["http_404", "error_code_404"])
async def test_not_found_is_its_own_error(replay: ReplayFactory, fixture: str) -> None:
    client, _ = await replay(fixture)
    with pytest.raises(DinstarNotFoundError) as err:
        await client.query_mms_sending_status(7)
    assert isinstance(err.value, DinstarApiError)
    assert err.value.error_code == 404


async def test_unknown_task_is_not_found(replay: ReplayFactory) -> None:
    client, _ = await replay("stop_sms_unknown_task")
    with pytest.raises(DinstarNotFoundError, match="the SMS sending task cannot be found"):
        await client.stop_sms(99999)


async def test_older_firmwares_queue_call(replay: ReplayFactory) -> None:
    client, server = await replay("query_sms_queue_alias")
    assert await client.query_sms_in_queue() == 4
    assert [path for _, path, _ in server.received] == [
        "/api/query_sms_in_queue",
        "/api/query_sms_queue",
    ]


async def test_mms_status_is_the_code(replay: ReplayFactory) -> None:
    client, _ = await replay(
        exchanges=[
            {
                "method": "GET",
                "path": "/api/query_mms_sending_status",
                "status": 200,
                "body": '{"error_code":202,"sn":"x"}',
            }
        ]
    )
    assert await client.query_mms_sending_status(1) is MmsStatus.PENDING
