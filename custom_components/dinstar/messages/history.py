"""The messages the panel shows, as threads: paging, read marks, bounds. No Home Assistant import.

Every message gets an id from one counter, so ids order messages across gateways as they
arrived, and a page of a thread is "the ``limit`` messages before this id". A thread is one
remote number (or one port's USSD replies); its read mark is the id up to which it was read.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """Which way a message went."""

    RECEIVED = "received"
    SENT = "sent"
    USSD = "ussd"


class Status(StrEnum):
    """What became of a sent message, as far as it is known."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"


# A sent message's status moves forward only: a late "sent" never hides "delivered".
_STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENT: 1,
    Status.FAILED: 2,
    Status.DELIVERED: 2,
    Status.UNDELIVERED: 2,
}


@dataclass(slots=True)
class Message:
    """One message of a thread; ``text`` is ``None`` when its gateway keeps texts private."""

    id: int
    entry_id: str
    thread: str
    kind: Kind
    port: int | None
    at: float
    number: str
    text: str | None = None
    user_id: int | None = None
    parts: int | None = None
    status: Status | None = None
    status_code: int | None = None
    assist: bool = False
    elsewhere: bool = False  # sent from outside Home Assistant (the gateway's page, say)

    @property
    def incoming(self) -> bool:
        """Something the user has to read (an SMS or a USSD reply), not something sent."""
        return self.kind is not Kind.SENT

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, without the fields that are empty (smaller pages)."""
        return {
            key: value
            for key, value in asdict(self).items()
            if value is not None and value is not False
        }

    def advance(self, status: Status, status_code: int | None = None) -> bool:
        """Move to ``status`` unless the message is already further; whether it moved."""
        if self.status is not None and _STATUS_RANK[status] <= _STATUS_RANK[self.status]:
            return False
        self.status = status
        self.status_code = status_code
        return True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        """Read one stored message (stored without its empty fields, a port unknown included)."""
        message = cls(**{"port": None, **data})
        message.kind = Kind(message.kind)
        message.status = None if message.status is None else Status(message.status)
        return message


type Visible = Callable[[Message], bool]


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread as the list shows it: its newest visible message and how many are unread."""

    thread: str
    last: Message
    unread: int


class History:
    """Every kept message, by id and by thread, and each thread's read mark."""

    def __init__(self) -> None:
        """Empty; :meth:`load` fills it from storage."""
        self._messages: dict[int, Message] = {}
        self._threads: dict[str, list[int]] = {}
        self._sent: dict[tuple[str, int], int] = {}  # (entry_id, user_id) -> message id
        self.read: dict[str, int] = {}
        self.next_id = 1

    def __len__(self) -> int:
        """How many messages are kept."""
        return len(self._messages)

    def __iter__(self) -> Iterator[Message]:
        """Every message, oldest first."""
        return iter(self._messages.values())

    def add(self, **values: Any) -> Message:
        """Keep a new message, the newest of all."""
        message = Message(id=self.next_id, **values)
        self.next_id += 1
        self._index(message)
        return message

    def get(self, message_id: int) -> Message | None:
        """The message with this id, if kept."""
        return self._messages.get(message_id)

    def sent_by_user_id(self, entry_id: str, user_id: int) -> Message | None:
        """The message Home Assistant sent through that gateway under that user_id."""
        message_id = self._sent.get((entry_id, user_id))
        return None if message_id is None else self._messages.get(message_id)

    def newest(self, thread: str, match: Visible) -> Message | None:
        """The thread's newest message that ``match`` accepts."""
        return next(self._backwards(thread, None, match), None)

    def page(
        self, thread: str, before: int | None, limit: int, visible: Visible
    ) -> tuple[list[Message], bool]:
        """Up to ``limit`` messages older than ``before`` (the newest without it), oldest first.

        Also whether older ones remain.
        """
        found: list[Message] = []
        older = self._backwards(thread, before, visible)
        for message in older:
            found.append(message)
            if len(found) == limit:
                break
        more = next(older, None) is not None
        found.reverse()
        return found, more

    def unread(self, thread: str, visible: Visible) -> int:
        """Incoming messages of the thread above its read mark."""
        mark = self.read.get(thread, 0)
        count = 0
        for message_id in reversed(self._threads.get(thread, ())):
            if message_id <= mark:
                break
            message = self._messages[message_id]
            count += message.incoming and visible(message)
        return count

    def summaries(self, visible: Visible) -> list[ThreadSummary]:
        """Every thread with a visible message, the newest activity first."""
        summaries = [
            ThreadSummary(thread, last, self.unread(thread, visible))
            for thread in self._threads
            if (last := self.newest(thread, visible)) is not None
        ]
        summaries.sort(key=lambda summary: summary.last.id, reverse=True)
        return summaries

    def mark_read(self, thread: str, up_to: int) -> bool:
        """Read up to that id; a mark never moves back. Whether it moved."""
        if up_to <= self.read.get(thread, 0):
            return False
        self.read[thread] = up_to
        return True

    def remove(self, drop: Callable[[Message], bool]) -> int:
        """Forget the messages ``drop`` accepts, and the read marks of emptied threads."""
        gone = [message for message in self._messages.values() if drop(message)]
        if not gone:
            return 0
        kept = [message for message in self._messages.values() if not drop(message)]
        self._messages.clear()
        self._threads.clear()
        self._sent.clear()
        for message in kept:
            self._index(message)
        self.read = {thread: mark for thread, mark in self.read.items() if thread in self._threads}
        return len(gone)

    def as_dict(self) -> dict[str, Any]:
        """What storage keeps."""
        return {
            "next_id": self.next_id,
            "read": self.read,
            "messages": [message.as_dict() for message in self._messages.values()],
        }

    def load(self, data: dict[str, Any]) -> None:
        """Take what storage kept."""
        self.next_id = data["next_id"]
        self.read = dict(data["read"])
        for item in data["messages"]:
            self._index(Message.from_dict(item))

    def _index(self, message: Message) -> None:
        self._messages[message.id] = message
        self._threads.setdefault(message.thread, []).append(message.id)
        if message.kind is Kind.SENT and message.user_id is not None:
            self._sent[(message.entry_id, message.user_id)] = message.id

    def _backwards(self, thread: str, before: int | None, match: Visible) -> Iterator[Message]:
        ids = self._threads.get(thread, [])
        end = len(ids) if before is None else bisect_left(ids, before)
        return (
            message
            for index in range(end - 1, -1, -1)
            if match(message := self._messages[ids[index]])
        )


def oldest_beyond(messages: Iterable[Message], cap: int) -> set[int]:
    """The ids of the oldest messages past the newest ``cap`` of them."""
    ordered = sorted(message.id for message in messages)
    return set(ordered[: max(len(ordered) - cap, 0)])
