"""What the benchmarks share: a simulator in its own process, and a request counter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
import sys
import time
from types import SimpleNamespace
from typing import Any

import aiohttp

from realhass.process import free_port


@contextlib.asynccontextmanager
async def simulator_process(*args: str) -> AsyncIterator[str]:
    """Run ``python -m simulator`` in its own process; yield its base URL."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 20
            while True:
                try:
                    async with session.get(f"{url}/_sim/state") as response:
                        if response.status == 200:  # noqa: PLR2004
                            break
                except aiohttp.ClientError:
                    if time.monotonic() > deadline:
                        raise
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await process.wait()


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
