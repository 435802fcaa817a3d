"""Following sent SMS to their final state, from pushes or polled results.

A sending result names the message by ``user_id`` when the gateway echoes it (queries do),
otherwise by port and number (pushes); it carries the first ``ref_id`` and the part count.
Delivery reports name one part each by port, number and ``ref_id``: a message is
delivered when every part is, failed when any part failed for good. Each outcome is reported
once. The caller turns outcomes into events and keeps the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .enums import SmsStatus
from .models import DeliveryReport, SmsResult

_REF_IDS = 256  # ref_id is one byte and wraps


class Outcome(StrEnum):
    """What became of a message."""

    SENT = "sent"
    FAILED = "failed"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"


@dataclass(slots=True)
class TrackedSms:
    """One message to one number, from the send until its last outcome."""

    user_id: int
    number: str
    created: float
    parts: int = 1
    port: int | None = None
    first_ref_id: int | None = None
    wants_report: bool = True
    sent: bool = False
    reported_parts: set[int] = field(default_factory=set)  # ref_ids reported arrived

    @property
    def ref_ids(self) -> frozenset[int]:
        """Every part's reference, wrapping past 255."""
        if self.first_ref_id is None:
            return frozenset()
        return frozenset((self.first_ref_id + index) % _REF_IDS for index in range(self.parts))


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    """A message reached an outcome the caller reports (one event each)."""

    sms: TrackedSms
    outcome: Outcome
    status_code: int | None = None


class SmsTracker:
    """Messages not yet at their final state, keyed by the ``user_id`` we assigned."""

    def __init__(self, max_age: float) -> None:
        """Follow each message for at most ``max_age`` seconds."""
        self._max_age = max_age
        self._pending: dict[int, TrackedSms] = {}

    @property
    def pending(self) -> list[TrackedSms]:
        """Messages still followed, oldest first."""
        return sorted(self._pending.values(), key=lambda sms: sms.user_id)

    def track(self, sms: TrackedSms) -> None:
        """Start following a message that was accepted by the gateway."""
        self._pending[sms.user_id] = sms

    def apply_result(self, result: SmsResult) -> list[TrackingUpdate]:
        """Take a sending result; report SENT/FAILED once, and DELIVERED when it says so."""
        sms = self._match_result(result)
        if sms is None:
            return []
        updates: list[TrackingUpdate] = []
        sms.port = result.port
        sms.parts = max(result.count, 1)
        if result.ref_id is not None:
            sms.first_ref_id = result.ref_id
        if result.status is SmsStatus.FAILED:
            del self._pending[sms.user_id]
            return [TrackingUpdate(sms, Outcome.FAILED)]
        if result.status in (SmsStatus.SENT_OK, SmsStatus.DELIVERED) and not sms.sent:
            sms.sent = True
            updates.append(TrackingUpdate(sms, Outcome.SENT))
            if not sms.wants_report and result.status is SmsStatus.SENT_OK:
                del self._pending[sms.user_id]
        if result.status is SmsStatus.DELIVERED and sms.user_id in self._pending:
            del self._pending[sms.user_id]
            updates.append(TrackingUpdate(sms, Outcome.DELIVERED, 0))
        return updates

    def apply_report(self, report: DeliveryReport) -> list[TrackingUpdate]:
        """Take one part's delivery report; report the message when its fate is known."""
        sms = next(
            (
                candidate
                for candidate in self.pending
                if candidate.port == report.port
                and candidate.number == report.number
                and report.ref_id in candidate.ref_ids
            ),
            None,
        )
        if sms is None or report.temporary_error:
            return []
        if report.permanent_error:
            del self._pending[sms.user_id]
            return [TrackingUpdate(sms, Outcome.UNDELIVERED, report.status_code)]
        sms.reported_parts.add(report.ref_id)
        if sms.ref_ids <= sms.reported_parts:
            del self._pending[sms.user_id]
            return [TrackingUpdate(sms, Outcome.DELIVERED, 0)]
        return []

    def is_pending(self, user_id: int) -> bool:
        """Whether the message with this user_id still waits for an outcome."""
        return user_id in self._pending

    def follows(self, port: int, number: str) -> bool:
        """A message to ``number`` through ``port`` (or a port not known yet) is followed."""
        return any(sms.number == number and sms.port in (None, port) for sms in self.pending)

    def expire(self, now: float) -> list[TrackingUpdate]:
        """Stop following messages older than the bound."""
        old = [sms for sms in self._pending.values() if now - sms.created > self._max_age]
        for sms in old:
            del self._pending[sms.user_id]
        return [TrackingUpdate(sms, Outcome.EXPIRED) for sms in old]

    def _match_result(self, result: SmsResult) -> TrackedSms | None:
        if result.user_id is not None:
            return self._pending.get(result.user_id)
        # Pushed results carry no user_id: the oldest unsent message to that number on that
        # port (or on a port not known yet) is the one the gateway worked off first.
        candidates: Iterable[TrackedSms] = (
            sms
            for sms in self.pending
            if sms.number == result.number and sms.port in (None, result.port)
        )
        if result.status is SmsStatus.DELIVERED:
            return next(
                (sms for sms in candidates if sms.first_ref_id in (None, result.ref_id)), None
            )
        return next((sms for sms in candidates if not sms.sent), None)
