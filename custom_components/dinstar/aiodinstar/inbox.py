"""Exactly-once handling of incoming SMS, read from the gateway's inbox.

The gateway numbers received messages with an increasing ``incoming_sms_id``. The ledger keeps
the highest id below which everything is handled (the cursor). Only a catch-up moves it: a
read of ``query_incoming_sms`` with flag ``all`` above the cursor, to its end, which returns
every message the gateway holds there. A push never moves it (anyone can write a push; it
only makes the integration read). A gateway whose ids started again (a factory reset) shows
it by holding only ids below the cursor: the ledger then follows its numbering. The caller
persists :meth:`as_dict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .models import IncomingSms


class InboxLedger:
    """Which incoming messages were handled."""

    def __init__(
        self, cursor: int = 0, handled_above: Iterable[int] = (), newest: datetime | None = None
    ) -> None:
        """Start from a persisted state, or from nothing."""
        self._cursor = cursor
        # Handled ids above the cursor: only in a store written by a version that let pushes
        # fire; a catch-up does not fire them again.
        self._above = {sms_id for sms_id in handled_above if sms_id > cursor}
        self._newest = newest  # the latest gateway time of a handled message

    @property
    def cursor(self) -> int:
        """Every id up to this one is handled: catch up from here."""
        return self._cursor

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

    def follow_renumbering(self, inbox: list[IncomingSms]) -> list[IncomingSms] | None:
        """Given the gateway's whole inbox: restart at its numbering if every id is below ours.

        Returns ``None`` when the inbox shows no new numbering, else the messages dated after
        every handled one (they came after the reset), in id order. Messages not newer are
        the gateway's remaining history (its latest ones were deleted): nothing to fire.
        """
        if not inbox or max(sms.incoming_sms_id for sms in inbox) >= self._cursor:
            return None
        newest = self._newest
        self._cursor, self._above = 0, set()
        new = self.claim_catch_up(inbox)
        return [
            sms for sms in new if newest is None or sms.timestamp is None or sms.timestamp > newest
        ]

    def _note_time(self, sms: IncomingSms) -> None:
        if sms.timestamp is not None:
            self._newest = (
                sms.timestamp if self._newest is None else max(self._newest, sms.timestamp)
            )

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
            data["cursor"],
            data["handled_above"],
            datetime.fromisoformat(newest) if newest else None,
        )
