"""HTTP authentication as the gateway does it: digest (MD5, qop=auth), Basic, or both."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets

from aiohttp import web

REALM = "Web Server Authentication"
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the protocol's hash


class Authenticator:
    """Checks credentials; ``mode`` is "digest", "basic" or "any" and may change at run time."""

    def __init__(self, username: str, password: str) -> None:
        """Keep the credentials the gateway accepts."""
        self.username = username
        self.password = password
        self.mode = "digest"
        self.failed_logins = 0
        self._nonces: set[str] = set()
        self._opaque = secrets.token_hex(16)

    def check(self, request: web.Request) -> bool:
        """Whether the request carries valid credentials for the current mode."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "digest" and self.mode in ("digest", "any"):
            ok = self._check_digest(request, value)
        elif scheme.lower() == "basic" and self.mode in ("basic", "any"):
            ok = self._check_basic(value)
        else:
            return False
        if not ok:
            self.failed_logins += 1
        return ok

    def challenge(self, text: str = "Unauthorized") -> web.Response:
        """A 401 with the challenges of the current mode (digest first)."""
        response = web.Response(status=401, text=text)
        if self.mode in ("digest", "any"):
            nonce = secrets.token_hex(16)
            self._nonces.add(nonce)
            response.headers.add(
                "WWW-Authenticate",
                f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", '
                f'opaque="{self._opaque}", algorithm=MD5',
            )
        if self.mode in ("basic", "any"):
            response.headers.add("WWW-Authenticate", f'Basic realm="{REALM}"')
        return response

    def _check_digest(self, request: web.Request, value: str) -> bool:
        params = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _PARAM.finditer(value)
        }
        if params.get("nonce") not in self._nonces or params.get("username") != self.username:
            return False
        # The digest covers the exact target on the wire, encoded query included.
        if params.get("uri") != request.raw_path:
            return False
        ha1 = _md5(f"{self.username}:{params.get('realm', REALM)}:{self.password}")
        ha2 = _md5(f"{request.method}:{params['uri']}")
        if params.get("qop") == "auth":
            expected = _md5(
                f"{ha1}:{params['nonce']}:{params.get('nc')}:{params.get('cnonce')}:auth:{ha2}"
            )
        else:
            expected = _md5(f"{ha1}:{params['nonce']}:{ha2}")
        return secrets.compare_digest(expected, params.get("response", ""))

    def _check_basic(self, value: str) -> bool:
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except binascii.Error, UnicodeDecodeError:
            return False
        return user == self.username and secrets.compare_digest(password, self.password)
