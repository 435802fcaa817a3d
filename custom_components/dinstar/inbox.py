"""Exactly-once handling of incoming SMS, whether pushed, polled, or both.

The gateway numbers received messages with an increasing ``incoming_sms_id``. A plain "highest
id seen" cursor would lose a message whose push was dropped while a later one got through, so
the ledger keeps the highest id below which everything is handled, plus the handled ids above
it. A catch-up (``query_incoming_sms`` with flag ``all`` above the cursor, read to its end)
closes the gaps: whatever it did not return below its highest id does not exist any more.
A gateway whose ids started again (a factory reset) shows it by pushing an id already handled
with a time later than any handled message: the ledger then starts again from that id.
No Home Assistant import; the caller persists :meth:`as_dict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from .aiodinstar import IncomingSms

# A repeated push carries its message's own time; one this much newer than every handled
# message is a new message under a reused id.
RENUMBERED_AFTER = timedelta(minutes=1)


class InboxLedger:
    """Which incoming messages were handled."""

    def __init__(
        self, cursor: int = 0, handled_above: Iterable[int] = (), newest: datetime | None = None
    ) -> None:
        """Start from a persisted state, or from nothing."""
        self._cursor = cursor
        self._above = {sms_id for sms_id in handled_above if sms_id > cursor}
        self._newest = newest  # the latest gateway time of a handled message

    @property
    def cursor(self) -> int:
        """Every id up to this one is handled: catch up from here."""
        return self._cursor

    @property
    def has_gap(self) -> bool:
        """A later message was handled while an earlier one was not (a push lost, or late)."""
        return bool(self._above)

    def claim(self, sms: IncomingSms) -> bool:
        """Mark a pushed message handled; ``False`` when it already was."""
        sms_id = sms.incoming_sms_id
        if sms_id <= self._cursor or sms_id in self._above:
            if not self._reused(sms):
                return False
            self._cursor, self._above, self._newest = sms_id - 1, set(), None
        self._note_time(sms)
        # In order, the usual case: the cursor moves without a detour through the set.
        if sms_id == self._cursor + 1:
            self._cursor = sms_id
        else:
            self._above.add(sms_id)
        self._advance()
        return True

    def claim_catch_up(self, messages: Iterable[IncomingSms]) -> list[IncomingSms]:
        """Take a complete catch-up above the cursor; return the new ones in id order.

        The answer holds every message the gateway still has above the cursor, so ids below
        its highest that are neither in it nor handled are gaps that will never come.
        """
        fresh = sorted(
            (sms for sms in messages if sms.incoming_sms_id > self._cursor),
            key=lambda sms: sms.incoming_sms_id,
        )
        new = [sms for sms in fresh if sms.incoming_sms_id not in self._above]
        for sms in new:
            self._note_time(sms)
        if fresh:
            self._cursor = max(self._cursor, fresh[-1].incoming_sms_id)
        self._above = {sms_id for sms_id in self._above if sms_id > self._cursor}
        self._advance()
        return new

    def _reused(self, sms: IncomingSms) -> bool:
        return (
            sms.timestamp is not None
            and self._newest is not None
            and sms.timestamp > self._newest + RENUMBERED_AFTER
        )

    def _note_time(self, sms: IncomingSms) -> None:
        if sms.timestamp is not None and (self._newest is None or sms.timestamp > self._newest):
            self._newest = sms.timestamp

    def _advance(self) -> None:
        while self._cursor + 1 in self._above:
            self._cursor += 1
            self._above.discard(self._cursor)

    def as_dict(self) -> dict[str, Any]:
        """What to persist."""
        data: dict[str, Any] = {"cursor": self._cursor, "handled_above": sorted(self._above)}
        if self._newest is not None:
            data["newest"] = self._newest.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> InboxLedger:
        """Restore what :meth:`as_dict` wrote."""
        if not data:
            return cls()
        newest = data.get("newest")
        return cls(
            int(data.get("cursor", 0)),
            (int(i) for i in data.get("handled_above", [])),
            datetime.fromisoformat(newest) if newest else None,
        )
