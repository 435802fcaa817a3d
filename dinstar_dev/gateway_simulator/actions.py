"""What the gateway does when told: port actions, call forwarding, USSD, MMS, device status."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import math
import re
from typing import TYPE_CHECKING

from .models import FORWARD_CONDITIONS, REGISTER_OK, Port

if TYPE_CHECKING:
    from .state import GatewayState

IMEI_DIGITS = 15
SLOTS = ("0", "1", "2", "3")
MMS_SENT, MMS_PENDING, MMS_FAILED = 200, 202, 503
USSD_SENT, USSD_BUSY, USSD_UNREGISTERED = 200, 486, 503
# Codes operators use for the balance; anything else gets the network's "unknown" answer.
# What the USSD reply says when the answer itself comes by SMS.
USSD_ANSWER_BY_SMS = "Your request is being processed. You will receive an SMS."
_BALANCE_CODE = re.compile(r"\*(100|101|102|121|123|124|125|133|135|141|144)#")
_NUMBER = re.compile(r"\+?\d{1,23}")

type Action = Callable[["GatewayState", Port, str | None, str | None], bool]


def _slot(state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    if not state.config.multi_sim or param not in SLOTS:
        return False
    port.slot = int(param)
    if port.powered and port.sim is not None:
        _search(state, port)  # the module registers with the SIM in the other slot
    return True


def _reset(state: GatewayState, port: Port, _param: str | None, _number: str | None) -> bool:
    if port.powered and port.sim is not None:
        _search(state, port)
    return True


def _power(state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    if param not in ("on", "off"):
        return False
    power(state, port, on=param == "on")
    return True


def _imei(_state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    # isascii(): str.isdigit() also takes digits of other scripts ("²", "٣").
    if param is None or len(param) != IMEI_DIGITS or not (param.isascii() and param.isdigit()):
        return False
    port.imei = param
    return True


def _number(_state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    if port.sim is None or param is None or not _NUMBER.fullmatch(param):
        return False
    port.sim.number = param
    return True


def _lock(_state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    return _pin(port, param, locked=True)


def _unlock(_state: GatewayState, port: Port, param: str | None, _number: str | None) -> bool:
    return _pin(port, param, locked=False)


def _pin(port: Port, param: str | None, *, locked: bool) -> bool:
    if port.sim is None or param != port.sim.pin:
        return False
    port.sim.locked = locked
    return True


def _block(state: GatewayState, port: Port, _param: str | None, _number: str | None) -> bool:
    return _blocked(state, port, blocked=True)


def _unblock(state: GatewayState, port: Port, _param: str | None, _number: str | None) -> bool:
    return _blocked(state, port, blocked=False)


def _blocked(state: GatewayState, port: Port, *, blocked: bool) -> bool:
    if port.sim is None:
        return False
    was_up = port.registered
    port.sim.blocked = blocked
    if port.registered != was_up:
        state.push({"register": [state.register_event(port)]})
    return True


def _call_forward(_state: GatewayState, port: Port, param: str | None, number: str | None) -> bool:
    if param == "CancelAll":
        port.call_forward_set.clear()
        return True
    if param not in FORWARD_CONDITIONS or number is None or not _NUMBER.fullmatch(number):
        return False
    port.call_forward_set[param] = number
    return True


def _check_call_forward(
    _state: GatewayState, port: Port, _param: str | None, _number: str | None
) -> bool:
    # What get_port_info's CallForward answers is what the last check read from the network.
    port.call_forward_checked = dict(port.call_forward_set)
    return True


_ACTIONS: dict[str, Action] = {
    "slot": _slot,
    "reset": _reset,
    "power": _power,
    "imei": _imei,
    "number": _number,
    "lock": _lock,
    "unlock": _unlock,
    "block": _block,
    "unblock": _unblock,
    "CallForward": _call_forward,
    "CheckCallForward": _check_call_forward,
}


def port_action(
    state: GatewayState, port: Port, action: str, param: str | None, number: str | None
) -> bool:
    """Apply a set_port_info action; ``False`` for an unknown action or a bad parameter."""
    handler = _ACTIONS.get(action)
    return handler is not None and handler(state, port, param, number)


def power(state: GatewayState, port: Port, *, on: bool) -> None:
    """Switch a module: off at once; on, it searches the network for a moment first."""
    port.powered = on
    if not on:
        state.set_registration(port, "POWER_OFF")
    elif port.sim is None:
        state.set_registration(port, "NO_SIM")
    else:
        _search(state, port)


def plug_sim(state: GatewayState, port: Port, *, present: bool) -> None:
    """Pull the SIM or plug a new one; a register event is pushed either way."""
    port.sim = state.make_sim() if present else None
    if not port.powered:
        state.set_registration(port, "POWER_OFF", force_push=True)
    else:
        state.set_registration(port, REGISTER_OK if present else "NO_SIM", force_push=True)


def _search(state: GatewayState, port: Port) -> None:
    state.set_registration(port, "SEARCHING_NETWORK")
    port.search_session += 1
    search = port.search_session

    async def registered() -> None:
        await asyncio.sleep(state.config.register_delay)
        # A later search (power off and on again, a reset) owns the outcome, not this one.
        if search != port.search_session:
            return
        if port.reg == "SEARCHING_NETWORK" and port.powered and port.sim is not None:
            state.set_registration(port, REGISTER_OK)

    state.background.spawn(registered(), f"port {port.index} registration")


def send_ussd(state: GatewayState, port: Port, command: str, text: str) -> int:
    """Send (or cancel) a USSD session on one port; the reply comes after ``ussd_delay``.

    While a menu's session is open, the code sent is the answer to the menu, not a new request.
    """
    if command == "cancel":
        port.ussd_session += 1  # the cancelled session's reply never comes
        if not state.faults.ussd_reply_kept:
            port.ussd_reply = ""
        port.ussd_pending = False
        port.ussd_menu_open = False
        return USSD_SENT
    if not port.registered:
        return USSD_UNREGISTERED
    if port.callstate != "Idle" or port.ussd_pending or port.sending_sms:
        return USSD_BUSY
    port.ussd_session += 1
    session = port.ussd_session
    if not state.faults.ussd_reply_kept:
        port.ussd_reply = ""  # "" until the network answers
    port.ussd_pending = True
    choice = port.ussd_menu_open

    async def reply() -> None:
        await asyncio.sleep(state.config.ussd_delay)
        # Cancelled meanwhile, perhaps with a new session already pending: that one's reply
        # is the one to give, not this one's.
        if session != port.ussd_session:
            return
        port.ussd_pending = False
        code = text.strip()
        port.ussd_menu_open = code in port.ussd_menus
        answer = port.ussd_menus.get(code, port.ussd_replies.get(code))
        if answer is None and not choice and _BALANCE_CODE.fullmatch(code):
            answer = f"Your balance is {port.remain_credit} EUR"
        if answer is not None and port.ussd_reply_sender is not None:
            port.ussd_reply = USSD_ANSWER_BY_SMS
            state.receive_sms(port.index, port.ussd_reply_sender, answer)
        else:
            port.ussd_reply = "Unknown USSD code" if answer is None else answer
        state.push({"ussd": [{"port": port.index, "text": port.ussd_reply}]})

    state.background.spawn(reply(), f"port {port.index} USSD")
    return USSD_SENT


def send_mms(state: GatewayState, port: Port) -> int:
    """Queue an MMS; after the send delay it is sent, or fails (no SIM, no MMS set-up)."""
    mms_id = state.next_mms_id
    state.next_mms_id += 1
    state.mms[mms_id] = MMS_PENDING

    async def finish() -> None:
        await asyncio.sleep(state.config.send_delay)
        configured = port.mms_config is not None and port.mms_config.get("status") != "off"
        state.mms[mms_id] = MMS_SENT if port.registered and configured else MMS_FAILED

    state.background.spawn(finish(), f"MMS {mms_id}")
    return mms_id


def performance(state: GatewayState) -> dict[str, str]:
    """get_status values (strings, in KB and percent) that drift a little from one reading to the next."""
    wobble = math.sin(state.requests["/api/get_status"] - 1)
    return {
        "cpu_used": str(int(30 + 10 * wobble)),
        "flash_total": "27648",
        "flash_used": "17428",
        "memory_total": "109448",
        "memory_cached": "34192",
        "memory_buffers": "0",
        "memory_free": str(58928 - int(500 * wobble)),
        "memory_used": str(50520 + int(500 * wobble)),
    }
