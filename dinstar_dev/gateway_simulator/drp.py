"""The DRP server in front of the gateway (NAT), played by the same HTTP server.

A client logs in with ``GET /doLogin?Username=..&password=..`` and then picks the gateway with
``GET /remoteWeb?Product_sns=SERIAL``; only then are its API calls forwarded (until then: 403).

How a client is recognised: ``doLogin`` sets a session cookie (``DRPSESSION``), and a request
that carries a known one is that session's. A request without the cookie is recognised by its
address, because aiohttp's default cookie jar (and so Home Assistant's) drops cookies from hosts
given as IP addresses, which is how DRP servers are usually configured. The fault switch
``drp_cookie_required`` turns the address fallback off.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .config import SimulatorConfig
    from .models import Faults

COOKIE = "DRPSESSION"
LOGIN_PATH = "/doLogin"
SELECT_PATH = "/remoteWeb"
PATHS = (LOGIN_PATH, SELECT_PATH)
_LOGGED_IN, _FORWARDING = "logged_in", "forwarding"


class DrpServer:
    """Who logged in, and who picked this gateway."""

    def __init__(self, config: SimulatorConfig, faults: Faults) -> None:
        """Accept the gateway's configured credentials and serial."""
        self._config = config
        self._faults = faults
        self._sessions: dict[str, str] = {}  # cookie value -> stage
        self._addresses: dict[str, str] = {}  # client address -> stage

    def routes(self) -> list[web.RouteDef]:
        """The two DRP calls."""
        return [web.get(LOGIN_PATH, self.do_login), web.get(SELECT_PATH, self.remote_web)]

    def forwards(self, request: web.Request) -> bool:
        """Whether this client's API calls reach the gateway."""
        return self._stage(request) == _FORWARDING

    async def do_login(self, request: web.Request) -> web.Response:
        """Check the account; 200 and a session cookie, else 401 (and the session is gone)."""
        query = request.query
        username = query.get("Username", query.get("username"))
        address = request.remote or ""
        if username != self._config.username or query.get("password") != self._config.password:
            self._forget(request)
            return web.Response(status=401, text="Login failed")
        token = secrets.token_hex(16)
        self._sessions[token] = _LOGGED_IN
        self._addresses[address] = _LOGGED_IN
        response = web.Response(text="OK")
        response.set_cookie(COOKIE, token, path="/", httponly=True)
        return response

    async def remote_web(self, request: web.Request) -> web.Response:
        """200 when a logged-in client names this gateway's serial, else 404."""
        serial = request.query.get("Product_sns", "").strip()
        if self._stage(request) is None or serial.lower() != self._config.serial.lower():
            return web.Response(status=404, text="No such device")
        self._set_stage(request, _FORWARDING)
        return web.Response(text="OK")

    def _stage(self, request: web.Request) -> str | None:
        token = request.cookies.get(COOKIE)
        if token is not None and token in self._sessions:
            return self._sessions[token]
        if token is None and not self._faults.drp_cookie_required:
            return self._addresses.get(request.remote or "")
        return None

    def _set_stage(self, request: web.Request, stage: str) -> None:
        token = request.cookies.get(COOKIE)
        if token is not None:
            self._sessions[token] = stage
        else:
            self._addresses[request.remote or ""] = stage

    def _forget(self, request: web.Request) -> None:
        token = request.cookies.get(COOKIE)
        if token is not None:
            self._sessions.pop(token, None)
        self._addresses.pop(request.remote or "", None)
