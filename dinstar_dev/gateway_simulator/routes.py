"""What the gateway's HTTP API handlers share: the envelope, input checks, the route table."""

from __future__ import annotations

from datetime import datetime
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import TIME_FORMAT, Port
from .quirks import render

if TYPE_CHECKING:
    from .state import GatewayState

MAX_NUMBER_BYTES = 24


class BadRequest(Exception):  # noqa: N818 - named after the answer it becomes
    """Answered with the envelope's ``error_code`` (400 unless told otherwise)."""

    def __init__(self, code: int = 400) -> None:
        """Keep the code to answer."""
        super().__init__(code)
        self.code = code


def query_list(value: str | None) -> list[str]:
    """A comma-separated GET list (aiohttp has already decoded ``%2C`` to a comma)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def ascii_digits(value: str) -> bool:
    """Only 0-9: ``str.isdigit()`` alone takes "²" or "٣", which ``int()`` then refuses."""
    return value.isascii() and value.isdigit()


def query_int(value: str | None, *, required: bool = True) -> int | None:
    """A non-negative integer from a GET parameter; 400 when it is not one."""
    if value is None or value == "":
        if required:
            raise BadRequest
        return None
    if not ascii_digits(value):
        raise BadRequest
    return int(value)


def json_int(value: Any) -> int:
    """A non-negative JSON integer (not a bool, not a string); 400 otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequest
    return value


def json_list(value: Any) -> list[Any]:
    """A JSON array, where an absent value is an empty one; 400 for anything else."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest
    return value


def number_ok(number: Any) -> bool:
    """A phone number: a digit string of at most 24 bytes, ``+`` allowed first."""
    if not isinstance(number, str) or len(number.encode()) > MAX_NUMBER_BYTES:
        return False
    return ascii_digits(number.removeprefix("+"))


def time_filter(value: Any) -> str | None:
    """A "YYYY-MM-DD HH:MM:SS" bound (it sorts as text); 400 when it is not one."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRequest
    try:
        datetime.strptime(value, TIME_FORMAT)  # noqa: DTZ007 - the gateway's local time
    except ValueError as err:
        raise BadRequest from err
    return value


class ApiBase:
    """Answers in the gateway's way; the server's middleware did auth, faults and counting."""

    def __init__(self, state: GatewayState) -> None:
        """Serve ``state``."""
        self.state = state

    def envelope(self, endpoint: str, code: int = 200, **fields: Any) -> web.Response:
        """The usual ``error_code``/``sn`` answer, malformed the spec's way when asked."""
        return self.answer(endpoint, {"error_code": code, "sn": self.state.serial, **fields})

    def answer(self, endpoint: str, value: Any, status: int = 200) -> web.Response:
        """Any JSON answer, through the quirk renderer."""
        text = render(endpoint, value, malformed=self.state.faults.malformed)
        return web.Response(text=text, status=status, content_type="application/json")

    async def body(self, request: web.Request, *, empty: Any = None) -> Any:
        """The JSON body (``empty`` when there is none); 400 when it is not JSON."""
        raw = await request.read()
        if not raw.strip():
            return empty
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as err:
            raise BadRequest from err

    async def object_body(self, request: web.Request, *, optional: bool = False) -> dict[str, Any]:
        """A JSON object body; 400 for anything else (an absent body is ``{}`` if optional)."""
        body = await self.body(request, empty={} if optional else None)
        if not isinstance(body, dict):
            raise BadRequest
        return body

    def port(self, value: int | None) -> Port:
        """The port numbered ``value``; 400 when this gateway has none such."""
        port = None if value is None else self.state.port(value)
        if port is None:
            raise BadRequest
        return port

    def ports(self, values: list[int], *, required: bool = False) -> list[int]:
        """Port numbers that all exist on this gateway (0-31 and below the port count)."""
        if (not values and required) or any(self.state.port(port) is None for port in values):
            raise BadRequest
        return values

    def json_ports(self, value: Any, *, required: bool = False) -> list[int]:
        """A JSON ``port`` array; a bare number is a 400 (docs/protocol.md, "Limits").

        The calls whose ``port`` is one Integer (STK, MMS, SOCKS5) read it with ``json_int``.
        """
        return self.ports([json_int(item) for item in json_list(value)], required=required)

    def query_ports(self, request: web.Request, *, required: bool = False) -> list[int]:
        """A GET ``port`` list (``port=1,2`` or ``port=1%2C2``)."""
        values = query_list(request.query.get("port"))
        if not all(ascii_digits(value) for value in values):
            raise BadRequest
        return self.ports([int(value) for value in values], required=required)


# The calls that answer without error_code/sn (docs/protocol.md, "Envelope and status codes").
ENVELOPE_FREE = frozenset({"/GetSTKView", "/STKGo", "/GetSTKCurrFrameIndex", "/api/get_status"})


def error_answer(state: GatewayState, path: str, code: int) -> web.Response:
    """A refused request: the envelope; HTTP 400 too for the calls that have no envelope."""
    status = 400 if path in ENVELOPE_FREE else 200
    text = json.dumps({"error_code": code, "sn": state.serial}, separators=(",", ":"))
    return web.Response(text=text, status=status, content_type="application/json")
