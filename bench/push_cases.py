"""The measurements of ``bench.push_reads``, each run in a process of its own on one tree.

Each function sets up one simulated gateway in a Home Assistant with its HTTP server on, as
``bench.messaging`` does, and returns raw figures (samples, counts) for the parent to pool.
Nothing here may depend on how a tree handles pushes: the same code measures the old push
path (events fired inside the webhook) and the new one (doorbells read back).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
import importlib
import time
import types
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from bench.ha_instance import WEBHOOK_ID, FiredSms, add_gateway, home_assistant, push_body
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

PASSWORD = "bench-pass"
PORTS = 8
SENDER = "+4917600000001"
INBOX_PATH = "/api/query_incoming_sms"
# Paths only a coordinator refresh asks: a refresh during a counted burst spoils its count.
REFRESH_PATH = "/api/get_status"
WARM_UP = 5
HISTORY = 3
# The polling interval's default: refreshes an hour (README, "Options").
REFRESH_EVERY = 30.0
REFRESHES_PER_HOUR = round(3600 / REFRESH_EVERY)


@dataclass
class Gateway:
    """One simulator, its entry, and the Home Assistant they are in."""

    hass: HomeAssistant
    sim: Simulator
    entry: ConfigEntry
    url: str
    fired: FiredSms

    def requests(self) -> Counter[str]:
        """The gateway's requests by path so far, its 401 challenges under ``"401"``."""
        counts = Counter(self.sim.state.requests)
        counts["401"] = self.sim.state.challenges
        return counts

    def receive(self, count: int, text: str) -> list[int]:
        """Messages arrive on the gateway (into its inbox; no push unless its URL is set)."""
        first = self.sim.state.next_incoming_id
        return [
            self.sim.receive_sms((first + n) % PORTS, SENDER, f"{text} {first + n}")
            for n in range(count)
        ]

    def keys(self, sms_ids: list[int]) -> list[tuple[str, int]]:
        """The keys :class:`FiredSms` files these messages' events under."""
        return [(self.entry.entry_id, sms_id) for sms_id in sms_ids]

    async def settle(self) -> None:
        """Until nothing the integration started is left running (reads after a push)."""
        await self.hass.async_block_till_done(wait_background_tasks=True)


@contextlib.asynccontextmanager
async def gateway() -> AsyncIterator[Gateway]:
    """A gateway whose pushes the benchmark posts itself (the simulator's push URL is unset).

    It holds a few messages when it is added, as a gateway in use does (its history, not
    fired): reads start above them, as they do in real use.
    """
    config = SimulatorConfig(ports=PORTS, password=PASSWORD, send_delay=0)
    async with Simulator(config) as sim, home_assistant(http=True) as (hass, port):
        for n in range(HISTORY):
            sim.receive_sms(n % PORTS, SENDER, f"history {n}")
        entry = await add_gateway(hass, sim, PASSWORD)
        url = f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}"
        found = Gateway(hass, sim, entry, url, FiredSms(hass))
        await found.settle()
        yield found
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop()


async def _post(session: aiohttp.ClientSession, url: str, body: str) -> None:
    async with session.post(url, data=body) as response:
        assert response.status == 200, response.status


async def latency(delays: list[float], pushes: int) -> dict[str, list[float]]:
    """Seconds from posting a message's push until its event, per API answer delay.

    Each message is in the gateway's inbox before its push is posted, one push at a time: the
    next is posted once the event of the last fired (and its push was answered).
    """
    samples: dict[str, list[float]] = {}
    async with gateway() as gw, aiohttp.ClientSession() as session:
        for delay in delays:
            gw.sim.state.faults.delay = delay
            times = samples.setdefault(str(delay), [])
            for n in range(WARM_UP + pushes):
                (sms_id,) = gw.receive(1, "latency")
                body = push_body(gw.sim, sms_id)
                started = time.perf_counter()
                await _post(session, gw.url, body)
                await gw.fired.wait(gw.keys([sms_id]))
                if n >= WARM_UP:
                    times.append(gw.fired.at[gw.entry.entry_id, sms_id] - started)
            gw.sim.state.faults.delay = 0
            await gw.settle()
    return samples


async def bursts(sizes: list[int], repeats: int, delay: float) -> dict[str, Any]:
    """Gateway requests per burst of pushes posted back to back, until all its events fired.

    A gateway posts its pushes one after the other, each answered before the next: so does
    this. Counted: every request the gateway served from the first post until the burst's
    last event fired (``until_events``), and until the reads it started ended (``settled``).
    A burst during which a coordinator refresh ran is measured again.
    """
    out: dict[str, Any] = {"until_events": {}, "settled": {}, "by_path": {}, "redone": 0}
    async with gateway() as gw, aiohttp.ClientSession() as session:
        gw.sim.state.faults.delay = delay
        for _ in range(repeats):
            for size in sizes:
                while True:
                    sms_ids = gw.receive(size, "burst")
                    bodies = [push_body(gw.sim, sms_id) for sms_id in sms_ids]
                    before = gw.requests()
                    for body in bodies:
                        await _post(session, gw.url, body)
                    await gw.fired.wait(gw.keys(sms_ids))
                    at_events = gw.requests()
                    await gw.settle()
                    settled = gw.requests()
                    if settled[REFRESH_PATH] == before[REFRESH_PATH]:
                        break
                    out["redone"] += 1
                out["until_events"].setdefault(str(size), []).append((at_events - before).total())
                out["settled"].setdefault(str(size), []).append((settled - before).total())
                out["by_path"].setdefault(str(size), Counter()).update(settled - before)
    return out


class _Clock:
    """The ``time`` module as the integration's modules see it, its monotonic clock moved on."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _move_monotonic_clock(clock: _Clock) -> list[str]:
    """Make the messaging modules read ``clock`` for ``time``; the names of those patched.

    Only these modules' module-level ``time`` is replaced (never ``time.monotonic`` itself,
    which Home Assistant's event loop reads): the inbox's last read and the decision that the
    safety read is due both read it there.
    """
    patched = []
    # Where they are now (the messaging package), and where trees before it had them.
    names = (
        "messaging.readback",
        "messaging.inbox_sync",
        "messaging.outbox_sync",
        "messaging",
        "inbox_sync",
        "outbox_sync",
    )
    for name in names:
        try:
            module = importlib.import_module(f"custom_components.dinstar.{name}")
        except ImportError:
            continue  # not in this tree
        if isinstance(getattr(module, "time", None), types.ModuleType):
            module.time = clock  # type: ignore[attr-defined]
            patched.append(name)
    return patched


async def _refreshes(gw: Gateway, count: int, clock: _Clock | None = None) -> Counter[str]:
    """``count`` coordinator refreshes (with their listeners), each let finish what it starts.

    With a ``clock``, it moves one polling interval before each: an hour of refreshes takes
    a second, and the integration's monotonic clock says an hour went by.
    """
    coordinator = gw.entry.runtime_data.coordinator
    before = gw.requests()
    for _ in range(count):
        if clock is not None:
            clock.offset += REFRESH_EVERY
        await coordinator.async_refresh()
        await gw.settle()
    return gw.requests() - before


async def fallback(refreshes: int) -> dict[str, Any]:
    """Inbox requests refreshes make in push mode, in three states of the pushes.

    ``unconfirmed``: a new entry, no push seen yet: ``refreshes`` refreshes, counted per
    refresh (a refresh is a ``get_status``: one the coordinator's own timer started counts).
    ``flowing``: after a pushed SMS was confirmed, an hour of refreshes at the default 30 s
    with the messaging modules' monotonic clock moved 30 s before each (the real refresh and
    its listener, only the clock is simulated). ``missing``: then an SMS arrives whose push is
    lost, and another simulated hour of refreshes: when it fired (simulated seconds), and the
    inbox requests of that hour (the safety read finds it, then every refresh reads).
    """
    clock = _Clock()
    out: dict[str, Any] = {"patched": _move_monotonic_clock(clock)}
    async with gateway() as gw, aiohttp.ClientSession() as session:
        counts = await _refreshes(gw, refreshes)
        out["unconfirmed"] = {
            "refreshes": counts[REFRESH_PATH],
            "inbox_requests": counts[INBOX_PATH],
            "requests": counts.total(),
        }
        (sms_id,) = gw.receive(1, "confirmed")
        await _post(session, gw.url, push_body(gw.sim, sms_id))
        await gw.fired.wait(gw.keys([sms_id]))
        await gw.settle()
        counts = await _refreshes(gw, REFRESHES_PER_HOUR, clock)
        out["flowing"] = {
            "refreshes": counts[REFRESH_PATH],
            "simulated_s": REFRESHES_PER_HOUR * REFRESH_EVERY,
            "inbox_requests": counts[INBOX_PATH],
            "requests": counts.total(),
        }
        (lost,) = gw.receive(1, "push lost")
        key = (gw.entry.entry_id, lost)
        fired_after = None
        before = gw.requests()
        for n in range(1, REFRESHES_PER_HOUR + 1):
            await _refreshes(gw, 1, clock)
            if fired_after is None and key in gw.fired.at:
                fired_after = n * REFRESH_EVERY
        counts = gw.requests() - before
        out["missing"] = {
            "refreshes": counts[REFRESH_PATH],
            "simulated_s": REFRESHES_PER_HOUR * REFRESH_EVERY,
            "inbox_requests": counts[INBOX_PATH],
            "requests": counts.total(),
            "lost_push_sms_fired_after_s": fired_after,
            "lost_push_sms_events": gw.fired.count[key],
        }
    return out
