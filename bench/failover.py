"""Failover: from a failed outcome to the retry's request leaving, and the requests it costs.

One gateway (the simulator, pushing to the entry's webhook, answering at once) in a real Home
Assistant. Each round sends one SMS through the pool and waits for it to be sent: once with
every SIM working (the baseline), once with the best port's SIM out of credit (one failover).
The latency is from the failed ``dinstar_sms_sent`` event to the second attempt being stored,
just before its request leaves; the requests are the gateway's, counted by the simulator,
for the whole message (send, read-backs of pushed results and reports), failover minus baseline.
Run: ``.venv/bin/python -m bench.failover``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback

from bench.common import report
from bench.ha_instance import WEBHOOK_ID, add_gateway, home_assistant
from custom_components.dinstar.bus_events import EVENT_SMS_SENT
from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

ROUNDS = 30
PASSWORD = "bench-pass"
BEST = 6  # the seeded gateway's strongest registered port


async def _send(hass: HomeAssistant, entry_id: str, number: str) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry_id,
            "number": number,
            "message": "Bench",
            "pool": "all",
            "wait": "delivered",
            "timeout": 10,
        },
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    messages = response["messages"]
    assert isinstance(messages, list)
    (message,) = messages
    assert isinstance(message, dict)
    assert message["outcome"] == "sent", message
    return message


async def _settled(sim: Simulator, hass: HomeAssistant) -> None:
    """Until the gateway's pushes were read back: the round's requests are all counted."""
    await sim.drain_pushes()
    await hass.async_block_till_done()
    await asyncio.sleep(0.1)
    await hass.async_block_till_done()


async def main() -> None:
    """Alternate baseline and failover rounds; report medians."""
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0, seed=1)) as sim,
        home_assistant(http=True) as (hass, port),
    ):
        entry = await add_gateway(hass, sim, PASSWORD)
        sim.push_url = f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}"
        failed_at: dict[int, float] = {}

        @callback
        def on_sent(event: Event) -> None:
            if event.data["outcome"] == "failed":
                failed_at[event.data["user_id"]] = time.time()

        hass.bus.async_listen(EVENT_SMS_SENT, on_sent)
        latencies: list[float] = []
        requests: dict[bool, list[int]] = {False: [], True: []}
        for index in range(ROUNDS * 2):
            failover = index % 2 == 1
            sim.state.faults.no_credit_ports = [BEST] if failover else []
            before = sum(sim.state.requests.values())
            message = await _send(hass, entry.entry_id, f"+4915{index:08d}")
            await _settled(sim, hass)
            requests[failover].append(sum(sim.state.requests.values()) - before)
            attempts = message["attempts"]
            assert len(attempts) == (2 if failover else 1)
            if failover:
                first, retry = attempts
                latencies.append((retry["at"] - failed_at[first["user_id"]]) * 1000)
        report(
            "failover",
            {
                "rounds": ROUNDS,
                "failed_to_retry_ms_p50": round(statistics.median(latencies), 2),
                "failed_to_retry_ms_max": round(max(latencies), 2),
                "requests_per_message_no_failover": statistics.median(requests[False]),
                "requests_per_message_one_failover": statistics.median(requests[True]),
                "requests_per_failover": statistics.median(requests[True])
                - statistics.median(requests[False]),
            },
        )


if __name__ == "__main__":
    asyncio.run(main())
