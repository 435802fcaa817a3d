"""Home Assistant's own HTTP and WebSocket APIs, as the frontend and other clients use them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

# What onboarding's core_config step adds; met and radio_browser fail without their packages
# (not installed here), the other two create entries.
ONBOARDING_INTEGRATIONS = {"google_translate", "met", "radio_browser", "shopping_list"}
ONBOARDING_INTEGRATIONS_WITH_ENTRIES = {"google_translate", "shopping_list"}


@dataclass(frozen=True)
class User:
    """The owner created at onboarding."""

    name: str
    username: str
    password: str


@dataclass(frozen=True)
class Gateway:
    """How Home Assistant reaches the gateway (what the config flow asks)."""

    host: str
    port: int
    username: str
    password: str


class ApiError(Exception):
    """Home Assistant answered something unexpected."""


class HomeAssistantApi:
    """One Home Assistant at ``base_url``, signed in once onboarded or logged in."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to ``base_url`` (``http://host:port``) through ``session``."""
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.client_id = f"{self.base_url}/"
        self.access_token: str | None = None

    async def request(
        self, method: str, path: str, *, json: Any = None, form: dict[str, str] | None = None
    ) -> Any:
        """One call; its JSON answer, or ApiError with what came back."""
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        async with self.session.request(
            method, self.base_url + path, json=json, data=form, headers=headers
        ) as response:
            text = await response.text()
            if response.status >= 300:
                msg = f"{method} {path}: HTTP {response.status}: {text[:500]}"
                raise ApiError(msg)
            return await response.json() if text else None

    async def _token(self, code: str) -> None:
        tokens = await self.request(
            "POST",
            "/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        self.access_token = tokens["access_token"]

    async def is_onboarded(self) -> bool:
        """Whether the owner exists already (then log in instead)."""
        async with self.session.get(f"{self.base_url}/api/onboarding") as response:
            # Once onboarding is complete its views are gone.
            if response.status == 404:
                return True
            steps = await response.json()
        return not any(step["step"] == "user" and not step["done"] for step in steps)

    async def onboard(self, user: User) -> None:
        """Every onboarding step, as the first visitor of the frontend does them."""
        created = await self.request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": user.name,
                "username": user.username,
                "password": user.password,
                "language": "en",
            },
        )
        await self._token(created["auth_code"])
        await self.request("POST", "/api/onboarding/core_config")
        await self._remove_onboarding_integrations()
        await self.request("POST", "/api/onboarding/analytics")
        await self.request(
            "POST",
            "/api/onboarding/integration",
            json={"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
        )

    async def _remove_onboarding_integrations(self) -> None:
        """Onboarding adds weather, radio and TTS entries that need the internet: remove them.

        Their flows run in the background, so wait until both that can finish have.
        """
        deadline = asyncio.get_running_loop().time() + 10
        removed: set[str] = set()
        while removed != ONBOARDING_INTEGRATIONS_WITH_ENTRIES:
            for entry in await self.request("GET", "/api/config/config_entries/entry"):
                if entry["domain"] in ONBOARDING_INTEGRATIONS:
                    await self.request(
                        "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                    )
                    removed.add(entry["domain"])
            if asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.2)

    async def login(self, user: User) -> None:
        """The login flow of the frontend's sign-in page."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/?auth_callback=1",
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={
                "client_id": self.client_id,
                "username": user.username,
                "password": user.password,
            },
        )
        if result.get("type") != "create_entry":
            msg = f"login refused: {result}"
            raise ApiError(msg)
        await self._token(result["result"])

    async def flow_step(self, flow_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Answer one step of a config flow."""
        result: dict[str, Any] = await self.request(
            "POST", f"/api/config/config_entries/flow/{flow_id}", json=data
        )
        return result

    async def add_gateway(self, gateway: Gateway, name: str | None = None) -> dict[str, Any]:
        """The config flow the UI runs: menu, connection form, webhook step; the created entry.

        ``name`` is typed into the webhook step (else its suggestion stays). The answer carries
        ``webhook_url``: what the webhook step tells the user to enter in the gateway's push
        settings.
        """
        flow = await self.request(
            "POST", "/api/config/config_entries/flow", json={"handler": "dinstar"}
        )
        flow = await self.flow_step(flow["flow_id"], {"next_step_id": "direct"})
        flow = await self.flow_step(
            flow["flow_id"],
            {
                "host": gateway.host,
                "port": gateway.port,
                # Plain HTTP: the certificate step, HTTPS only, does not come.
                "use_https": False,
                "username": gateway.username,
                "password": gateway.password,
            },
        )
        # Its twin with a note comes for a URL on Home Assistant's own machine (the demo's).
        if flow.get("step_id") not in ("webhook", "webhook_unreachable"):
            msg = f"the connection step did not pass: {flow}"
            raise ApiError(msg)
        webhook_url: str = flow["description_placeholders"]["url"]
        created = await self.flow_step(flow["flow_id"], {"name": name} if name else {})
        if created.get("type") != "create_entry":
            msg = f"no entry created: {created}"
            raise ApiError(msg)
        return {**created["result"], "webhook_url": webhook_url}

    async def add_subentry(
        self, entry_id: str, subentry_type: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """The subentry flow the UI runs ("Add contact", ...): one form, answered with ``data``."""
        flow = await self.request(
            "POST",
            "/api/config/config_entries/subentries/flow",
            json={"handler": [entry_id, subentry_type]},
        )
        result: dict[str, Any] = await self.request(
            "POST", f"/api/config/config_entries/subentries/flow/{flow['flow_id']}", json=data
        )
        if result.get("type") != "create_entry":
            msg = f"no {subentry_type} subentry created: {result}"
            raise ApiError(msg)
        return result

    async def save_options(self, entry_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """The options form the UI opens ("Configure"), saved with ``changes`` to its defaults.

        Returns the form as it was shown (its fields with their selectors).
        """
        form: dict[str, Any] = await self.request(
            "POST", "/api/config/config_entries/options/flow", json={"handler": entry_id}
        )
        if form.get("type") != "form":
            msg = f"no options form: {form}"
            raise ApiError(msg)
        defaults = {
            field["name"]: field["default"] for field in form["data_schema"] if "default" in field
        }
        result = await self.request(
            "POST",
            f"/api/config/config_entries/options/flow/{form['flow_id']}",
            json={**defaults, **changes},
        )
        if result.get("type") != "create_entry":
            msg = f"options not saved: {result}"
            raise ApiError(msg)
        return form

    async def logbook(self, start: str, end: str) -> list[dict[str, Any]]:
        """The logbook's lines between two ISO times, as its REST API gives them."""
        lines: list[dict[str, Any]] = await self.request(
            "GET", f"/api/logbook/{quote(start)}?end_time={quote(end)}"
        )
        return lines

    async def confirm_http_config(self) -> None:
        """What "Confirm" in the new-HTTP-settings dialog does: keep the trial settings."""
        async with self.websocket() as socket:
            await socket.command("http/config/promote")

    async def config_entries(self, domain: str) -> list[dict[str, Any]]:
        """The entries of ``domain``."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def call_service(
        self, domain: str, service: str, data: dict[str, Any], *, response: bool = False
    ) -> Any:
        """An action through the REST API (with its response when asked)."""
        query = "?return_response" if response else ""
        return await self.request("POST", f"/api/services/{domain}/{service}{query}", json=data)

    async def states(self) -> list[dict[str, Any]]:
        """Every entity's state."""
        states: list[dict[str, Any]] = await self.request("GET", "/api/states")
        return states

    @contextlib.asynccontextmanager
    async def websocket(self) -> AsyncIterator[WebSocket]:
        """An authenticated WebSocket connection."""
        parts = urlsplit(self.base_url)
        url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}/api/websocket"
        async with self.session.ws_connect(url) as connection:
            socket = WebSocket(connection)
            await socket.authenticate(self.access_token or "")
            yield socket


class WebSocket:
    """Commands and event subscriptions on one connection."""

    def __init__(self, connection: aiohttp.ClientWebSocketResponse) -> None:
        """Use ``connection`` (not yet authenticated)."""
        self.connection = connection
        self.next_id = 1

    async def authenticate(self, token: str) -> None:
        """The auth handshake."""
        await self.connection.receive_json()
        await self.connection.send_json({"type": "auth", "access_token": token})
        answer = await self.connection.receive_json()
        if answer.get("type") != "auth_ok":
            msg = f"WebSocket authentication refused: {answer}"
            raise ApiError(msg)

    async def command(self, kind: str, **fields: Any) -> Any:
        """Send one command; its result (events of earlier subscriptions are skipped)."""
        command_id = self.next_id
        self.next_id += 1
        await self.connection.send_json({"id": command_id, "type": kind, **fields})
        while True:
            message = await self.connection.receive_json()
            if message.get("id") == command_id and message.get("type") == "result":
                if not message["success"]:
                    msg = f"{kind}: {message['error']}"
                    raise ApiError(msg)
                return message["result"]

    async def subscribe_events(self, event_type: str) -> int:
        """Subscribe; the events then arrive through ``next_event``."""
        subscription = self.next_id
        await self.command("subscribe_events", event_type=event_type)
        return subscription

    async def next_event(self, subscription: int) -> dict[str, Any]:
        """The next event of ``subscription``."""
        while True:
            message = await self.connection.receive_json()
            if message.get("id") == subscription and message.get("type") == "event":
                event: dict[str, Any] = message["event"]
                return event
