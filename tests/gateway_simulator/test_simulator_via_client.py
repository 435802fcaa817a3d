"""The simulator through the client: pushes in the spec's shapes, the control API, reboot, CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import dataclasses
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    CallRecordEvent,
    DeliveryReportEvent,
    DeviceEvent,
    DevicePowerStatus,
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarClient,
    DinstarConnectionError,
    PortExceptionEvent,
    RegisterEvent,
    RegisterStatus,
    SmsReceivedEvent,
    SmsResultEvent,
    UssdEvent,
    parse_push,
)
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig
from dinstar_dev.gateway_simulator.__main__ import parse_args
from tests.conftest import ClientFactory

type Control = Callable[..., Awaitable[Any]]


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def events(bodies: list[bytes]) -> list[Any]:
    return [event for body in bodies for event in parse_push(body).events]


async def test_every_push_kind_in_the_specs_shape(
    simulator: Simulator, pushes: list[bytes], client: DinstarClient, control: Control
) -> None:
    await control("POST", "sms", {"port": 1, "number": "+491", "text": "hi"})
    # USSD first: on a port busy sending an SMS it would be refused (486).
    await client.send_ussd([0], "*100#")
    await client.send_sms("x", ["10086"], ports=[0])
    await control("POST", "ports/2", {"sim": False})
    await control("POST", "cdr", {"port": 2})
    await control("POST", "exception", {"port": 0, "type": "call_fail", "action": "reset"})
    await control("POST", "reboot", {"seconds": 0.1})
    kinds = {
        SmsReceivedEvent,
        SmsResultEvent,
        DeliveryReportEvent,
        UssdEvent,
        RegisterEvent,
        CallRecordEvent,
        DeviceEvent,
        PortExceptionEvent,
    }
    await until(
        lambda: (
            {type(event) for event in events(pushes)} >= kinds
            and sum(isinstance(event, DeviceEvent) for event in events(pushes)) == 2
        )
    )
    got = events(pushes)
    assert all(parse_push(body).sn == simulator.state.serial for body in pushes)
    down = next(e for e in got if isinstance(e, RegisterEvent) and e.port == 2)
    assert down.status is RegisterStatus.DOWN
    assert down.iccid is None  # pushed as "<NULL>"
    powers = [e.status for e in got if isinstance(e, DeviceEvent)]
    assert powers == [DevicePowerStatus.POWER_OFF, DevicePowerStatus.POWER_ON]
    await until(lambda: simulator.state.pushes["sent"] == len(pushes))


async def test_dropped_and_failed_pushes_are_counted_not_retried(
    simulator: Simulator, pushes: list[bytes], control: Control
) -> None:
    await control("POST", "faults", {"drop_pushes": True})
    await control("POST", "sms", {"port": 0, "text": "lost", "count": 3})
    await until(lambda: simulator.state.pushes["dropped"] == 3)
    assert pushes == []
    await control("POST", "faults", {"drop_pushes": False})
    await control("POST", "config", {"push_url": "http://127.0.0.1:1/nowhere"})
    await control("POST", "push", {"body": "raw text"})
    await until(lambda: simulator.state.pushes["failed"] == 1)
    state = await control("GET", "state")
    assert len(state["inbox"]) == 3
    assert state["pushes"] == {"dropped": 3, "failed": 1}


async def test_reboot_keeps_the_inbox_and_is_unreachable_meanwhile(
    simulator: Simulator, client: DinstarClient, control: Control
) -> None:
    await control("POST", "sms", {"port": 0, "text": "before"})
    await control("POST", "reboot", {"seconds": 0.3})
    await until(lambda: simulator.state.offline)
    with pytest.raises(DinstarConnectionError):
        await client.get_status()
    await until(lambda: not simulator.state.offline)
    assert [sms.text for sms in await client.fetch_incoming_since(0)] == ["before"]


async def test_offline_for_a_while_comes_back(simulator: Simulator, control: Control) -> None:
    await control("POST", "offline", {"seconds": 0.05})
    assert simulator.state.offline
    await until(lambda: not simulator.state.offline)


async def test_port_controls(simulator: Simulator, client: DinstarClient, control: Control) -> None:
    port = await control(
        "POST",
        "ports/1",
        {"signal": 5, "callstate": "Active", "reg": "SEARCHING_NETWORK", "slot": 2},
    )
    assert (port["signal"], port["callstate"], port["reg"], port["slot"]) == (
        5,
        "Active",
        "SEARCHING_NETWORK",
        2,
    )
    await control("POST", "ports/1", {"power": "off"})
    (info,) = await client.get_port_info([1], ["reg"])
    assert info.registration == "power_off"
    await control("POST", "ports/3", {"sim": True})
    (info,) = await client.get_port_info([3], ["imsi", "reg"])
    assert info.imsi
    assert info.registration == "register_ok"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "ports/99", {}),
        ("POST", "sms", {"port": 99}),
        ("POST", "faults", {"nonsense": 1}),
        ("POST", "faults", {"delivery_failures": ["10086"]}),
        ("POST", "faults", {"delivery_failures": {"10086": 0}}),  # 0 is delivered
        ("POST", "faults", {"delivery_failures": {"10086": 256}}),
        ("POST", "faults", {"delivery_failures": {"10086": True}}),
        ("POST", "faults", {"cdr_bech": "yes"}),
        ("POST", "sms", [1]),
    ],
)
async def test_control_rejects_bad_input(
    control: Control, method: str, path: str, body: Any
) -> None:
    with pytest.raises(Exception, match="4"):
        await control(method, path, body)


async def test_lockout_after_failed_logins(make_client: ClientFactory, control: Control) -> None:
    await control("POST", "faults", {"lockout_after": 1})
    wrong = await make_client(password="wrong")
    with pytest.raises(DinstarAuthenticationError):
        await wrong.get_status()
    right = await make_client()
    with pytest.raises(DinstarApiError) as err:
        await right.get_status()
    assert err.value.error_code == 403
    assert "blocked" in err.value.meaning


class TestMultiSim:
    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, multi_sim=True)

    async def test_slot_switch(self, client: DinstarClient) -> None:
        (info,) = await client.get_port_info([0], ["slot"])
        assert info.slot == 0
        await client.set_slot(0, 3)
        (info,) = await client.get_port_info([0], ["slot"])
        assert info.slot == 3


def test_command_line() -> None:
    config = parse_args(
        [
            "--ports",
            "32",
            "--https",
            "--password",
            "pw",
            "--push-url",
            "http://x/y",
            "--multi-sim",
            "--drp",
            "--send-delay",
            "0",
            "--incoming-every",
            "3",
            "--first-sms-id",
            "41",
        ]
    )
    assert (config.ports, config.https, config.password, config.push_url) == (
        32,
        True,
        "pw",
        "http://x/y",
    )
    assert (config.multi_sim, config.drp, config.send_delay, config.incoming_every) == (
        True,
        True,
        0.0,
        3.0,
    )
    assert config.first_incoming_id == 41
    with pytest.raises(SystemExit):
        parse_args(["--ports", "33"])
    with pytest.raises(SystemExit):
        parse_args(["--first-sms-id", "0"])


def test_ids_continue_from_the_first_one() -> None:
    """A restarted gateway keeps numbering its inbox; so does a simulator told where it was."""
    state = Simulator(SimulatorConfig(first_incoming_id=41)).state
    assert state.receive_sms(0, "+491", "a") == 41
    assert state.receive_sms(1, "+491", "b") == 42
    with pytest.raises(ValueError, match="first_incoming_id"):
        SimulatorConfig(first_incoming_id=0)


async def test_incoming_generator(socket_enabled: None) -> None:
    async with Simulator(SimulatorConfig(incoming_every=0.01, send_delay=0)) as sim:
        await until(lambda: len(sim.state.inbox) >= 2)
        assert sim.state.inbox[0].text
