"""The control API under ``/_sim/``: what tests and the demo drive the gateway with.

JSON in and out, no authentication. Bad input gets a 400 (a 404 for a port in the path that the
gateway does not have).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import actions
from .auth import MODES
from .routes import ascii_digits

if TYPE_CHECKING:
    from .models import Port
    from .state import GatewayState

CONTROL_PREFIX = "/_sim/"
MAX_INJECTED = 100_000
MAX_SIGNAL = 31
# Delivery status codes: 32-63 are temporary errors, 64-255 permanent ones (0 is delivered).
FIRST_FAILURE_CODE, LAST_STATUS_CODE = 32, 255
_SLOTS = (0, 1, 2, 3, 255)
_CREDITS = (
    "remain_credit",
    "remain_monthly_credit",
    "remain_daily_credit",
    "remain_daily_call_time",
    "remain_hourly_call_time",
    "remain_daily_connected",
)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return value


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TypeError("a number of seconds, 0 or more")
    return float(value)


def _optional_seconds(value: Any) -> float | None:
    return None if value is None else _seconds(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a string")
    return value


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError("null or a positive integer")
    return value


def _rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise TypeError("a share from 0 to 1")
    return float(value)


def _auth(value: Any) -> str:
    if value not in MODES:
        raise TypeError(f"one of {', '.join(MODES)}")
    return str(value)


def _numbers(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("a list of numbers as strings")
    return list(value)


def _api_paths(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(path, str) and path.startswith("/api/") for path in value
    ):
        raise TypeError("a list of API paths, each starting with /api/")
    return list(value)


def _port_numbers(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(port, int) and not isinstance(port, bool) and port >= 0 for port in value
    ):
        raise TypeError("a list of port numbers")
    return list(value)


def _delivery_failures(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
        isinstance(code, int)
        and not isinstance(code, bool)
        and FIRST_FAILURE_CODE <= code <= LAST_STATUS_CODE
        for code in value.values()
    ):
        raise TypeError(
            f"an object of number -> status code {FIRST_FAILURE_CODE} to {LAST_STATUS_CODE}"
        )
    return dict(value)  # JSON object keys are strings already


def _ussd_replies(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(text, str) for code, text in value.items()
    ):
        raise TypeError("an object of USSD code to reply text")
    return dict(value)


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _power(value: Any) -> bool:
    if value not in ("on", "off") and not isinstance(value, bool):
        raise TypeError('"on" or "off"')
    return value in ("on", True)


def _signal(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SIGNAL:
        raise TypeError(f"0 to {MAX_SIGNAL}")
    return value


def _slot(value: Any) -> int:
    if isinstance(value, bool) or value not in _SLOTS:
        raise TypeError("0 to 3, or 255")
    return int(value)


def _credit(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("a string or a number")
    return value if isinstance(value, str) else f"{value:.2f}"


def _attribute(name: str) -> Callable[[GatewayState, Port, Any], None]:
    def apply(_state: GatewayState, port: Port, value: Any) -> None:
        setattr(port, name, value)

    return apply


def _sim_number(_state: GatewayState, port: Port, value: Any) -> None:
    if port.sim is not None:
        port.sim.number = value


# Port fields the control API changes: (check, apply), applied in this order (SIM, then power,
# then registration, so that {"sim": true, "reg": "UNKNOWN"} ends UNKNOWN).
_PORT_FIELDS: dict[str, tuple[Callable[[Any], Any], Callable[[GatewayState, Port, Any], None]]] = {
    "sim": (_bool, lambda state, port, value: actions.plug_sim(state, port, present=value)),
    "power": (_power, lambda state, port, value: actions.power(state, port, on=value)),
    # Any text: real firmware has states the spec does not list. "REGISTERED" and "Mobile
    # Registered" are registered as much as REGISTER_OK (models.REGISTERED_SPELLINGS).
    "reg": (_text, lambda state, port, value: state.set_registration(port, value)),
    "signal": (_signal, _attribute("signal")),
    "slot": (_slot, _attribute("slot")),
    "callstate": (_text, _attribute("callstate")),
    "gprs": (_text, _attribute("gprs")),
    "type": (_text, _attribute("type")),
    "number": (_text, _sim_number),
    "ussd_replies": (_ussd_replies, _attribute("ussd_replies")),
    "ussd_reply_sender": (_optional_text, _attribute("ussd_reply_sender")),
    "ussd_menus": (_ussd_replies, _attribute("ussd_menus")),
    **{name: (_credit, _attribute(name)) for name in _CREDITS},
}

FAULTS: dict[str, Callable[[Any], Any]] = {
    "error_500": _bool,
    "error_500_paths": _api_paths,
    "drop_answers": _api_paths,
    "delay": _seconds,
    "drop_pushes": _bool,
    "malformed": _bool,
    "auth": _auth,
    "raw_comma_401": _bool,
    "queue_alias_only": _bool,
    "cdr_under_info": _bool,
    "lockout_after": _count,
    "lockout_seconds": _seconds,
    "failing_numbers": _numbers,
    "failure_rate": _rate,
    "drp_cookie_required": _bool,
    "delivery_failures": _delivery_failures,
    "cdr_bech": _bool,
    "callforward_key": _bool,
    "port_info_table_names": _bool,
    "stk_input_type_int": _bool,
    "send_mms_202": _bool,
    "ussd_reply_kept": _bool,
    "no_credit_ports": _port_numbers,
    "unregister_on_send": _port_numbers,
    "hold_queue": _bool,
}


def _checked(name: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except TypeError as err:
        raise web.HTTPBadRequest(text=f"{name}: {err}") from None


class ControlApi:
    """The ``/_sim/`` routes of one simulator."""

    def __init__(
        self,
        state: GatewayState,
        snapshot: Callable[[], dict[str, Any]],
        spawn: Callable[[Coroutine[Any, Any, Any], str], None],
        reboot: Callable[[float], Coroutine[Any, Any, None]],
    ) -> None:
        """Drive ``state``; ``snapshot``, ``spawn`` and ``reboot`` are the server's own."""
        self.state = state
        self._snapshot = snapshot
        self._spawn = spawn
        self._reboot = reboot

    def routes(self) -> list[web.RouteDef]:
        """Every control call."""
        prefix = CONTROL_PREFIX
        return [
            web.get(f"{prefix}state", self.get_state),
            web.post(f"{prefix}sms", self.inject_sms),
            web.post(prefix + "ports/{port}", self.change_port),
            web.post(f"{prefix}reboot", self.reboot),
            web.post(f"{prefix}offline", self.offline),
            web.post(f"{prefix}online", self.online),
            web.get(f"{prefix}faults", self.faults),
            web.post(f"{prefix}faults", self.faults),
            web.post(f"{prefix}push", self.push),
            web.post(f"{prefix}config", self.config),
            web.post(f"{prefix}exception", self.exception),
            web.post(f"{prefix}cdr", self.cdr),
        ]

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if not (await request.read()).strip():
            return {}
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="the body is not JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return data

    def _port_number(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or self.state.port(value) is None:
            raise web.HTTPBadRequest(text=f"no port {value!r}")
        return value

    async def get_state(self, _request: web.Request) -> web.Response:
        """GET state: everything, with the counters."""
        return web.json_response(self._snapshot())

    async def inject_sms(self, request: web.Request) -> web.Response:
        """POST sms {"port", "number", "text", "smsc"?, "count"?}: receive SMS (pushed)."""
        data = await self._body(request)
        port = self._port_number(data.get("port", 0))
        number = _checked("number", _text, data.get("number", "+4917600000000"))
        text = _checked("text", _text, data.get("text", "Hello"))
        smsc = None if data.get("smsc") is None else _checked("smsc", _text, data["smsc"])
        count = _checked("count", _count, data.get("count"))
        if count is not None and count > MAX_INJECTED:
            raise web.HTTPBadRequest(text=f"count: at most {MAX_INJECTED}")
        if count is None:
            ids = [self.state.receive_sms(port, number, text, smsc)]
        else:
            ids = [self.state.receive_sms(port, number, f"{text} #{n}", smsc) for n in range(count)]
        return web.json_response({"incoming_sms_id": ids[-1], "ids": ids})

    async def change_port(self, request: web.Request) -> web.Response:
        """POST ports/{n}: SIM, power, registration, signal, slot, call state, credit..."""
        match = request.match_info["port"]
        port = self.state.port(int(match)) if ascii_digits(match) else None
        if port is None:
            raise web.HTTPNotFound(text=f"no port {match}")
        data = await self._body(request)
        if unknown := set(data) - set(_PORT_FIELDS):
            raise web.HTTPBadRequest(text=f"unknown fields {sorted(unknown)}")
        if "number" in data and port.sim is None and data.get("sim") is not True:
            raise web.HTTPBadRequest(text="number: the port has no SIM")
        # Every value is checked before any is applied: a bad request changes nothing.
        values = {
            name: _checked(name, check, data[name])
            for name, (check, _apply) in _PORT_FIELDS.items()
            if name in data
        }
        for name, value in values.items():
            _PORT_FIELDS[name][1](self.state, port, value)
        return web.json_response(port.as_json())

    async def reboot(self, request: web.Request) -> web.Response:
        """POST reboot {"seconds"}: power_off pushed, unreachable, back up (pushed)."""
        seconds = _checked("seconds", _seconds, (await self._body(request)).get("seconds", 1.0))
        self._spawn(self._reboot(seconds), "reboot")
        return web.json_response({"rebooting": True, "seconds": seconds})

    async def offline(self, request: web.Request) -> web.Response:
        """POST offline {"seconds": null or N}: drop every API connection (for N seconds)."""
        data = await self._body(request)
        seconds = _checked("seconds", _optional_seconds, data.get("seconds"))
        self.state.go_offline(seconds)
        return web.json_response({"offline": True, "seconds": seconds})

    async def online(self, _request: web.Request) -> web.Response:
        """POST online: answer again."""
        self.state.go_online()
        return web.json_response({"offline": False})

    async def faults(self, request: web.Request) -> web.Response:
        """GET faults: the switches; POST faults {...}: set any of them."""
        if request.method == "POST":
            data = await self._body(request)
            if unknown := set(data) - set(FAULTS):
                raise web.HTTPBadRequest(text=f"unknown faults {sorted(unknown)}")
            values = {name: _checked(name, FAULTS[name], value) for name, value in data.items()}
            for name, value in values.items():
                setattr(self.state.faults, name, value)
        return web.json_response(dataclasses.asdict(self.state.faults))

    async def push(self, request: web.Request) -> web.Response:
        """POST push {"body"}: push this body, exactly as given, behind those queued."""
        data = await self._body(request)
        if "body" not in data:
            raise web.HTTPBadRequest(text="body: missing")
        self.state.push_raw(data["body"])
        return web.json_response({"queued": True})

    async def config(self, request: web.Request) -> web.Response:
        """POST config {"push_url", "send_delay", "ussd_delay", "register_delay"}."""
        data = await self._body(request)
        delays = ("send_delay", "ussd_delay", "register_delay")
        if unknown := set(data) - {"push_url", *delays}:
            raise web.HTTPBadRequest(text=f"unknown settings {sorted(unknown)}")
        values = {name: _checked(name, _seconds, data[name]) for name in delays if name in data}
        if "push_url" in data:
            url = data["push_url"]
            self.state.push_url = None if url is None else _checked("push_url", _text, url)
        for name, value in values.items():
            setattr(self.state.config, name, value)
        return web.json_response(
            {"push_url": self.state.push_url}
            | {name: getattr(self.state.config, name) for name in delays}
        )

    async def exception(self, request: web.Request) -> web.Response:
        """POST exception {"port", "type", "action"}: push exception_info."""
        data = await self._body(request)
        port = self._port_number(data.get("port", 0))
        kind = _checked("type", _text, data.get("type", "call_fail"))
        action = _checked("action", _text, data.get("action", "reset"))
        self.state.push_exception(port, kind, action)
        return web.json_response({"queued": True})

    async def cdr(self, request: web.Request) -> web.Response:
        """POST cdr {...}: record a call (any call record field; answered ones are pushed)."""
        data = await self._body(request)
        try:
            record = self.state.add_cdr(data)
        except ValueError as err:
            raise web.HTTPBadRequest(text=str(err)) from None
        return web.json_response(record)


def control_routes(
    state: GatewayState,
    snapshot: Callable[[], dict[str, Any]],
    spawn: Callable[[Coroutine[Any, Any, Any], str], None],
    reboot: Callable[[float], Coroutine[Any, Any, None]],
) -> list[web.RouteDef]:
    """The control routes of one simulator: its state, and the server's own calls."""
    return ControlApi(state, snapshot, spawn, reboot).routes()
