"""A message to one number that the pool sees out: its attempts and what they came to.

No Home Assistant import: the pool owns the timers, the requests and the store; this says
what an intent's attempts mean (go on, wait, or stop) and how it is written to disk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class AttemptOutcome(StrEnum):
    """What became of one attempt."""

    PENDING = "pending"  # stored before its request left; no outcome yet
    SENT = "sent"
    FAILED = "failed"  # the gateway's result
    REFUSED = "refused"  # the gateway refused the request, or could not be reached
    TIMED_OUT = "timed_out"  # no outcome in time: still watched, a late "sent" counts
    NOT_SENT = "not_sent"  # after a restart the gateway had no record of it


# Attempts that may still turn out to have gone.
UNRESOLVED = frozenset({AttemptOutcome.PENDING, AttemptOutcome.TIMED_OUT})


class Step(StrEnum):
    """What an intent needs next."""

    WAIT = "wait"  # an attempt is out, within its time
    RETRY = "retry"  # send from the next port
    SENT = "sent"  # an attempt went: never again
    FAILED = "failed"  # no attempt left, none went


@dataclass(slots=True)
class Attempt:
    """One request for one message from one port of one gateway."""

    entry_id: str
    gateway: str  # the gateway's name when the attempt was made, for the logbook
    port: int
    user_id: int
    at: float  # when it was stored, just before its request left (epoch seconds)
    outcome: AttemptOutcome = AttemptOutcome.PENDING
    reason: str | None = None
    parts: int = 1
    delivered: bool | None = None  # its delivery report, once one came

    def as_response(self) -> dict[str, Any]:
        """For the action's answer and the final event."""
        return {
            "config_entry_id": self.entry_id,
            "gateway": self.gateway,
            "port": self.port,
            "user_id": self.user_id,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "at": self.at,
        }


@dataclass(slots=True)
class Intent:
    """One text to one number, sent until one attempt goes or none is left."""

    intent_id: str
    number: str
    text: str
    encoding: str  # the encoding's name, chosen by the texts when the action named none
    status_report: bool
    members: list[tuple[str, list[int]]]  # gateways of the pool and their ports ([]: every)
    max_attempts: int
    confirm_within: float
    created: float
    preferred: tuple[str, int] | None = None
    contact: str | None = None  # the contact (subentry id) whose SMS it is: its pool's count
    attempts: list[Attempt] = field(default_factory=list)
    final: Step | None = None  # SENT or FAILED once decided, as told in the final event
    both_went_told: bool = False

    def next_step(self) -> Step:
        """Stop once an attempt went; wait while one is out; else retry while attempts are left."""
        outcomes = [attempt.outcome for attempt in self.attempts]
        if AttemptOutcome.SENT in outcomes:
            return Step.SENT
        if AttemptOutcome.PENDING in outcomes:
            return Step.WAIT
        # An attempt the gateway never received (a restart between storing it and its
        # request) cost nothing: it does not count.
        made = sum(outcome is not AttemptOutcome.NOT_SENT for outcome in outcomes)
        if made >= self.max_attempts:
            return Step.FAILED
        return Step.RETRY

    @property
    def sent_attempts(self) -> list[Attempt]:
        """The attempts that went: more than one is the case "both went"."""
        return [a for a in self.attempts if a.outcome is AttemptOutcome.SENT]

    @property
    def delivered(self) -> bool | None:
        """The delivery of the attempt that went, once reported."""
        sent = self.sent_attempts
        return sent[0].delivered if sent else None

    def attempt(self, entry_id: str, user_id: int) -> Attempt | None:
        """The attempt that sent this user_id from this gateway."""
        return next(
            (a for a in self.attempts if a.entry_id == entry_id and a.user_id == user_id), None
        )

    @property
    def done(self) -> bool:
        """Nothing left to learn: decided, no attempt that may still go, its delivery known."""
        if self.final is None or any(a.outcome in UNRESOLVED for a in self.attempts):
            return False
        return not (self.status_report and self.final is Step.SENT and self.delivered is None)

    def as_dict(self) -> dict[str, Any]:
        """What the store keeps."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intent:
        """Read what :meth:`as_dict` wrote."""
        attempts = [
            Attempt(**{**item, "outcome": AttemptOutcome(item["outcome"])})
            for item in data["attempts"]
        ]
        preferred = data.get("preferred")
        final = data.get("final")
        return cls(
            **{
                **data,
                "members": [(entry_id, list(ports)) for entry_id, ports in data["members"]],
                "preferred": None if preferred is None else (preferred[0], preferred[1]),
                "attempts": attempts,
                "final": None if final is None else Step(final),
            }
        )
