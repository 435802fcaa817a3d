"""The simulator on its own, over raw HTTP: life cycle, authentication, control API, pushes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import ssl
from typing import Any

import aiohttp
import pytest
from yarl import URL

from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig, actions
from tests.gateway_simulator.conftest import Api, until


def _tasks_of_simulators() -> set[asyncio.Task[Any]]:
    return {task for task in asyncio.all_tasks() if task.get_name().startswith("dinstar-sim")}


async def test_start_stop_leaves_no_task(socket_enabled: None) -> None:
    config = SimulatorConfig(send_delay=0.5, ussd_delay=0.5, incoming_every=0.01)
    async with Simulator(config) as sim:
        assert sim.url == f"http://127.0.0.1:{sim.port}"
        assert sim.certificate_fingerprint is None
        sim.state.receive_sms(0, "+491", "hi")
        sim.spawn(sim.reboot(10))
        sim.state.go_offline(10)
        assert _tasks_of_simulators()
    assert not _tasks_of_simulators()
    assert len(sim.state.background) == 0
    with pytest.raises(ValueError, match="ports"):
        SimulatorConfig(ports=33)


async def test_https_serves_the_fingerprinted_certificate(socket_enabled: None) -> None:
    async with Simulator(SimulatorConfig(https=True)) as sim:
        assert sim.url.startswith("https://")
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        _reader, writer = await asyncio.open_connection("127.0.0.1", sim.port, ssl=context)
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        writer.close()
        await writer.wait_closed()
        assert hashlib.sha256(der).hexdigest() == sim.certificate_fingerprint


async def test_digest_challenge_then_success(simulator: Simulator, api: Api) -> None:
    async with (
        aiohttp.ClientSession() as plain,
        plain.get(f"{simulator.url}/api/query_sms_in_queue") as response,
    ):
        assert response.status == 401
        challenge = response.headers["WWW-Authenticate"]
    for part in ('Digest realm="Web Server Authentication"', 'qop="auth"', "nonce=", "opaque="):
        assert part in challenge
    status, answer = await api("GET", "/api/query_sms_in_queue")
    assert (status, answer) == (
        200,
        {"error_code": 200, "sn": simulator.state.serial, "in_queue": 0},
    )
    # The digest covers the target as sent: encoded commas and raw ones both verify.
    for target in (
        "/api/get_port_info?port=1%2C2&info_type=imei",
        "/api/get_port_info?port=1,2&info_type=imei",
    ):
        status, answer = await api("GET", target)
        assert [item["port"] for item in answer["info"]] == [1, 2]
    assert simulator.auth.failed_logins == 0


async def test_wrong_password_and_lockout(simulator: Simulator) -> None:
    simulator.state.faults.lockout_after = 2
    middleware = aiohttp.DigestAuthMiddleware(simulator.config.username, "wrong")
    async with aiohttp.ClientSession(middlewares=(middleware,)) as wrong:
        # The second attempt is the second failure: the middleware's retry already meets 403.
        for expected in (401, 403):
            async with wrong.get(f"{simulator.url}/api/query_sms_in_queue") as response:
                assert response.status == expected
    assert simulator.auth.failed_logins == 2


async def test_a_digest_over_another_uri_is_refused(simulator: Simulator) -> None:
    """The uri field must be the exact target: a decoded one does not verify."""
    url = f"{simulator.url}/api/get_port_info?port=1%2C2&info_type=imei"
    async with aiohttp.ClientSession() as plain:
        async with plain.get(URL(url, encoded=True)) as response:
            fields = dict(
                part.strip().split("=", 1)
                for part in response.headers["WWW-Authenticate"][7:].split(",")
            )
        nonce, opaque = fields["nonce"].strip('"'), fields["opaque"].strip('"')
        config = simulator.config
        realm = "Web Server Authentication"
        ha1 = hashlib.md5(f"{config.username}:{realm}:{config.password}".encode()).hexdigest()  # noqa: S324

        def header(uri: str) -> str:
            ha2 = hashlib.md5(f"GET:{uri}".encode()).hexdigest()  # noqa: S324
            response = f"{ha1}:{nonce}:00000001:abc:auth:{ha2}"
            digest = hashlib.md5(response.encode()).hexdigest()  # noqa: S324
            return (
                f'Digest username="{config.username}", realm="{realm}", nonce="{nonce}", '
                f'uri="{uri}", qop=auth, nc=00000001, cnonce="abc", response="{digest}", '
                f'opaque="{opaque}", algorithm=MD5'
            )

        decoded = "/api/get_port_info?port=1,2&info_type=imei"
        encoded = "/api/get_port_info?port=1%2C2&info_type=imei"
        for uri, status in ((decoded, 401), (encoded, 200)):
            headers = {"Authorization": header(uri)}
            async with plain.get(URL(url, encoded=True), headers=headers) as response:
                assert response.status == status


@pytest.mark.parametrize("mode", ["basic", "any"])
async def test_basic_and_any_modes(simulator: Simulator, mode: str) -> None:
    simulator.state.faults.auth = mode
    config = simulator.config
    basic = "Basic " + base64.b64encode(f"{config.username}:{config.password}".encode()).decode()
    async with aiohttp.ClientSession() as plain:
        async with plain.get(f"{simulator.url}/api/query_sms_in_queue") as response:
            challenges = response.headers.getall("WWW-Authenticate")
        assert [c.split()[0] for c in challenges] == (
            ["Basic"] if mode == "basic" else ["Digest", "Basic"]
        )
        headers = {"Authorization": basic}
        async with plain.get(
            f"{simulator.url}/api/query_sms_in_queue", headers=headers
        ) as response:
            assert response.status == 200


async def test_raw_comma_quirk(simulator: Simulator, api: Api) -> None:
    simulator.state.faults.raw_comma_401 = True
    status, text = await api("GET", "/api/get_port_info?port=1,2&info_type=imei")
    assert (status, text) == (401, "401 Wrong Password")
    status, _answer = await api("GET", "/api/get_port_info?port=1%2C2&info_type=imei")
    assert status == 200


async def test_a_reboot_forgets_its_challenge_and_keeps_the_inbox(
    simulator: Simulator, api: Api
) -> None:
    simulator.receive_sms(0, "+491", "before")
    assert (await api("GET", "/api/query_sms_in_queue"))[0] == 200
    await simulator.reboot(0.01)
    challenges = simulator.state.challenges
    status, answer = await api("GET", "/api/query_incoming_sms?flag=all")
    assert status == 200
    assert [sms["text"] for sms in answer["sms"]] == ["before"]
    # The old challenge cannot be checked any more: a plain 401 (counted like a wrong
    # password, as a real server cannot tell), then through with the new one.
    assert simulator.state.challenges == challenges + 1
    assert simulator.auth.failed_logins == 1


async def test_offline_closes_connections(simulator: Simulator, api: Api) -> None:
    async with aiohttp.ClientSession() as plain:
        async with plain.post(f"{simulator.url}/_sim/offline", json={"seconds": None}) as response:
            assert response.status == 200
        with pytest.raises(aiohttp.ClientConnectionError):
            await api("GET", "/api/query_sms_in_queue")
        async with plain.post(f"{simulator.url}/_sim/online") as response:
            assert response.status == 200
    assert (await api("GET", "/api/query_sms_in_queue"))[0] == 200


async def test_control_api(simulator: Simulator, api: Api) -> None:
    async with aiohttp.ClientSession(base_url=simulator.url) as control:
        async with control.post(
            "/_sim/sms", json={"port": 1, "number": "+4930", "text": "hi"}
        ) as response:
            assert (await response.json())["incoming_sms_id"] == 1
        async with control.post(
            "/_sim/sms", json={"port": 2, "text": "bulk", "count": 3}
        ) as response:
            assert (await response.json())["ids"] == [2, 3, 4]
        async with control.post("/_sim/faults", json={"malformed": True, "delay": 0}) as response:
            assert (await response.json())["malformed"] is True
        for path, body in (
            ("/_sim/faults", {"auth": "none"}),
            ("/_sim/sms", {"port": 8}),
            ("/_sim/faults", [1]),
        ):
            async with control.post(path, json=body) as response:
                assert response.status == 400
        async with control.post("/_sim/ports/3", json={"sim": True, "signal": 7}) as response:
            port = await response.json()
        assert (port["reg"], port["signal"], len(port["sim"]["imsi"])) == ("REGISTER_OK", 7, 15)
        async with control.get("/_sim/state") as response:
            state = await response.json()
    assert [sms["read"] for sms in state["inbox"]] == [False] * 4
    assert state["faults"]["malformed"] is True
    # Malformed mode: the spec's dangling comma; flag=unread (the default) marks them read.
    status, text = await api("GET", "/api/query_incoming_sms")
    assert status == 200
    assert isinstance(text, str)
    assert '"text":"bulk #2"},]' in text
    assert all(sms.read for sms in simulator.state.inbox)


async def test_push_delivery(simulator: Simulator, api: Api, pushes: list[bytes]) -> None:
    simulator.receive_sms(1, "+4930", "hello")
    status, answer = await api(
        "POST",
        "/api/send_sms",
        {"text": "x" * 100, "param": [{"number": "10086", "user_id": 7}], "port": [0]},
    )
    assert (status, answer["error_code"]) == (200, 202)  # unicode: 100 characters, 2 parts
    await until(lambda: simulator.state.sent_messages[0].status == "DELIVERED")
    await simulator.drain_pushes()
    await until(lambda: len(pushes) == 5)
    bodies = [json.loads(body) for body in pushes]
    assert all(body["sn"] == simulator.state.serial for body in bodies)
    kinds = [next(key for key in body if key != "sn") for body in bodies]
    assert kinds == ["sms", "sms_result", "sms_deliver_status", "sms_deliver_status", "sms_result"]
    results = [body["sms_result"][0] for body in bodies if "sms_result" in body]
    assert [(r["status"], r["count"], r["user_id"]) for r in results] == [
        ("SENT_OK", 2, 7),
        ("DELIVERED", 2, 7),
    ]
    reports = [
        body["sms_deliver_status"][0]["ref_id"] for body in bodies if "sms_deliver_status" in body
    ]
    assert reports == [results[0]["ref_id"], results[0]["ref_id"] + 1]
    simulator.state.push_raw("not json")
    simulator.state.faults.malformed = True
    simulator.state.push({"ussd": [{"port": 1, "text": "x"}]})
    # Every push tried (the receiver has its body before the simulator counts it as sent).
    await simulator.drain_pushes()
    assert len(pushes) == 7
    assert pushes[-2:] == [
        b"not json",
        b'{"sn":"%s","ussd":[{"port":1,"text":"x"}]}]' % simulator.state.serial.encode(),
    ]
    assert simulator.state.pushes["sent"] == 7


async def test_failed_and_dropped_pushes_are_counted(simulator: Simulator) -> None:
    simulator.push_url = "http://127.0.0.1:1/nowhere"
    simulator.state.push_exception(0)
    await simulator.drain_pushes()
    simulator.state.faults.drop_pushes = True
    simulator.state.add_cdr(port=1)
    simulator.state.add_cdr(port=1, answer_date="")  # not answered: not pushed
    await simulator.drain_pushes()
    assert simulator.state.pushes == {"failed": 1, "dropped": 1}


async def test_raw_comma_refusals_count_toward_the_lockout(simulator: Simulator, api: Api) -> None:
    simulator.state.faults.raw_comma_401 = True
    simulator.state.faults.lockout_after = 2
    raw = "/api/get_port_info?port=1,2&info_type=imei"
    async with aiohttp.ClientSession() as plain, plain.get(simulator.url + raw) as response:
        assert response.status == 401
    assert simulator.auth.failed_logins == 0  # no credentials: no failed login
    for _attempt in range(2):
        await api("GET", raw)
    assert simulator.auth.failed_logins >= 2
    # The address is blocked now, even for a request the quirk would let through.
    assert (await api("GET", "/api/get_port_info?port=1%2C2&info_type=imei"))[0] == 403


def _registration_tasks(port: int) -> set[asyncio.Task[Any]]:
    name = f"dinstar-sim port {port} registration"
    return {task for task in asyncio.all_tasks() if task.get_name() == name}


async def test_an_old_network_search_does_not_end_a_new_one(simulator: Simulator) -> None:
    state = simulator.state
    simulator.config.register_delay = 0.5
    port = state.ports[1]
    actions.power(state, port, on=False)
    actions.power(state, port, on=True)
    first = _registration_tasks(1)
    await asyncio.sleep(0.2)
    actions.power(state, port, on=False)
    actions.power(state, port, on=True)  # a new search, due 0.2 s after the first one
    await asyncio.wait(first)
    assert port.reg == "SEARCHING_NETWORK"
    await until(lambda: port.reg == "REGISTER_OK")


async def test_a_restarted_simulator_sends_again(simulator: Simulator, api: Api) -> None:
    """The queue outlives a stop; its workers do not, and come back with start()."""
    sent = simulator.state.sent_messages
    body = {"text": "x", "param": [{"number": "1"}], "port": [0]}
    await api("POST", "/api/send_sms", body)
    await until(lambda: sent[0].status != "SENDING")
    simulator.config.send_delay = 60
    await api("POST", "/api/send_sms", body)  # on the air when the simulator stops
    await until(lambda: simulator.state.in_queue() == 0)
    simulator.config.port = simulator.port  # the same origin: the digest session goes on
    await simulator.stop()
    simulator.config.send_delay = 0.01
    await simulator.start()
    await until(lambda: sent[1].status != "SENDING")
    await api("POST", "/api/send_sms", body)
    await until(lambda: sent[2].status != "SENDING")
    assert all(sms.status in ("SENT_OK", "DELIVERED") for sms in sent)
