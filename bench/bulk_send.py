"""One SMS to 1000 numbers through the client to the simulator.

Reports the number of HTTP requests (goal: 8, the limit that 128 recipients per request sets)
and the time per request on the client's side. Run: ``.venv/bin/python -m bench.bulk_send``.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import aiohttp

from bench.common import report, request_counter, simulator_process
from custom_components.dinstar.aiodinstar import DinstarClient, auth_middlewares

RECIPIENTS = 1000
USER = "admin"
PASSWORD = "bench-pass"


async def main() -> None:
    """Send once, count, time."""
    async with simulator_process(
        PASSWORD, "--ports", "32", "--username", USER, "--send-delay", "0"
    ) as url:
        trace, durations = request_counter()
        async with aiohttp.ClientSession(
            middlewares=auth_middlewares(USER, PASSWORD), trace_configs=[trace]
        ) as session:
            port = int(url.rsplit(":", 1)[1])
            client = DinstarClient(
                session, "127.0.0.1", port=port, username=USER, password=PASSWORD
            )
            numbers = [f"+4915{index:08d}" for index in range(RECIPIENTS)]
            started = time.perf_counter()
            result = await client.send_sms("Bench: one text to many", numbers)
            elapsed = time.perf_counter() - started
            async with session.get(f"{url}/_sim/state") as response:
                served = await response.json()
    # What the gateway saw: authenticated requests, plus the one 401 that starts the digest.
    report(
        "bulk_send_1000",
        {
            "recipients": RECIPIENTS,
            "send_sms_requests": len(result.task_ids),
            "gateway_send_sms_requests": served["requests"].get("/api/send_sms", 0),
            "gateway_auth_challenges": served["challenges"],
            "total_ms": round(elapsed * 1000, 1),
            "ms_per_request_mean": round(statistics.mean(durations) * 1000, 2),
            "ms_per_request_max": round(max(durations) * 1000, 2),
        },
    )


if __name__ == "__main__":
    asyncio.run(main())
