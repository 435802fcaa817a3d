"""The simulated gateway's USSD sessions: menus that stay open, replies kept or emptied."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from dinstar_dev.gateway_simulator import Simulator
from tests.gateway_simulator.conftest import Api, until

MENU = "1. Balance\n2. Bundles"


async def _reply(simulator: Simulator, api: Api, port: int, code: str) -> str:
    await api("POST", "/api/send_ussd", {"port": [port], "text": code})
    await until(lambda: not simulator.state.ports[port].ussd_pending)
    _status, answer = await api("GET", f"/api/query_ussd_reply?port={port}")
    text: str = answer["reply"][0]["text"]
    return text


async def test_a_menu_keeps_its_session_open_until_cancelled(
    simulator: Simulator, api: Api, control: Callable[..., Awaitable[Any]]
) -> None:
    """The code sent into an open menu is its answer: a balance code there is no balance code."""
    await control("POST", "ports/1", {"ussd_menus": {"*111#": MENU}})
    port = simulator.state.ports[1]
    assert await _reply(simulator, api, 1, "*111#") == MENU
    assert port.ussd_menu_open
    assert await _reply(simulator, api, 1, "*100#") == "Unknown USSD code"
    assert not port.ussd_menu_open
    await _reply(simulator, api, 1, "*111#")
    await api("POST", "/api/send_ussd", {"port": [1], "command": "cancel"})
    assert not port.ussd_menu_open
    assert await _reply(simulator, api, 1, "*100#") == f"Your balance is {port.remain_credit} EUR"


async def test_a_reply_is_emptied_when_a_code_is_sent_unless_the_firmware_keeps_it(
    simulator: Simulator, api: Api
) -> None:
    """By default "" shows from the code to its answer; the variant shows the last answer."""
    simulator.config.ussd_delay = 0.3
    port = simulator.state.ports[1]
    first = await _reply(simulator, api, 1, "*100#")
    await api("POST", "/api/send_ussd", {"port": [1], "text": "*100#"})
    assert port.ussd_reply == ""
    await until(lambda: not port.ussd_pending)
    simulator.state.faults.ussd_reply_kept = True
    await api("POST", "/api/send_ussd", {"port": [1], "text": "*100#"})
    assert (port.ussd_pending, port.ussd_reply) == (True, first)
    await api("POST", "/api/send_ussd", {"port": [1], "command": "cancel"})
    assert port.ussd_reply == first
