"""The port ranking: which port of a pool sends next, from what is known of each."""

from __future__ import annotations

from dataclasses import replace
import json

from custom_components.dinstar.failover.intent import Attempt, AttemptOutcome, Intent, Step
from custom_components.dinstar.failover.ranking import (
    PortSnapshot,
    Preference,
    failure_reason,
    rank_ports,
    usable,
)

A, B = "gateway-a", "gateway-b"


def port(entry_id: str, number: int, **state: object) -> PortSnapshot:
    return replace(PortSnapshot(entry_id, number, registered=True, signal_dbm=-70), **state)


def keys(ranked: list[PortSnapshot]) -> list[tuple[str, int]]:
    return [snapshot.key for snapshot in ranked]


def test_only_usable_ports_are_ranked() -> None:
    """Unregistered ports, ports tried for this message, skipped or unavailable gateways: never."""
    ports = [
        port(A, 0, registered=False),
        port(A, 1),
        port(A, 2),
        port(B, 0, gateway_available=False),
        port(B, 1),
    ]
    preference = Preference(order=(A, B), tried=frozenset({(A, 1)}))
    assert keys(rank_ports(ports, preference)) == [(A, 2), (B, 1)]
    assert keys(rank_ports(ports, Preference(skipped=frozenset({A})))) == [(B, 1)]
    assert not usable(port(A, 4), Preference(tried=frozenset({(A, 4)})))
    assert usable(port(A, 4), Preference(tried=frozenset({(B, 4)})))


def test_health_comes_first_then_the_preferred_port() -> None:
    """A preferred port that cannot pay, or has a SIM problem, yields to a healthy one."""
    ports = [
        port(A, 0, problems=frozenset({"low_balance"})),
        port(A, 1, problems=frozenset({"weak_signal"})),
        port(A, 2),
        port(A, 3, allowance_used_up=True),
        port(A, 4, problems=frozenset({"low_balance", "weak_signal"})),
    ]
    assert keys(rank_ports(ports, Preference(preferred=(A, 0)))) == [
        (A, 2),
        (A, 1),
        (A, 0),
        (A, 3),
        (A, 4),
    ]
    assert keys(rank_ports(ports, Preference(preferred=(A, 1))))[:2] == [(A, 2), (A, 1)]
    healthy = [port(A, 5), port(A, 6)]
    assert keys(rank_ports(healthy, Preference(preferred=(A, 6)))) == [(A, 6), (A, 5)]


def test_home_gateway_then_queue_then_signal_then_order() -> None:
    ports = [
        port(B, 0, signal_dbm=-60),
        port(A, 1, signal_dbm=-90),
        port(A, 2, signal_dbm=-80, queue=3),
        port(A, 3, signal_dbm=None),
        port(A, 4, signal_dbm=-90),
    ]
    ranked = rank_ports(ports, Preference(home=A, order=(A, B)))
    assert keys(ranked) == [(A, 1), (A, 4), (A, 3), (A, 2), (B, 0)]
    # Without a home, the stronger signal wins across gateways; then the pool's order.
    assert keys(rank_ports(ports, Preference(order=(B, A))))[0] == (B, 0)
    twins = [port(B, 1), port(A, 1)]
    assert keys(rank_ports(twins, Preference(order=(B, A)))) == [(B, 1), (A, 1)]
    assert keys(rank_ports(twins, Preference(order=(A, B)))) == [(A, 1), (B, 1)]
    # A gateway the order does not name comes after those it names.
    assert keys(rank_ports([port(B, 1), port(A, 1)], Preference(order=(A,)))) == [(A, 1), (B, 1)]


def test_failure_reasons_from_the_port_state() -> None:
    assert failure_reason(None) == "gateway unavailable"
    assert failure_reason(port(A, 0, gateway_available=False)) == "gateway unavailable"
    assert failure_reason(port(A, 0, registered=False)) == "no network"
    assert failure_reason(port(A, 0, problems=frozenset({"low_balance"}))) == "no credit"
    assert failure_reason(port(A, 0, allowance_used_up=True)) == "allowance used up"
    assert failure_reason(port(A, 0, problems=frozenset({"weak_signal"}))) is None


def test_a_demoted_gateway_comes_after_the_others() -> None:
    """Two failures on one gateway: the other gateway's ports first, even the home's aside."""
    ports = [port(A, 1), port(A, 2, signal_dbm=-50), port(B, 1, signal_dbm=-100)]
    ranked = rank_ports(ports, Preference(home=A, preferred=(A, 2), demoted=frozenset({A})))
    assert keys(ranked) == [(B, 1), (A, 2), (A, 1)]
    # Health still comes first: a demoted gateway's healthy port beats one that cannot pay.
    ports = [port(A, 1), port(B, 1, problems=frozenset({"low_balance"}))]
    assert keys(rank_ports(ports, Preference(demoted=frozenset({A})))) == [(A, 1), (B, 1)]


def test_an_intent_reads_back_as_it_was_stored() -> None:
    """Through JSON, as the store keeps it: tuples, enums and the preferred port come back."""
    intent = Intent(
        intent_id="i1",
        number="+4917612345678",
        text="Alarm",
        encoding="UCS2",
        status_report=True,
        members=[("a", [1, 2]), ("b", [])],
        max_attempts=3,
        confirm_within=120.0,
        created=1_800_000_000.0,
        preferred=("a", 2),
        attempts=[
            Attempt("a", "Gateway A", 2, 7, 1_800_000_001.0, AttemptOutcome.FAILED, "no credit"),
            Attempt("b", "Gateway B", 1, 3, 1_800_000_002.0, AttemptOutcome.SENT, None, 2, True),
        ],
        final=Step.SENT,
    )
    stored = json.loads(json.dumps(intent.as_dict()))
    assert Intent.from_dict(stored) == intent
    bare = Intent.from_dict({**stored, "preferred": None, "final": None, "attempts": []})
    assert (bare.preferred, bare.final, bare.attempts) == (None, None, [])
