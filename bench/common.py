"""What the benchmarks share: a simulator in its own process, and a request counter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
from pathlib import Path
import tempfile
import time
from types import SimpleNamespace
from typing import Any

import aiohttp

from dinstar_dev.hass_runner.process import free_port, start_simulator, wait_until_serving


@contextlib.asynccontextmanager
async def simulator_process(password: str, *args: str) -> AsyncIterator[str]:
    """Run ``python -m dinstar_dev.gateway_simulator`` in its own process; yield its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as logs:
        process = start_simulator(
            port=port, password=password, log=Path(logs) / "simulator.log", extra=args
        )
        try:
            url = f"http://127.0.0.1:{port}"
            await wait_until_serving(process, f"{url}/_sim/state")
            yield url
        finally:
            await asyncio.to_thread(process.stop)


def request_counter() -> tuple[aiohttp.TraceConfig, list[float]]:
    """A trace config that records each request's round trip, in seconds."""
    durations: list[float] = []
    trace = aiohttp.TraceConfig()

    async def on_start(
        _session: aiohttp.ClientSession, context: SimpleNamespace, _params: Any
    ) -> None:
        context.started = time.perf_counter()

    async def on_end(
        _session: aiohttp.ClientSession, context: SimpleNamespace, _params: Any
    ) -> None:
        durations.append(time.perf_counter() - context.started)

    trace.on_request_start.append(on_start)
    trace.on_request_end.append(on_end)
    return trace, durations


def report(title: str, rows: dict[str, Any]) -> None:
    """Print a result as one JSON line that ``bench/run`` can gather."""
    print(json.dumps({"benchmark": title, **rows}))
