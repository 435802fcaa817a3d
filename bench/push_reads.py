"""Pushes as doorbells: what reading back each push costs, before and after the change.

A push announces; the integration reads what it announced from the gateway before any event
fires (``custom_components/dinstar/messaging/readback.py``). Measured, each in a process of its own on
the tree under test (``bench.trees``: this checkout is "after"; ``--before PATH`` adds an old
checkout, run alternately with it):

- ``push_latency``: from posting a message's push (the message already in the gateway's inbox)
  until its ``dinstar_sms_received`` fired, one push at a time, with the simulator answering
  each API request after 5 ms and after 100 ms (its ``delay`` fault); p50, p99, max.
- ``push_burst_requests``: bursts of 1, 5 and 20 pushes posted back to back (each answered
  before the next, as a gateway posts them): the gateway requests until the burst's events all
  fired (``requests``), and until the reads they started ended (``requests_settled``).
- ``push_fallback_reads``: inbox requests (``/api/query_incoming_sms``) refreshes make in push
  mode: before any push was confirmed (N refreshes, per hour at the default 30 s interval), with
  pushes flowing (an hour of refreshes, the messaging modules' monotonic clock moved 30 s before
  each: the real refresh and listener, only the clock simulated), and after a push was lost (the
  next simulated hour: when the message fired, and the reads).
- ``fleet_stream``: ten 32-port gateways in one Home Assistant (``bench.fleet``), each receiving
  one SMS a second for a minute, pushed by the simulator to its entry's webhook: every message
  fired exactly once (asserted), latency from receive to event, gateway requests per SMS.

Run: ``scripts/env .venv/bin/python -m bench.push_reads [--before /tmp/before]``, the old tree a
``git worktree add --detach /tmp/before <commit>`` made with ``scripts/env`` (``bench/run
<commit>`` does it all).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
import statistics
import time
from typing import Any

from bench.common import report
from bench.trees import alternating, measure, trees

ROUNDS = 2  # processes per tree, alternating
LATENCY_DELAYS = [0.005, 0.1]
LATENCY_PUSHES = 120  # per round and delay: 240 a case
BURST_SIZES = [1, 5, 20]
BURST_REPEATS = 5  # per round and size: 10 bursts a case
BURST_DELAY = 0.005
FALLBACK_REFRESHES = 20
STREAM_SECONDS = 60
REFRESHES_PER_HOUR = 120
INBOX = "/api/query_incoming_sms"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def latency(found: dict[str, Path]) -> None:
    """Pooled over the rounds: each tree's samples per API delay."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in found}
    for round_ in range(ROUNDS):
        for name in alternating(list(found), round_):
            result = measure(
                found[name],
                "bench.push_cases:latency",
                delays=LATENCY_DELAYS,
                pushes=LATENCY_PUSHES,
            )
            for delay, times in result.items():
                samples[name].setdefault(delay, []).extend(times)
    for name in found:
        for delay, times in samples[name].items():
            report(
                "push_latency",
                {
                    "tree": name,
                    "api_delay_ms": _ms(float(delay)),
                    "pushes": len(times),
                    "p50_ms": _ms(statistics.median(times)),
                    "p99_ms": _ms(_p99(times)),
                    "max_ms": _ms(max(times)),
                },
            )


def bursts(found: dict[str, Path]) -> None:
    """Pooled over the rounds: requests per burst, by burst size."""
    until: dict[str, dict[str, list[int]]] = {name: {} for name in found}
    settled: dict[str, dict[str, list[int]]] = {name: {} for name in found}
    by_path: dict[str, dict[str, Counter[str]]] = {name: {} for name in found}
    redone = Counter[str]()
    for round_ in range(ROUNDS):
        for name in alternating(list(found), round_):
            result = measure(
                found[name],
                "bench.push_cases:bursts",
                sizes=BURST_SIZES,
                repeats=BURST_REPEATS,
                delay=BURST_DELAY,
            )
            redone[name] += result["redone"]
            for size in result["until_events"]:
                until[name].setdefault(size, []).extend(result["until_events"][size])
                settled[name].setdefault(size, []).extend(result["settled"][size])
                by_path[name].setdefault(size, Counter()).update(result["by_path"][size])
    for name in found:
        for size, counts in until[name].items():
            paths = by_path[name][size]
            report(
                "push_burst_requests",
                {
                    "tree": name,
                    "api_delay_ms": _ms(BURST_DELAY),
                    "burst": int(size),
                    "bursts": len(counts),
                    "requests_mean": round(statistics.mean(counts), 2),
                    "requests_max": max(counts),
                    "requests_settled_mean": round(statistics.mean(settled[name][size]), 2),
                    "inbox_requests_per_burst": round(paths[INBOX] / len(counts), 2),
                    "other_requests_per_burst": round(
                        (paths.total() - paths[INBOX] - paths["401"]) / len(counts), 2
                    ),
                    "challenges_per_burst": round(paths["401"] / len(counts), 2),
                    "bursts_redone_for_a_refresh": redone[name],
                },
            )


def fallback(found: dict[str, Path]) -> None:
    """One process per tree: the counts do not depend on the machine's speed."""
    for name in alternating(list(found), 0):
        result = measure(found[name], "bench.push_cases:fallback", refreshes=FALLBACK_REFRESHES)
        unconfirmed, flowing, missing = (
            result["unconfirmed"],
            result["flowing"],
            result["missing"],
        )
        per_refresh = unconfirmed["inbox_requests"] / unconfirmed["refreshes"]
        rows: list[dict[str, Any]] = [
            {
                "pushes": "none confirmed yet",
                "refreshes": unconfirmed["refreshes"],
                "inbox_requests_per_refresh": round(per_refresh, 2),
                "inbox_requests_per_hour": round(per_refresh * REFRESHES_PER_HOUR),
            },
            {
                "pushes": "flowing",
                "refreshes": flowing["refreshes"],
                "inbox_requests_per_refresh": round(
                    flowing["inbox_requests"] / flowing["refreshes"], 2
                ),
                "inbox_requests_per_hour": flowing["inbox_requests"],
            },
            {
                "pushes": "one lost (the hour after)",
                "refreshes": missing["refreshes"],
                "inbox_requests_per_refresh": round(
                    missing["inbox_requests"] / missing["refreshes"], 2
                ),
                "inbox_requests_per_hour": missing["inbox_requests"],
                "lost_push_sms_fired_after_s": missing["lost_push_sms_fired_after_s"],
            },
        ]
        for row in rows:
            report("push_fallback_reads", {"tree": name, **row})


def stream(found: dict[str, Path]) -> None:
    """One process per tree (a minute each)."""
    for name in alternating(list(found), 0):
        started = time.perf_counter()
        result = measure(found[name], "bench.fleet:stream", seconds=STREAM_SECONDS)
        wall = time.perf_counter() - started
        latencies: list[float] = result["latencies"]
        events = result["events"]
        wrong = {key: result[key] for key in ("lost", "doubled", "unexpected")}
        if name == "after":
            # Every message fired exactly once (the old tree's figures are reported as found).
            assert not any(wrong.values()), wrong
            assert wall < 180, wall
        report(
            "fleet_stream",
            {
                "tree": name,
                "gateways": 10,
                "ports": 32,
                "seconds": STREAM_SECONDS,
                "received": result["received"],
                "events": events,
                **wrong,
                "latency_p50_ms": _ms(statistics.median(latencies)),
                "latency_p99_ms": _ms(_p99(latencies)),
                "latency_max_ms": _ms(max(latencies)),
                "requests_per_sms": round(result["requests"] / events, 2),
                "inbox_requests_per_sms": round(result["inbox_requests"] / events, 2),
                "pushes_failed": result["pushes_failed"],
                "wall_s": round(wall, 1),
            },
        )


MEASUREMENTS: dict[str, Callable[[dict[str, Path]], None]] = {
    "latency": latency,
    "bursts": bursts,
    "fallback": fallback,
    "stream": stream,
}


def main() -> None:
    """Every measurement (or those named) on this checkout, and on the old one if given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", help="an old checkout to compare with (a git worktree)")
    parser.add_argument("--only", nargs="*", choices=list(MEASUREMENTS), default=list(MEASUREMENTS))
    args = parser.parse_args()
    found = trees(args.before)
    for name in args.only:
        MEASUREMENTS[name](found)


if __name__ == "__main__":
    main()
