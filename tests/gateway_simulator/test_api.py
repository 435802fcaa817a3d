"""The simulated gateway's API over raw HTTP: the spec's paths, codes, shapes and quirks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import dataclasses
import json
from typing import Any

import aiohttp
import pytest

from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig
from dinstar_dev.gateway_simulator.actions import USSD_ANSWER_BY_SMS
from dinstar_dev.gateway_simulator.sms import segments
from tests.gateway_simulator.conftest import Api, until

SEND = "/api/send_sms"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"param": [{"number": "1"}]}, 400),
        ({"text": "x", "param": []}, 400),
        ({"text": "x", "param": [{"number": "12a"}]}, 400),
        ({"text": "x", "param": [{"number": "1" * 25}]}, 400),
        ({"text": "x", "param": [{"number": "1", "user_id": -1}]}, 400),
        ({"text": "x", "param": [{"number": "1"}], "port": [8]}, 400),
        ({"text": "x", "param": [{"number": "1"}], "encoding": "latin-1"}, 400),
        ({"text": "x", "param": [{"number": "1"}] * 129}, 413),
        ({"text": "x" * 1501, "param": [{"number": "1"}]}, 413),
        ({"text": "x", "param": [{"number": "1"}], "port": [3, 7]}, 550),  # no SIM there
    ],
)
async def test_send_sms_refusals(api: Api, body: dict[str, Any], code: int) -> None:
    assert (await api("POST", SEND, body))[1]["error_code"] == code


async def test_send_sms_params_ports_and_results(simulator: Simulator, api: Api) -> None:
    body = {
        "text": "#param# and #param#",
        "port": [1, 2, 3],  # 3 has no SIM: round-robin over 1 and 2
        "encoding": "gsm-7bit",
        "request_status_report": False,
        "param": [
            {"number": "+4917", "text_param": ["a", "b"], "user_id": 1},
            {"number": "10086", "text_param": ["c"], "user_id": 2},
            {"number": "10087"},
        ],
    }
    _status, answer = await api("POST", SEND, body)
    assert (answer["error_code"], answer["task_id"]) == (202, 1)
    sent = simulator.state.sent_messages
    assert [(m.port, m.text) for m in sent] == [
        (1, "a and b"),
        (2, "c and #param#"),
        (1, "#param# and #param#"),
    ]
    await until(lambda: all(m.status == "SENT_OK" for m in sent))
    _status, answer = await api("POST", "/api/query_sms_result", {"user_id": [2]})
    (result,) = answer["result"]
    assert (result["number"], result["status"], result["count"]) == ("10086", "SENT_OK", 1)
    _status, answer = await api("POST", "/api/query_sms_result", {"number": ["1"] * 33})
    assert answer["error_code"] == 413
    _status, answer = await api("POST", "/api/query_sms_result", {"time_after": "yesterday"})
    assert answer["error_code"] == 400
    _status, answer = await api("POST", "/api/query_sms_deliver_status", {"port": [1]})
    assert answer["result"] == []  # no report asked for


def test_segments() -> None:
    assert [segments("x" * n, "gsm-7bit") for n in (160, 161, 306, 307)] == [1, 2, 2, 3]
    assert segments("€" * 80, "gsm-7bit") == 1  # an extension character takes two septets
    assert segments("€" * 81, "gsm-7bit") == 2
    assert [segments("x" * n, "unicode") for n in (70, 71, 134, 135)] == [1, 2, 2, 3]
    assert segments("😀" * 35, "unicode") == 1  # two UTF-16 units each


async def test_queue_stop_and_alias(simulator: Simulator, api: Api) -> None:
    simulator.config.send_delay = 60
    _status, answer = await api(
        "POST", SEND, {"text": "x", "param": [{"number": "1"}] * 5, "port": [0]}
    )
    assert answer["sms_in_queue"] >= 4
    assert (await api("GET", "/api/stop_sms?task_id=1"))[1]["error_code"] == 200
    assert (await api("GET", "/api/stop_sms?task_id=2"))[1]["error_code"] == 404
    assert (await api("GET", "/api/query_sms_in_queue"))[1]["in_queue"] == 0
    assert [m.status for m in simulator.state.sent_messages][1:] == ["FAILED"] * 4
    simulator.state.faults.queue_alias_only = True
    assert (await api("GET", "/api/query_sms_in_queue"))[0] == 404
    assert (await api("GET", "/api/query_sms_queue"))[1]["in_queue"] == 0


async def test_incoming_pages_flags_and_ports(simulator: Simulator, api: Api) -> None:
    for index in range(120):
        simulator.receive_sms(index % 2, "+4930123", f"message {index} " + "x" * 80)
    _status, page = await api("GET", "/api/query_incoming_sms?flag=all")
    assert 0 < len(page["sms"]) < 120
    assert len(str(page)) < 10_000
    last = page["sms"][-1]["incoming_sms_id"]
    _status, rest = await api("GET", f"/api/query_incoming_sms?flag=all&incoming_sms_id={last}")
    assert rest["sms"][0]["incoming_sms_id"] == last + 1
    _status, odd = await api("GET", "/api/query_incoming_sms?flag=unread&port=1")
    assert {sms["port"] for sms in odd["sms"]} == {1}
    assert (odd["read"], odd["unread"]) == (len(odd["sms"]), 120 - len(odd["sms"]))
    _status, read = await api("GET", "/api/query_incoming_sms?flag=read")
    assert [sms["incoming_sms_id"] for sms in read["sms"]] == [
        sms["incoming_sms_id"] for sms in odd["sms"]
    ]
    assert (await api("GET", "/api/query_incoming_sms?flag=new"))[1]["error_code"] == 400
    assert (await api("GET", "/api/query_incoming_sms?port=9"))[1]["error_code"] == 400


async def test_ussd(simulator: Simulator, api: Api) -> None:
    _status, answer = await api("POST", "/api/send_ussd", {"port": [0, 1, 3], "text": "*100#"})
    assert answer["error_code"] == 202
    assert answer["result"] == [
        {"port": 0, "status": 200},
        {"port": 1, "status": 200},
        {"port": 3, "status": 503},
    ]
    assert (await api("POST", "/api/send_ussd", {"port": [0], "text": "*100#"}))[1]["result"][0][
        "status"
    ] == 486
    await until(lambda: simulator.state.ports[0].ussd_reply != "")
    _status, answer = await api("GET", "/api/query_ussd_reply?port=0%2C3")
    credit = simulator.state.ports[0].remain_credit
    assert answer["reply"] == [
        {"port": 0, "text": f"Your balance is {credit} EUR"},
        {"port": 3, "text": ""},
    ]
    await api("POST", "/api/send_ussd", {"port": [0], "command": "cancel"})
    assert simulator.state.ports[0].ussd_reply == ""
    for body in ({"port": [0]}, {"port": [0], "text": "*" * 61}, {"text": "*100#"}):
        assert (await api("POST", "/api/send_ussd", body))[1]["error_code"] == 400


async def test_ussd_replies_per_port_and_code(
    simulator: Simulator, api: Api, control: Callable[..., Awaitable[Any]]
) -> None:
    """A configured reply per code; with a reply sender, the answer comes as an SMS instead."""
    await control("POST", "ports/1", {"ussd_replies": {"*125#": "Sold: 7,50 lei"}})
    await control("POST", "ports/2", {"ussd_reply_sender": "Vodafone"})
    await api("POST", "/api/send_ussd", {"port": [1, 2], "text": "*125#"})
    await until(lambda: not any(simulator.state.ports[i].ussd_pending for i in (1, 2)))
    _status, answer = await api("GET", "/api/query_ussd_reply?port=1%2C2")
    assert answer["reply"] == [
        {"port": 1, "text": "Sold: 7,50 lei"},
        {"port": 2, "text": USSD_ANSWER_BY_SMS},
    ]
    (sms,) = simulator.state.inbox
    credit = simulator.state.ports[2].remain_credit
    assert (sms.port, sms.number, sms.text) == (2, "Vodafone", f"Your balance is {credit} EUR")
    await api("POST", "/api/send_ussd", {"port": [1], "text": "*999#"})
    await until(lambda: not simulator.state.ports[1].ussd_pending)
    assert simulator.state.ports[1].ussd_reply == "Unknown USSD code"
    for body in ({"ussd_replies": {"*1#": 5}}, {"ussd_reply_sender": 5}):
        with pytest.raises(aiohttp.ClientResponseError):
            await control("POST", "ports/1", body)


async def test_port_info_and_actions(simulator: Simulator, api: Api) -> None:
    types = "imei%2Csmsc%2Creg%2Cremain_daily_calltime%2Cremain_daily_connected"
    _status, answer = await api("GET", f"/api/get_port_info?info_type={types}")
    assert [item["port"] for item in answer["info"]] == list(range(8))
    assert set(answer["info"][3]) == {
        "port",
        "imei",
        "smsc",
        "reg",
        "remain_daily_call_time",
        "remain_daily_connected",
    }
    assert answer["info"][3]["reg"] == "NO_SIM"
    assert (await api("GET", "/api/get_port_info?info_type=bogus"))[1]["error_code"] == 400
    set_port = "/api/set_port_info?port=1&action="
    assert (await api("GET", set_port + "CallForward&param=Busy&number=150"))[1][
        "error_code"
    ] == 200
    assert (await api("GET", set_port + "CheckCallForward"))[1]["error_code"] == 200
    _status, answer = await api("GET", "/api/get_port_info?port=1&info_type=CallForward")
    assert answer["info"] == [{"port": 1, "CallForwarding": {"Busy": "150"}}]
    for bad in ("power&param=maybe", "jump", "slot&param=1", "imei&param=123", "lock&param=0000"):
        assert (await api("GET", set_port + bad))[1]["error_code"] == 400
    assert (await api("GET", set_port + "power&param=off"))[1]["error_code"] == 200
    assert simulator.state.ports[1].reg == "POWER_OFF"
    await api("GET", set_port + "power&param=on")
    assert simulator.state.ports[1].reg == "SEARCHING_NETWORK"
    await until(lambda: simulator.state.ports[1].reg == "REGISTER_OK")


async def test_cdr_stk_status(simulator: Simulator, api: Api) -> None:
    _status, answer = await api("POST", "/api/get_cdr", {"port": [2]})
    assert answer["cdr"]
    assert {record["port"] for record in answer["cdr"]} == {2}
    simulator.state.faults.cdr_under_info = True
    assert "info" in (await api("POST", "/api/get_cdr"))[1]
    _status, view = await api("GET", "/GetSTKView?port=0")
    assert "error_code" not in view
    assert (view["title"], view["input_type"], view["frame_id"]) == ("SIM Services", "2", 750)
    assert (await api("POST", "/STKGo", {"port": 0, "item": 2}))[0] == 200
    assert (await api("POST", "/STKGo", {"port": 0, "param": "abc"}))[0] == 400
    assert (await api("POST", "/STKGo", {"port": 0, "param": "1234"}))[0] == 200
    assert (await api("GET", "/GetSTKCurrFrameIndex?port=0"))[1] == {"frame_id": 752}
    _status, status = await api("POST", "/api/get_status", ["performance"])
    assert set(status) == {"performance"}
    assert all(isinstance(value, str) for value in status["performance"].values())
    assert (await api("GET", "/api/get_status"))[0] == 403
    assert (await api("POST", "/api/get_status", {"x": 1}))[0] == 400


async def test_malformed_answers(simulator: Simulator, api: Api) -> None:
    simulator.state.faults.malformed = True
    assert (await api("POST", "/api/get_cdr"))[1].endswith("]}{}")
    assert (await api("GET", "/api/query_ussd_reply?port=0"))[1].endswith("}]]}")
    assert '",\n,"item":' in (await api("GET", "/GetSTKView?port=0"))[1]
    assert (await api("POST", "/api/set_config", {"sip_proxy": []}))[
        1
    ] == '[{"sip_proxy":"success"}]]'


async def test_sip_configuration(simulator: Simulator, api: Api) -> None:
    _status, answer = await api("POST", "/api/get_config", {"sip_trunk": [], "port_group": [0]})
    assert answer["sip_trunk"][0]["index"] == 31
    assert answer["port_group"][0]["port_map"] == "[0,1,2,3,4,5,6,7]"
    trunk = {"index": 2, "enable": "on", "domain": "10.0.0.1", "port": 5060}
    group = {"index": 12, "port_map": [1, 2]}
    _status, answer = await api(
        "POST",
        "/api/set_config",
        {"sip_proxy": [{"domain": "p"}], "sip_trunk": [trunk, {"port_group": [group]}]},
    )
    assert answer == [
        {"sip_proxy": "success"},
        {"sip_trunk": ["2_success"]},
        {"port_group": ["12_success"]},
    ]
    assert simulator.state.sip["sip_proxy"]["domain"] == "p"
    assert simulator.state.sip["port_group"][1]["port_map"] == "[1,2]"
    assert (await api("POST", "/api/get_config", {"nonsense": []}))[1]["error_code"] == 400


async def test_mms_and_socks(
    simulator: Simulator, session: aiohttp.ClientSession, api: Api
) -> None:
    configuration = dict.fromkeys(
        ("APN", "username", "password", "MMSC", "MMS_proxy", "MMS_port"), "x"
    )
    _status, answer = await api(
        "POST", "/api/mms_configuration", {"port": 9, "configuration": configuration}
    )
    assert answer["error_code"] == 404
    await api("POST", "/api/mms_configuration", {"port": 0, "configuration": configuration})
    mms = {"port": 0, "title": "t", "number": "123", "file_id": 5}
    assert (await api("POST", "/api/send_mms", mms))[1]["error_code"] == 404
    form = aiohttp.FormData()
    form.add_field("file", b"\xff\xd8", filename="a.jpg")
    async with session.post(f"{simulator.url}/api/mms_file/file5", data=form) as response:
        assert (await response.json())["error_code"] == 200
    assert simulator.state.mms_files == {5: b"\xff\xd8"}
    _status, answer = await api("POST", "/api/send_mms", mms)
    mms_id = answer["mms_id"]
    assert (await api("GET", f"/api/query_mms_sending_status?mms_id={mms_id}"))[1][
        "error_code"
    ] == 202
    await until(lambda: simulator.state.mms[mms_id] != 202)
    assert (await api("GET", f"/api/query_mms_sending_status?mms_id={mms_id}"))[1][
        "error_code"
    ] == 200
    assert (await api("GET", "/api/query_mms_sending_status?mms_id=99"))[1]["error_code"] == 404
    _status, answer = await api("POST", "/api/socks5_proxy", {"port": 2, "state": "on"})
    assert answer["socks_port"] == 1082
    assert (await api("POST", "/api/socks5_proxy", {"port": 3, "state": "on"}))[1][
        "error_code"
    ] == 503


async def test_invalid_json_is_a_400_envelope(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    async with session.post(f"{simulator.url}{SEND}", data=b"{not json") as response:
        assert await response.json() == {"error_code": 400, "sn": simulator.state.serial}


class TestDrp:
    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, drp=True)

    async def test_login_pick_then_forwarded(self, simulator: Simulator, api: Api) -> None:
        config = simulator.config
        assert (await api("GET", "/api/query_sms_in_queue"))[0] == 403
        assert (await api("GET", "/doLogin?Username=admin&password=nope"))[0] == 401
        assert (await api("GET", "/remoteWeb?Product_sns=" + config.serial))[0] == 404
        login = f"/doLogin?Username={config.username}&password={config.password}"
        async with (
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as plain,
            plain.get(simulator.url + login) as response,
        ):
            assert response.status == 200
            assert "DRPSESSION" in response.cookies
        assert (await api("GET", login))[0] == 200
        assert (await api("GET", "/remoteWeb?Product_sns=0000-0000-0000-0000"))[0] == 404
        assert (await api("GET", "/remoteWeb?Product_sns=%20" + config.serial))[0] == 200
        assert (await api("GET", "/api/query_sms_in_queue"))[1]["in_queue"] == 0
        simulator.state.faults.drp_cookie_required = True  # this session keeps no cookie
        assert (await api("GET", "/api/query_sms_in_queue"))[0] == 403


async def test_a_cancelled_ussd_session_does_not_answer_the_next(
    simulator: Simulator, api: Api, pushes: list[bytes]
) -> None:
    """The first session's reply, due while the second is pending, is not the second's."""
    simulator.config.ussd_delay = 0.2
    for body in (
        {"port": [0], "text": "*100#"},
        {"port": [0], "command": "cancel"},
        {"port": [0], "text": "*999#"},
    ):
        assert (await api("POST", "/api/send_ussd", body))[1]["result"][0]["status"] == 200
    port = simulator.state.ports[0]
    await until(lambda: port.ussd_reply != "")
    assert (port.ussd_reply, port.ussd_pending) == ("Unknown USSD code", False)
    await simulator.drain_pushes()
    await until(lambda: len(pushes) == 1)
    assert json.loads(pushes[0])["ussd"] == [{"port": 0, "text": "Unknown USSD code"}]


@pytest.mark.parametrize("spelling", ["REGISTERED", "Mobile Registered"])
async def test_other_spellings_of_registered_work_the_same(
    simulator: Simulator, api: Api, pushes: list[bytes], spelling: str
) -> None:
    async with aiohttp.ClientSession(base_url=simulator.url) as control:
        for reg in ("UNKNOWN", spelling):
            async with control.post("/_sim/ports/1", json={"reg": reg}) as response:
                assert response.status == 200
    await simulator.drain_pushes()
    await until(lambda: len(pushes) == 2)
    sim = simulator.state.ports[1].sim
    assert sim is not None
    up = json.loads(pushes[1])["register"][0]
    assert (up["status"], up["iccid"], up["imsi"]) == ("up", sim.iccid, sim.imsi)
    _status, answer = await api("GET", "/api/get_port_info?port=1&info_type=reg%2Csignal")
    assert answer["info"][0]["reg"] == spelling  # only the text differs
    assert answer["info"][0]["signal"] > 0
    _status, answer = await api(
        "POST", SEND, {"text": "x", "param": [{"number": "1"}], "port": [1]}
    )
    assert answer["error_code"] == 202
    await until(lambda: simulator.state.sent_messages[0].status != "SENDING")
    assert simulator.state.sent_messages[0].status in ("SENT_OK", "DELIVERED")
    _status, answer = await api("POST", "/api/send_ussd", {"port": [1], "text": "*100#"})
    assert answer["result"] == [{"port": 1, "status": 200}]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (SEND, {"text": "x", "param": [{"number": "1"}], "port": 1}),
        ("/api/query_sms_result", {"port": 1}),
        ("/api/query_sms_deliver_status", {"port": 1}),
        ("/api/send_ussd", {"port": 1, "text": "*100#"}),
        ("/api/get_cdr", {"port": 1}),
    ],
)
async def test_a_bare_port_number_where_the_spec_has_an_array_is_refused(
    api: Api, path: str, body: dict[str, Any]
) -> None:
    assert (await api("POST", path, body))[1]["error_code"] == 400
    assert (await api("POST", path, body | {"port": [1]}))[1]["error_code"] != 400


SUPERSCRIPT_TWO = "%C2%B2"  # "²": str.isdigit() says yes, int() says no


@pytest.mark.parametrize(
    "target",
    [
        f"/api/query_incoming_sms?incoming_sms_id={SUPERSCRIPT_TWO}",
        f"/api/query_incoming_sms?port={SUPERSCRIPT_TWO}",
        f"/api/get_port_info?port=1%2C{SUPERSCRIPT_TWO}&info_type=imei",
        f"/api/query_ussd_reply?port={SUPERSCRIPT_TWO}",
        f"/api/stop_sms?task_id={SUPERSCRIPT_TWO}",
        f"/api/set_port_info?port={SUPERSCRIPT_TWO}&action=reset",
        f"/api/set_port_info?port=1&action=imei&param=35896704291720{SUPERSCRIPT_TWO}",
        f"/api/query_mms_sending_status?mms_id={SUPERSCRIPT_TWO}",
    ],
)
async def test_unicode_digits_are_a_400(simulator: Simulator, api: Api, target: str) -> None:
    assert await api("GET", target) == (200, {"error_code": 400, "sn": simulator.state.serial})


async def test_unicode_digits_outside_the_envelope(simulator: Simulator, api: Api) -> None:
    assert (await api("GET", f"/GetSTKView?port={SUPERSCRIPT_TWO}"))[0] == 400
    assert (await api("POST", "/STKGo", {"port": 0, "item": 2}))[0] == 200  # asks for digits
    assert (await api("POST", "/STKGo", {"port": 0, "param": "12\u00b24"}))[0] == 400
    async with (
        aiohttp.ClientSession() as plain,
        plain.post(f"{simulator.url}/_sim/ports/{SUPERSCRIPT_TWO}", json={}) as response,
    ):
        assert response.status == 404


async def test_firmware_spelling_switches(simulator: Simulator, api: Api) -> None:
    faults = simulator.state.faults
    faults.cdr_bech = True
    _status, answer = await api("POST", "/api/get_cdr", {"port": [2]})
    assert all("bech" in record and "bcch" not in record for record in answer["cdr"])
    assert all("bcch" in record for record in simulator.state.cdrs)  # stored as the spec has it
    await api("GET", "/api/set_port_info?port=1&action=CallForward&param=Busy&number=150")
    await api("GET", "/api/set_port_info?port=1&action=CheckCallForward")
    faults.callforward_key = True
    _status, answer = await api("GET", "/api/get_port_info?port=1&info_type=CallForward")
    assert answer["info"] == [{"port": 1, "CallForward": {"Busy": "150"}}]
    faults.port_info_table_names = True
    types = "remain_daily_call_time%2Cremain_hourly_calltime%2Cremain_daily_connected%2Creg"
    _status, answer = await api("GET", f"/api/get_port_info?port=1&info_type={types}")
    assert set(answer["info"][0]) == {
        "port",
        "remain_daily_calltime",
        "remain_hourly_calltime",
        "remain_daily_connect",
        "reg",
    }
    faults.stk_input_type_int = True
    assert (await api("GET", "/GetSTKView?port=0"))[1]["input_type"] == 2


async def test_send_mms_code_switch(simulator: Simulator, api: Api) -> None:
    simulator.state.mms_files[1] = b"\xff\xd8"
    mms = {"port": 0, "title": "t", "number": "123", "file_id": 1}
    assert (await api("POST", "/api/send_mms", mms))[1]["error_code"] == 200
    simulator.state.faults.send_mms_202 = True
    assert (await api("POST", "/api/send_mms", mms))[1]["error_code"] == 202


async def test_delivery_failures_and_ref_ids(
    simulator: Simulator, api: Api, pushes: list[bytes]
) -> None:
    simulator.state.faults.delivery_failures = {"10010": 65}
    body = {"text": "x", "param": [{"number": "10010"}, {"number": "10086"}], "port": [0]}
    await api("POST", SEND, body)
    # Not sent yet: no ref_id rather than a made-up 0 (a real reference).
    _status, answer = await api("POST", "/api/query_sms_result")
    assert [("ref_id" in item, item["status"]) for item in answer["result"]] == [
        (False, "SENDING"),
        (False, "SENDING"),
    ]
    await until(lambda: simulator.state.sent_messages[1].status == "DELIVERED")
    await simulator.drain_pushes()
    failed, delivered = simulator.state.sent_messages
    assert (failed.status, failed.ref_id, delivered.ref_id) == ("SENT_OK", 0, 1)
    reports = [json.loads(body)["sms_deliver_status"][0] for body in pushes if b"deliver" in body]
    assert [(r["number"], r["ref_id"], r["status_code"]) for r in reports] == [
        ("10010", 0, 65),
        ("10086", 1, 0),
    ]
    results = [json.loads(body)["sms_result"][0] for body in pushes if b"sms_result" in body]
    assert [(r["number"], r["status"]) for r in results] == [
        ("10010", "SENT_OK"),
        ("10086", "SENT_OK"),
        ("10086", "DELIVERED"),
    ]


async def test_ussd_is_busy_while_the_port_sends(simulator: Simulator, api: Api) -> None:
    simulator.config.send_delay = 60
    await api("POST", SEND, {"text": "x", "param": [{"number": "10086"}], "port": [0]})
    await until(lambda: simulator.state.ports[0].sending_sms)
    _status, answer = await api("POST", "/api/send_ussd", {"port": [0, 1], "text": "*100#"})
    assert answer["result"] == [{"port": 0, "status": 486}, {"port": 1, "status": 200}]
    # Stopped with the message on the air: the port is free again.
    await simulator.stop()
    assert not simulator.state.ports[0].sending_sms
