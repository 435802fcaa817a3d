"""What Assist by SMS has counted, kept across reloads and restarts.

Limits that lived in memory let a reload or a restart answer a contact at its limit again, and
let a PIN guesser start afresh: the replies, the wrong PINs and the lockouts are stored with
the entry (``dinstar.<entry_id>.assist``). Numbers are E.164 keys (``phone_numbers``), times
are aware. No Home Assistant import: the caller loads and saves :meth:`as_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(slots=True)
class AssistState:
    """Replies sent, wrong PINs and lockouts, by sender."""

    replies: dict[str, list[datetime]] = field(default_factory=dict)
    # The day ``replies_today`` counts, in Home Assistant's time zone.
    day: date | None = None
    replies_today: dict[str, int] = field(default_factory=dict)
    wrong_pins: dict[str, list[datetime]] = field(default_factory=dict)
    locked_until: dict[str, datetime] = field(default_factory=dict)
    paused_until: datetime | None = None

    def forget(self, now: datetime, reply_window: timedelta, guess_window: timedelta) -> None:
        """Drop what no limit looks at any more: old replies and wrong PINs, ended lockouts."""
        self.replies = _since(self.replies, now - reply_window)
        self.wrong_pins = _since(self.wrong_pins, now - guess_window)
        self.locked_until = {key: until for key, until in self.locked_until.items() if until > now}
        if self.paused_until is not None and self.paused_until <= now:
            self.paused_until = None

    def as_dict(self) -> dict[str, Any]:
        """The state as the store keeps it."""
        return {
            "replies": _times_as_text(self.replies),
            "day": None if self.day is None else self.day.isoformat(),
            "replies_today": dict(self.replies_today),
            "wrong_pins": _times_as_text(self.wrong_pins),
            "locked_until": {key: until.isoformat() for key, until in self.locked_until.items()},
            "paused_until": None if self.paused_until is None else self.paused_until.isoformat(),
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any] | None) -> AssistState:
        """The state :meth:`as_dict` wrote; nothing stored is a new state."""
        if stored is None:
            return cls()
        day = stored["day"]
        paused = stored["paused_until"]
        return cls(
            replies=_times_from_text(stored["replies"]),
            day=None if day is None else date.fromisoformat(day),
            replies_today=dict(stored["replies_today"]),
            wrong_pins=_times_from_text(stored["wrong_pins"]),
            locked_until={
                key: datetime.fromisoformat(until) for key, until in stored["locked_until"].items()
            },
            paused_until=None if paused is None else datetime.fromisoformat(paused),
        )


def _since(by_key: dict[str, list[datetime]], start: datetime) -> dict[str, list[datetime]]:
    """The times after ``start``; a key left without any goes."""
    kept = {key: [time for time in times if time > start] for key, times in by_key.items()}
    return {key: times for key, times in kept.items() if times}


def _times_as_text(by_key: dict[str, list[datetime]]) -> dict[str, list[str]]:
    return {key: [time.isoformat() for time in times] for key, times in by_key.items()}


def _times_from_text(by_key: Mapping[str, list[str]]) -> dict[str, list[datetime]]:
    return {key: [datetime.fromisoformat(text) for text in texts] for key, texts in by_key.items()}
