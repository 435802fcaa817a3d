"""Whether an incoming SMS may be answered by Assist, and how long the answer may be.

Answering SMS costs money and hands a text line to Home Assistant, and a sender's number can
be forged, so: only allowed contacts, each message starting with the PIN (unless the user
chose to go without), only fresh messages (one read hours late is not a question any more),
and a wrong PIN is never answered. Guessing stops: five wrong PINs from a number in an hour
lock that number out for a day, twenty from anyone pause Assist by SMS for an hour. Machines
never get an answer: the gateways' own numbers (two ports answering each other would loop),
alphanumeric sender ids and short codes (operators, banks, which would answer back or bill).
Each contact has a rate limit and a daily cap, all replies a daily cap, since a runaway
conversation is paid per part. No Home Assistant import: the caller passes the time and the
stored counts, and turns a refusal into a log line and an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import hmac
from typing import Final
import uuid

from custom_components.dinstar.aiodinstar import SmsEncoding, normalize_number, number_key, plan_sms

from .state import AssistState

# What a PIN is shown as; as long whatever the PIN, so its length is not shown either.
PIN_MASK: Final = "****"
RATE_WINDOW: Final = timedelta(minutes=10)
# Home Assistant forgets a conversation five minutes after its last message.
CONVERSATION_WINDOW: Final = timedelta(minutes=5)
# A message is a question while it is this fresh by the gateway's clock (read as Home
# Assistant's local time): an SMS takes seconds, a minute on a bad network, and a polled
# gateway is read every 30 s by default, so five minutes pass everything live and nothing read
# after an outage. A clock without NTP drifts by seconds a day: two minutes ahead is allowed.
# A clock set to another time zone is hours off, which no tolerance can tell from an old
# message: such a gateway gets no answer (the refusal is logged) until its clock is set.
MAX_AGE: Final = timedelta(minutes=5)
CLOCK_AHEAD: Final = timedelta(minutes=2)
GUESS_WINDOW: Final = timedelta(hours=1)
SENDER_GUESSES: Final = 5
SENDER_LOCKOUT: Final = timedelta(days=1)
ALL_GUESSES: Final = 20
PAUSE: Final = timedelta(hours=1)

# The longest sender that is a short code rather than a phone number.
_SHORT_CODE_DIGITS = 6
# Cutting at a space reads better, unless the last space is this far back.
_WORD_CUT_REACH = 20


class Refusal(StrEnum):
    """Why a message gets no answer."""

    OWN_NUMBER = "own_number"
    AUTOMATED_SENDER = "automated_sender"
    NOT_ALLOWED = "not_allowed"
    PAUSED = "paused"
    SENDER_LOCKED = "sender_locked"
    STALE = "stale"
    WRONG_PIN = "wrong_pin"
    EMPTY = "empty"
    RATE_LIMITED = "rate_limited"
    CONTACT_DAILY_CAP = "contact_daily_cap"
    DAILY_CAP = "daily_cap"


@dataclass(frozen=True, slots=True)
class AssistSettings:
    """The user's rules; numbers in any notation ``phone_numbers`` reads."""

    # The contacts who may talk to Assist: their numbers, with their names.
    allowed: Mapping[str, str]
    pin: str | None = None
    # Home Assistant's country, for numbers written without their country code.
    country: str | None = None
    # The SIMs of every gateway: none of them is ever answered.
    gateway_numbers: frozenset[str] = frozenset()
    rate_limit: int = 5
    contact_daily_cap: int = 10
    daily_cap: int = 50
    max_parts: int = 3


@dataclass(frozen=True, slots=True)
class Screened:
    """A fresh message from an allowed contact, not locked out: its text decides."""

    number: str  # the sender, in E.164
    sent: datetime  # by the gateway's clock


@dataclass(frozen=True, slots=True)
class Accepted:
    """Answer this message: ``text`` (the PIN taken off) goes to Assist in this conversation."""

    text: str
    conversation_id: str
    number: str  # the sender, in E.164
    contact: str


@dataclass(frozen=True, slots=True)
class Lockout:
    """A lockout a wrong PIN started: ``SENDER_LOCKED`` for its sender, ``PAUSED`` for all."""

    kind: Refusal
    until: datetime


@dataclass(frozen=True, slots=True)
class Refused:
    """Do not answer this message."""

    reason: Refusal
    lockouts: tuple[Lockout, ...] = ()


def is_automated_sender(sender: str) -> bool:
    """An alphanumeric sender id ("VODAFONE") or a short code of up to six digits."""
    digits = normalize_number(sender).removeprefix("+")
    return not digits.isdigit() or len(digits) <= _SHORT_CODE_DIGITS


def mask_pin(text: str, pin: str | None) -> str:
    """``text`` with every occurrence of ``pin`` masked, to be shown, fired or logged."""
    return text.replace(pin, PIN_MASK) if pin else text


class AssistPolicy:
    """Decides message by message, and counts what it let through in ``state``."""

    def __init__(self, settings: AssistSettings, state: AssistState) -> None:
        """Apply ``settings``, counting in ``state``.

        The caller's ``now`` is in its local time zone: the daily caps start again at its
        midnight.
        """
        if settings.max_parts < 1:
            raise ValueError(f"max_parts {settings.max_parts} is less than one SMS")
        self._settings = settings
        self._state = state
        self._allowed = {
            key: name
            for number, name in settings.allowed.items()
            if (key := number_key(number, settings.country))
        }
        self._gateways = _keys(settings.gateway_numbers, settings.country)
        # Each contact's conversation id, with the time of its last message.
        self._conversations: dict[str, tuple[str, datetime]] = {}

    @property
    def state(self) -> AssistState:
        """The counts this policy keeps, to be stored."""
        return self._state

    def screen(
        self, sender: str, sent: datetime | None, caught_up: bool, now: datetime
    ) -> Screened | Refused:
        """Refuse what needs no text: the sender, a lockout, the message's age.

        ``sent`` is the gateway's time of the message (``None``: it had none); ``caught_up``
        says it was read by a catch-up after something was missed, however old it looks.
        """
        self._state.forget(now, RATE_WINDOW, GUESS_WINDOW)
        number = self._sender(sender)
        if isinstance(number, Refused):
            return number
        if caught_up or sent is None:
            return Refused(Refusal.STALE)
        screened = Screened(number, sent)
        return self._held_back(screened, now) or screened

    def check(self, screened: Screened, text: str, now: datetime) -> Accepted | Refused:
        """Accept or refuse a screened message by its text.

        A lockout another message started since the screening holds. An accepted message
        counts against the limits at once, not when the answer is sent, so two messages
        arriving together cannot both pass the last free slot.
        """
        if (refused := self._held_back(screened, now)) is not None:
            return refused
        number = screened.number
        question = self._strip_pin(text)
        if question is None:
            return self._wrong_pin(number, now)
        if not question:
            return Refused(Refusal.EMPTY)
        if (refusal := self._count(number, now)) is not None:
            return Refused(refusal)
        conversation_id = self._conversation_id(number, now)
        return Accepted(question, conversation_id, number, self._allowed[number])

    def fit_reply(self, text: str) -> str:
        """The reply cut, with an ellipsis, to the configured number of SMS parts."""
        return fit_to_parts(text, self._settings.max_parts)

    def _sender(self, sender: str) -> Refused | str:
        """The sender's E.164 number, or why it never gets an answer."""
        if is_automated_sender(sender):
            return Refused(Refusal.AUTOMATED_SENDER)
        number = number_key(sender, self._settings.country)
        if number in self._gateways:
            return Refused(Refusal.OWN_NUMBER)
        if number is None or number not in self._allowed:
            return Refused(Refusal.NOT_ALLOWED)
        return number

    def _held_back(self, screened: Screened, now: datetime) -> Refused | None:
        """Why an allowed contact's message is not answered now: a lockout, or its age."""
        if self._state.paused_until is not None:
            return Refused(Refusal.PAUSED)
        if screened.number in self._state.locked_until:
            return Refused(Refusal.SENDER_LOCKED)
        if not -CLOCK_AHEAD <= now - screened.sent <= MAX_AGE:
            return Refused(Refusal.STALE)
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

    def _wrong_pin(self, number: str, now: datetime) -> Refused:
        """Count a wrong PIN; lock its sender out, or pause for everyone, when guessing shows."""
        state = self._state
        state.wrong_pins.setdefault(number, []).append(now)
        lockouts: list[Lockout] = []
        if len(state.wrong_pins[number]) >= SENDER_GUESSES:
            state.locked_until[number] = now + SENDER_LOCKOUT
            lockouts.append(Lockout(Refusal.SENDER_LOCKED, now + SENDER_LOCKOUT))
        if sum(map(len, state.wrong_pins.values())) >= ALL_GUESSES:
            state.paused_until = now + PAUSE
            lockouts.append(Lockout(Refusal.PAUSED, now + PAUSE))
        return Refused(Refusal.WRONG_PIN, tuple(lockouts))

    def _count(self, number: str, now: datetime) -> Refusal | None:
        """Count one more answer, unless a limit is reached."""
        settings = self._settings
        state = self._state
        if len(state.replies.get(number, ())) >= settings.rate_limit:
            return Refusal.RATE_LIMITED
        day = now.date()
        if state.day != day:
            state.day, state.replies_today = day, {}
        today = state.replies_today.get(number, 0)
        if today >= settings.contact_daily_cap:
            return Refusal.CONTACT_DAILY_CAP
        if sum(state.replies_today.values()) >= settings.daily_cap:
            return Refusal.DAILY_CAP
        state.replies.setdefault(number, []).append(now)
        state.replies_today[number] = today + 1
        return None

    def _conversation_id(self, number: str, now: datetime) -> str:
        """The contact's conversation, or a new one when the last message is too old."""
        known = self._conversations.get(number)
        if known is not None and now - known[1] < CONVERSATION_WINDOW:
            conversation_id = known[0]
        else:
            # Not a ULID: Home Assistant keeps an id it did not make instead of replacing it.
            conversation_id = f"dinstar-sms-{uuid.uuid4().hex}"
        self._conversations[number] = (conversation_id, now)
        return conversation_id


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
    # A cut keeps 34 characters or more (one part of emoji), so a space this near its end is
    # never its first character: a reply is never cut to nothing.
    if (space := cut.rfind(" ")) >= len(cut) - _WORD_CUT_REACH:
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def _keys(numbers: Iterable[str], country: str | None) -> frozenset[str]:
    """The numbers in E.164; one that cannot be read is left out (it matches nothing)."""
    return frozenset(key for number in numbers if (key := number_key(number, country)))
