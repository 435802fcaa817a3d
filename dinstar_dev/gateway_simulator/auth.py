"""HTTP authentication as the gateway does it: digest (MD5, qop=auth), Basic, or both offered.

The digest response is checked over the ``uri`` the client sent, which must be the exact request
target on the wire (``request.raw_path``, query included, encoded as sent). A good response for a
nonce this gateway no longer knows (it handed out too many since) earns a ``stale=true``
challenge, not a failed login. A reboot forgets the nonces and the opaque: a digest built from
the old challenge cannot be checked, and is answered like a wrong password (a plain challenge),
as real servers do.
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
import enum
import hashlib
import re
import secrets
import time

from aiohttp import web

REALM = "Web Server Authentication"
MAX_NONCES = 1024  # oldest forgotten first
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')
MODES = ("digest", "basic", "any")


class AuthResult(enum.Enum):
    """What a request's credentials amount to."""

    OK = enum.auto()
    MISSING = enum.auto()  # none, or of a scheme this mode does not offer
    STALE = enum.auto()  # a correct digest over a nonce the gateway forgot
    WRONG = enum.auto()  # a failed login


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII text."""
    return secrets.compare_digest(given.encode(), expected.encode())


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the protocol's hash


class Authenticator:
    """Checks credentials; ``mode`` ("digest", "basic" or "any") may change at run time.

    It also counts failed logins (``failed_logins``, all time) and, when asked, blocks an address
    after a run of them (:meth:`record`).
    """

    def __init__(self, username: str, password: str) -> None:
        """Keep the credentials the gateway accepts."""
        self.username = username
        self.password = password
        self.mode = "digest"
        self.failed_logins = 0
        self._nonces: OrderedDict[str, None] = OrderedDict()
        self._opaque = secrets.token_hex(16)
        self._streaks: dict[str, int] = {}
        self._blocked_until: dict[str, float] = {}

    def check(self, request: web.Request) -> AuthResult:
        """What the request's ``Authorization`` header is worth in the current mode."""
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "digest" and self.mode in ("digest", "any"):
            return self._check_digest(request, value)
        if scheme.lower() == "basic" and self.mode in ("basic", "any"):
            return AuthResult.OK if self._check_basic(value) else AuthResult.WRONG
        return AuthResult.MISSING

    def challenge(self, text: str = "Unauthorized", *, stale: bool = False) -> web.Response:
        """A 401 with the challenges of the current mode (digest first)."""
        response = web.Response(status=401, text=text)
        if self.mode in ("digest", "any"):
            nonce = secrets.token_hex(16)
            self._nonces[nonce] = None
            while len(self._nonces) > MAX_NONCES:
                self._nonces.popitem(last=False)
            response.headers.add(
                "WWW-Authenticate",
                f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", '
                f'opaque="{self._opaque}", algorithm=MD5' + (", stale=true" if stale else ""),
            )
        if self.mode in ("basic", "any"):
            response.headers.add("WWW-Authenticate", f'Basic realm="{REALM}"')
        return response

    def forget_nonces(self) -> None:
        """Restart: every nonce, the opaque and the failed-login counts are gone."""
        self._nonces.clear()
        self._opaque = secrets.token_hex(16)
        self._streaks.clear()
        self._blocked_until.clear()

    def blocked(self, address: str) -> bool:
        """Whether ``address`` is blocked after too many failed logins."""
        until = self._blocked_until.get(address)
        if until is None:
            return False
        if time.monotonic() < until:
            return True
        del self._blocked_until[address]
        return False

    def record(
        self, address: str, result: AuthResult, lockout_after: int | None, seconds: float
    ) -> None:
        """Count a login attempt; a run of ``lockout_after`` failures blocks the address."""
        if result is AuthResult.OK:
            self._streaks.pop(address, None)
        elif result is AuthResult.WRONG:
            self.failed_logins += 1
            streak = self._streaks.get(address, 0) + 1
            self._streaks[address] = streak
            if lockout_after and streak >= lockout_after:
                self._blocked_until[address] = time.monotonic() + seconds
                del self._streaks[address]

    def _check_digest(self, request: web.Request, value: str) -> AuthResult:
        params = {
            match.group(1).lower(): (
                match.group(2).replace('\\"', '"') if match.group(2) is not None else match.group(3)
            )
            for match in _PARAM.finditer(value)
        }
        nonce, uri = params.get("nonce", ""), params.get("uri")
        if (
            params.get("username") != self.username
            or params.get("realm") != REALM
            or params.get("algorithm", "MD5").upper() != "MD5"
            or params.get("qop") != "auth"
            or not params.get("nc")
            or not params.get("cnonce")
            or params.get("opaque") != self._opaque
            # The digest covers the exact target on the wire, encoded query included.
            or uri != request.raw_path
        ):
            return AuthResult.WRONG
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{request.method}:{uri}")
        expected = _md5(f"{ha1}:{nonce}:{params['nc']}:{params['cnonce']}:auth:{ha2}")
        if not _same(expected, params.get("response", "")):
            return AuthResult.WRONG
        return AuthResult.OK if nonce in self._nonces else AuthResult.STALE

    def _check_basic(self, value: str) -> bool:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except binascii.Error, UnicodeDecodeError:
            return False
        return _same(user, self.username) and _same(password, self.password)
