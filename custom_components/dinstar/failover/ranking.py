"""Which port sends next: a ranking of the ports of a pool, from what is known of each.

No Home Assistant import: the caller takes a snapshot of each port from its gateway's last
refresh, SIM health and balance, and passes the attempts made so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The SIM health problems that stop a SIM from paying for an SMS; the others (a weak signal,
# no network for long) make a port a worse choice, not a useless one.
_CANNOT_PAY = frozenset({"low_balance"})

type PortKey = tuple[str, int]  # (config entry id, port)


@dataclass(frozen=True, slots=True)
class PortSnapshot:
    """One port of one gateway, as its last refresh, SIM health and balance saw it."""

    entry_id: str
    port: int
    registered: bool
    gateway_available: bool = True
    signal_dbm: int | None = None
    # SIM health's problems, a balance under its check's threshold among them (low_balance,
    # raised from the same reading the moment it is read).
    problems: frozenset[str] = frozenset()
    allowance_used_up: bool = False  # the gateway's own limit on the port reached
    queue: int = 0  # messages waiting in the gateway's send queue

    @property
    def key(self) -> PortKey:
        """The port's identity across gateways."""
        return (self.entry_id, self.port)

    @property
    def cannot_pay(self) -> bool:
        """Its SIM or its gateway would most likely refuse another SMS."""
        return self.allowance_used_up or bool(self.problems & _CANNOT_PAY)

    @property
    def troubled(self) -> bool:
        """A SIM problem that makes sending less likely to work."""
        return bool(self.problems - _CANNOT_PAY)


@dataclass(frozen=True, slots=True)
class Preference:
    """What a message asks of the ranking.

    ``preferred``: a port tried first among equally healthy ones (a contact's). ``home``: the
    gateway whose ports come before others' (the one named first, then the one of the last
    attempt: a retry on the same gateway is one request, and its queue is known). ``order``:
    the pool's gateways in the order named, the last tie-breaker. ``tried``: ports never used
    again for this message. ``skipped``: gateways that did not take a request for it.
    ``demoted``: gateways that failed it more than once already: others' ports come first.
    """

    preferred: PortKey | None = None
    home: str | None = None
    order: tuple[str, ...] = ()
    tried: frozenset[PortKey] = frozenset()
    skipped: frozenset[str] = frozenset()
    demoted: frozenset[str] = frozenset()


def usable(port: PortSnapshot, preference: Preference) -> bool:
    """A port that may take the next attempt at all."""
    return (
        port.gateway_available
        and port.registered
        and port.key not in preference.tried
        and port.entry_id not in preference.skipped
    )


def rank_ports(ports: Iterable[PortSnapshot], preference: Preference) -> list[PortSnapshot]:
    """The usable ports, best first.

    Healthy before troubled before those that cannot pay; then those of gateways not demoted,
    the preferred port, the home gateway's ports, the shorter queue, the stronger signal
    (unknown last), the pool's order and the port number, so that the same state always gives
    the same choice.
    """
    order = {entry_id: index for index, entry_id in enumerate(preference.order)}

    def key(port: PortSnapshot) -> tuple[bool, bool, bool, bool, bool, int, float, int, int]:
        return (
            port.cannot_pay,
            port.troubled,
            port.entry_id in preference.demoted,
            port.key != preference.preferred,
            port.entry_id != preference.home,
            port.queue,
            -port.signal_dbm if port.signal_dbm is not None else float("inf"),
            order.get(port.entry_id, len(order)),
            port.port,
        )

    return sorted((port for port in ports if usable(port, preference)), key=key)


def failure_reason(port: PortSnapshot | None) -> str | None:
    """A failed result carries no reason: the port's state at the time may suggest one."""
    if port is None or not port.gateway_available:
        return "gateway unavailable"
    if not port.registered:
        return "no network"
    if port.problems & _CANNOT_PAY:
        return "no credit"
    if port.allowance_used_up:
        return "allowance used up"
    return None
