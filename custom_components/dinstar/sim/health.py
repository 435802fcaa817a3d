"""What a port's SIM needs from a person: a PIN, a PUK, credit, a network, a better signal.

Each port keeps since when each condition holds, so "for longer than" rules survive between
polls, and a problem clears as soon as its condition ends. A reading that is missing (a failed
poll, a balance not asked for yet) neither starts nor ends a condition, so one lost poll does
not restart a two-hour count. A port without a SIM, or with its module powered off on purpose,
has no problems: an empty slot is not a SIM's fault. Another SIM in the port (another ICCID) has
none of the last one's conditions.
No Home Assistant import: the caller passes the time and raises or clears the repair issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from custom_components.dinstar.aiodinstar import RegistrationState

_NOT_REGISTERED = frozenset({RegistrationState.UNREGISTER, RegistrationState.SEARCHING_NETWORK})
_NOTHING_TO_WATCH = frozenset({RegistrationState.NO_SIM, RegistrationState.POWER_OFF})


class Problem(StrEnum):
    """Something about a port's SIM that a person has to look at."""

    NOT_REGISTERED = "not_registered"
    PIN_REQUIRED = "pin_required"
    PUK_REQUIRED = "puk_required"
    LOW_BALANCE = "low_balance"
    WEAK_SIGNAL = "weak_signal"


@dataclass(frozen=True, slots=True)
class HealthLimits:
    """When a condition becomes a problem.

    A SIM takes a minute or two to register after a restart, and a signal dips now and then;
    only a lasting state needs a person. -105 dBm is level 4 on the gateway's 0-31 scale, where
    SMS starts to fail.
    """

    not_registered_after: timedelta = timedelta(minutes=15)
    weak_signal_dbm: int = -105
    weak_signal_after: timedelta = timedelta(hours=2)


class PortHealth:
    """The problems of one port, from one reading after another."""

    def __init__(self, limits: HealthLimits | None = None) -> None:
        """Start with no condition known to hold."""
        self._limits = limits or HealthLimits()
        self._since: dict[Problem, datetime] = {}
        self._problems: frozenset[Problem] = frozenset()
        self._sim: str | None = None

    @property
    def problems(self) -> frozenset[Problem]:
        """The problems as of the last update."""
        return self._problems

    def since(self, problem: Problem) -> datetime | None:
        """When the condition behind a current problem started."""
        return self._since.get(problem) if problem in self._problems else None

    def follow_sim(self, iccid: str | None) -> None:
        """The ICCID of the SIM in the port (``None``: not told): another one starts afresh."""
        if iccid is None or iccid == self._sim:
            return
        if self._sim is not None:
            self._since.clear()
        self._sim = iccid

    def update(
        self,
        now: datetime,
        registration: RegistrationState | None,
        signal_dbm: int | None,
        balance: Decimal | None,
        threshold: Decimal | None,
    ) -> set[Problem]:
        """Take the port's latest readings; ``None`` means not known this time.

        ``threshold`` ``None`` turns the balance check off.
        """
        if registration in _NOTHING_TO_WATCH:
            self._since.clear()
            self._problems = frozenset()
            return set()
        known = registration not in (None, RegistrationState.UNKNOWN)
        self._track(Problem.PIN_REQUIRED, now, registration is RegistrationState.PIN_REQUIRE, known)
        self._track(Problem.PUK_REQUIRED, now, registration is RegistrationState.PUK_REQUIRE, known)
        self._track(Problem.NOT_REGISTERED, now, registration in _NOT_REGISTERED, known)
        self._track(
            Problem.LOW_BALANCE,
            now,
            threshold is not None and balance is not None and balance < threshold,
            threshold is None or balance is not None,
        )
        self._track(
            Problem.WEAK_SIGNAL,
            now,
            signal_dbm is not None and signal_dbm <= self._limits.weak_signal_dbm,
            signal_dbm is not None,
        )
        delays = {
            Problem.NOT_REGISTERED: self._limits.not_registered_after,
            Problem.WEAK_SIGNAL: self._limits.weak_signal_after,
        }
        self._problems = frozenset(
            problem
            for problem, since in self._since.items()
            if now - since >= delays.get(problem, timedelta(0))
        )
        return set(self._problems)

    def _track(self, problem: Problem, now: datetime, holds: bool, known: bool) -> None:
        """Note when a condition starts, forget it when it ends, keep it when unknown."""
        if not known:
            return
        if holds:
            self._since.setdefault(problem, now)
        else:
            self._since.pop(problem, None)


def gateway_problems(ports: Mapping[int, PortHealth]) -> dict[int, set[Problem]]:
    """The ports that have problems, by port number, for the gateway's one repair issue."""
    return {port: set(health.problems) for port, health in sorted(ports.items()) if health.problems}
