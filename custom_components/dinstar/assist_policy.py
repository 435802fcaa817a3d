"""Whether an incoming SMS may be answered by Assist, and how long the answer may be.

Answering SMS costs money and hands a text line to Home Assistant, so it is off unless the
sender is allowed, and an optional PIN must start each message. Machines never get an answer:
the gateway's own numbers (two ports answering each other would loop), alphanumeric sender
ids and short codes (operators, banks, which would answer back or bill). Each contact has a
rate limit and all replies a daily cap, since a runaway conversation is paid per part.
No Home Assistant import: the caller passes the time and turns a refusal into a log line and
an event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
import hmac
import uuid

from .aiodinstar import SmsEncoding, plan_sms

# The longest sender that is a short code rather than a phone number.
_SHORT_CODE_DIGITS = 6
_FORMATTING = str.maketrans("", "", " -.()/\u00a0")
# Cutting at a space reads better, unless the last space is this far back.
_WORD_CUT_REACH = 20


class Refusal(StrEnum):
    """Why a message gets no answer."""

    OWN_NUMBER = "own_number"
    AUTOMATED_SENDER = "automated_sender"
    NOT_ALLOWED = "not_allowed"
    WRONG_PIN = "wrong_pin"
    EMPTY = "empty"
    RATE_LIMITED = "rate_limited"
    DAILY_CAP = "daily_cap"


@dataclass(frozen=True, slots=True)
class AssistSettings:
    """The user's rules; numbers in any common notation ("+40 712-345", "0040712345")."""

    allowed: frozenset[str]
    pin: str | None = None
    own_numbers: frozenset[str] = frozenset()
    rate_limit: int = 5
    rate_window: timedelta = timedelta(minutes=10)
    daily_cap: int = 50
    max_parts: int = 3
    # Home Assistant forgets a conversation five minutes after its last message.
    conversation_window: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Accepted:
    """Answer this message: ``text`` (the PIN taken off) goes to Assist in this conversation."""

    text: str
    conversation_id: str


@dataclass(frozen=True, slots=True)
class Refused:
    """Do not answer this message."""

    reason: Refusal


@dataclass(slots=True)
class _Conversation:
    conversation_id: str
    last: datetime


def normalize_number(number: str) -> str:
    """The number without spaces, dashes, dots or brackets, "00" written as "+"."""
    compact = number.translate(_FORMATTING)
    return "+" + compact[2:] if compact.startswith("00") else compact


def is_automated_sender(sender: str) -> bool:
    """An alphanumeric sender id ("VODAFONE") or a short code of up to six digits."""
    digits = normalize_number(sender).removeprefix("+")
    return not digits.isdigit() or len(digits) <= _SHORT_CODE_DIGITS


class AssistPolicy:
    """Decides message by message, and counts what it let through."""

    def __init__(self, settings: AssistSettings, time_zone: tzinfo) -> None:
        """Apply ``settings``; the daily cap starts again at midnight in ``time_zone``."""
        if settings.max_parts < 1:
            raise ValueError(f"max_parts {settings.max_parts} is less than one SMS")
        self._settings = settings
        self._time_zone = time_zone
        self._allowed = _normalized(settings.allowed)
        self._own = _normalized(settings.own_numbers)
        self._recent: dict[str, deque[datetime]] = {}  # accepted messages, per contact
        self._conversations: dict[str, _Conversation] = {}
        self._day: date | None = None
        self._accepted_today = 0

    def check(self, sender: str, text: str, now: datetime) -> Accepted | Refused:
        """Accept or refuse one incoming message.

        An accepted message counts against the limits at once, not when the answer is sent,
        so two messages arriving together cannot both pass the last free slot.
        """
        number = normalize_number(sender)
        if (refusal := self._sender_refusal(number)) is not None:
            return Refused(refusal)
        question = self._strip_pin(text)
        if question is None:
            return Refused(Refusal.WRONG_PIN)
        if not question:
            return Refused(Refusal.EMPTY)
        if (refusal := self._count(number, now)) is not None:
            return Refused(refusal)
        return Accepted(question, self._conversation_id(number, now))

    def fit_reply(self, text: str) -> str:
        """The reply cut, with an ellipsis, to the configured number of SMS parts."""
        return fit_to_parts(text, self._settings.max_parts)

    def _sender_refusal(self, number: str) -> Refusal | None:
        """Why this sender never gets an answer, if it does not."""
        if number in self._own:
            return Refusal.OWN_NUMBER
        if is_automated_sender(number):
            return Refusal.AUTOMATED_SENDER
        if number not in self._allowed:
            return Refusal.NOT_ALLOWED
        return None

    def _strip_pin(self, text: str) -> str | None:
        """The text after the PIN, or ``None`` when the PIN is missing or wrong."""
        text = text.strip()
        if (pin := self._settings.pin) is None:
            return text
        head, rest = text[: len(pin)], text[len(pin) :]
        # compare_digest: how long a wrong guess took must not tell how much of it was right.
        if not hmac.compare_digest(head.encode(), pin.encode()) or rest[:1].isalnum():
            return None
        return rest.lstrip(" :,.-\n\t")

    def _count(self, number: str, now: datetime) -> Refusal | None:
        """Count one more answer, unless a limit is reached."""
        settings = self._settings
        recent = self._recent.setdefault(number, deque())
        while recent and now - recent[0] >= settings.rate_window:
            recent.popleft()
        if len(recent) >= settings.rate_limit:
            return Refusal.RATE_LIMITED
        day = now.astimezone(self._time_zone).date()
        if self._day != day:
            self._day, self._accepted_today = day, 0
        if self._accepted_today >= settings.daily_cap:
            return Refusal.DAILY_CAP
        recent.append(now)
        self._accepted_today += 1
        return None

    def _conversation_id(self, number: str, now: datetime) -> str:
        """The contact's conversation, or a new one when the last message is too old."""
        conversation = self._conversations.get(number)
        if conversation is None or now - conversation.last >= self._settings.conversation_window:
            # Not a ULID: Home Assistant keeps an id it did not make instead of replacing it.
            conversation = _Conversation(f"dinstar-sms-{uuid.uuid4().hex}", now)
            self._conversations[number] = conversation
        conversation.last = now
        return conversation.conversation_id


def fit_to_parts(text: str, max_parts: int) -> str:
    """``text``, or its longest start plus an ellipsis that fits in ``max_parts`` SMS."""
    if plan_sms(text).parts <= max_parts:
        return text
    # "…" is not in the GSM alphabet: adding it would turn a 7-bit text into UCS-2.
    ellipsis = "..." if plan_sms(text).encoding is SmsEncoding.GSM_7BIT else "\u2026"
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits with the ellipsis
        middle = (low + high + 1) // 2
        if plan_sms(text[:middle].rstrip() + ellipsis).parts <= max_parts:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    if (space := cut.rfind(" ")) >= len(cut) - _WORD_CUT_REACH and space > 0:
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def _normalized(numbers: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_number(number) for number in numbers)
