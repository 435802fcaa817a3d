"""The Messages panel opening a thread of 5,000 messages, over a real websocket.

One gateway; 5,000 received SMS from one number (and one from each of 200 others) go into the history
through the bus, as the integration fires them. A client signed in over Home Assistant's own
websocket API then opens the panel as the browser does: the thread list, then the newest page
of the thread (50 messages), timed from sending the command to the whole answer, its payload
the answer's bytes on the wire; then it pages back by cursor to the first message.
Run: ``.venv/bin/python -m bench.messages_panel``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant

from bench.common import report
from bench.ha_instance import add_gateway, home_assistant
from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.messages import DATA_MESSAGES
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

THREAD_MESSAGES = 5000
OTHER_MESSAGES = 200
OPENINGS = 20
NUMBER = "+4917612345678"
PASSWORD = "bench-pass"
TEXT = "The parcel is at the neighbour's, flat 3 - pick it up before 8 pm please (#{})"


async def _token(hass: HomeAssistant) -> str:
    user = await hass.auth.async_create_user("bench", group_ids=["system-admin"])
    refresh = await hass.auth.async_create_refresh_token(user, "http://127.0.0.1/")
    return hass.auth.async_create_access_token(refresh)


class Client:
    """Home Assistant's websocket API, as the frontend speaks it."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """A connection that is authenticated already."""
        self._socket = socket
        self._next = 1

    async def call(self, **command: Any) -> tuple[Any, float, int]:
        """The result, the seconds from sending to the whole answer, its bytes."""
        command_id, self._next = self._next, self._next + 1
        started = time.perf_counter()
        await self._socket.send_str(json.dumps({"id": command_id, **command}))
        raw = await self._socket.receive_str()
        elapsed = time.perf_counter() - started
        answer = json.loads(raw)
        assert answer["id"] == command_id, answer
        assert answer["success"], answer
        return answer["result"], elapsed, len(raw.encode())


async def _fill(hass: HomeAssistant, entry_id: str) -> float:
    """The history's messages, fired as the integration fires them; seconds to record them."""
    started = time.perf_counter()
    for n in range(THREAD_MESSAGES + OTHER_MESSAGES):
        sender = NUMBER if n < THREAD_MESSAGES else f"+49151000{n:05d}"
        hass.bus.async_fire(
            EVENT_SMS_RECEIVED,
            {"config_entry_id": entry_id, "port": 1, "sender": sender, "text": TEXT.format(n)},
        )
    await hass.async_block_till_done()
    return time.perf_counter() - started


async def main() -> None:
    """Fill, open the thread repeatedly, page through it; one JSON line."""
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0)) as sim,
        home_assistant(http=True) as (hass, port),
    ):
        entry = await add_gateway(hass, sim, PASSWORD)
        fill_s = await _fill(hass, entry.entry_id)
        history = hass.data[DATA_MESSAGES].history
        in_thread = sum(message.thread == NUMBER for message in history)
        token = await _token(hass)
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"http://127.0.0.1:{port}/api/websocket") as socket,
        ):
            await socket.receive_json()
            await socket.send_json({"type": "auth", "access_token": token})
            assert (await socket.receive_json())["type"] == "auth_ok"
            client = Client(socket)
            lists, pages = [], []
            for _ in range(OPENINGS):
                threads, list_s, list_bytes = await client.call(type="dinstar/messages/threads")
                page, page_s, page_bytes = await client.call(
                    type="dinstar/messages/thread", thread=NUMBER
                )
                lists.append(list_s)
                pages.append(page_s)
            back, back_bytes, seen = [], [], len(page["messages"])
            before = page["before"]
            while before is not None:
                older, older_s, older_bytes = await client.call(
                    type="dinstar/messages/thread", thread=NUMBER, before=before
                )
                back.append(older_s)
                back_bytes.append(older_bytes)
                seen += len(older["messages"])
                before = older["before"]
        assert seen == in_thread
        report(
            "messages_panel",
            {
                "thread_messages": in_thread,
                "threads": len(threads["threads"]),
                "record_ms_per_1000": round(fill_s / len(history) * 1e6, 1),
                "thread_list_ms_median": round(statistics.median(lists) * 1e3, 2),
                "thread_list_bytes": list_bytes,
                "open_thread_ms_median": round(statistics.median(pages) * 1e3, 2),
                "open_thread_ms_max": round(max(pages) * 1e3, 2),
                "page_messages": len(page["messages"]),
                "page_bytes": page_bytes,
                "older_page_ms_median": round(statistics.median(back) * 1e3, 2),
                "older_page_bytes_mean": round(statistics.mean(back_bytes)),
                "pages_to_the_first": len(back) + 1,
            },
        )


if __name__ == "__main__":
    asyncio.run(main())
