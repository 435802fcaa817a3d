"""The rules for answering SMS through Assist: who, with which PIN, how fresh, how often."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.dinstar.aiodinstar import SmsEncoding, plan_sms
from custom_components.dinstar.assist.policy import (
    Accepted,
    AssistPolicy,
    AssistSettings,
    Lockout,
    Refusal,
    Refused,
    Screened,
    fit_to_parts,
    is_automated_sender,
    mask_pin,
)
from custom_components.dinstar.assist.state import AssistState

ALICE = "+40712345678"
BOB = "+40798765432"
GATEWAY_SIM = "+40711111111"
PIN = "471108"
START = datetime(2027, 5, 12, 8, 0, tzinfo=UTC)
# The caller's local time zone, where midnight is 21:00 UTC.
LOCAL = timezone(timedelta(hours=3))
# Numbers a guesser could forge: allowed contacts.
GUESSERS = [f"+4071000{index:04d}" for index in range(10)]


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def make_policy(state: AssistState | None = None, **changes: Any) -> AssistPolicy:
    settings = AssistSettings(
        allowed={
            "+40 712-345-678": "Alice",
            "0798 765 432": "Bob",  # national: read with the country
            GATEWAY_SIM: "Gateway",
            "VODAFONE": "Operator",
            "1234": "Bank",
            **dict.fromkeys(GUESSERS, "Guesser"),
        },
        pin=PIN,
        country="RO",
        gateway_numbers=frozenset({"0711111111"}),  # as the gateway may show its SIM
        rate_limit=5,
        contact_daily_cap=6,
        daily_cap=8,
        max_parts=2,
    )
    return AssistPolicy(replace(settings, **changes), state or AssistState())


def decide(
    policy: AssistPolicy,
    sender: str,
    text: str,
    sent: datetime | None,
    caught_up: bool,
    now: datetime,
) -> Accepted | Refused:
    """Screened, then (when not refused) checked by its text, as the responder does."""
    screened = policy.screen(sender, sent, caught_up, now)
    if isinstance(screened, Refused):
        return screened
    return policy.check(screened, text, now)


def check(policy: AssistPolicy, sender: str, text: str, now: datetime) -> Accepted | Refused:
    """A message the gateway stamped when it came, read at once."""
    return decide(policy, sender, text, now, False, now)


def accepted(result: Accepted | Refused) -> Accepted:
    assert isinstance(result, Accepted), result
    return result


def ask(policy: AssistPolicy, sender: str, now: datetime) -> Accepted | Refused:
    return check(policy, sender, f"{PIN} lights on", now)


@pytest.fixture
def policy() -> AssistPolicy:
    return make_policy()


@pytest.mark.parametrize(
    "sender", [ALICE, "0040712345678", "+40 (712) 345 678", "0712345678", "0712 345 678"]
)
def test_an_allowed_contact_in_any_notation(policy: AssistPolicy, sender: str) -> None:
    result = accepted(check(policy, sender, f"  {PIN} lights on ", at(0)))
    assert (result.text, result.number, result.contact) == ("lights on", ALICE, "Alice")


def test_a_national_number_needs_the_country() -> None:
    """Numbers written nationally (senders, contacts, the gateway's SIMs) match nothing."""
    policy = make_policy(country=None)
    assert check(policy, "0712345678", f"{PIN} hi", at(0)) == Refused(Refusal.NOT_ALLOWED)
    assert check(policy, BOB, f"{PIN} hi", at(0)) == Refused(Refusal.NOT_ALLOWED)
    # The gateway's SIM is not known as such, but it is an allowed contact here.
    accepted(check(policy, GATEWAY_SIM, f"{PIN} hi", at(0)))
    accepted(check(policy, ALICE, f"{PIN} hi", at(0)))


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        ("+40700000000", Refusal.NOT_ALLOWED),
        ("0700000000", Refusal.NOT_ALLOWED),
        ("+40712345", Refusal.NOT_ALLOWED),  # not a possible number there
        (GATEWAY_SIM, Refusal.OWN_NUMBER),  # even when allowed: two ports would loop
        ("0711 111 111", Refusal.OWN_NUMBER),  # in any notation
        ("VODAFONE", Refusal.AUTOMATED_SENDER),
        ("Bank-Info", Refusal.AUTOMATED_SENDER),
        ("1234", Refusal.AUTOMATED_SENDER),
        ("123456", Refusal.AUTOMATED_SENDER),
        ("+12345", Refusal.AUTOMATED_SENDER),
        ("", Refusal.AUTOMATED_SENDER),
    ],
)
def test_senders_that_get_no_answer(policy: AssistPolicy, sender: str, reason: Refusal) -> None:
    assert ask(policy, sender, at(0)) == Refused(reason)
    assert policy.screen(sender, at(0), False, at(0)) == Refused(reason)


def test_off_without_allowed_contacts() -> None:
    assert ask(make_policy(allowed={}), ALICE, at(0)) == Refused(Refusal.NOT_ALLOWED)


def test_short_codes_end_at_six_digits() -> None:
    assert is_automated_sender("123456")
    assert not is_automated_sender("1234567")
    assert not is_automated_sender("+40 712 345 678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{PIN} lights on", "lights on"),
        (f"{PIN}: lights on", "lights on"),
        (f"{PIN}, lights on", "lights on"),
        (f"{PIN}.lights on", "lights on"),
        (f"{PIN} - lights on", "lights on"),
        (f"{PIN}\nlights on", "lights on"),
        (f"{PIN}\tlights on", "lights on"),
        (f"{PIN} Xmas lights on", "Xmas lights on"),
        (f"  {PIN} lights on", "lights on"),
        (PIN, Refusal.EMPTY),
        (f"{PIN} :", Refusal.EMPTY),
        (f"{PIN}1 lights on", Refusal.WRONG_PIN),
        (f"{PIN}a lights on", Refusal.WRONG_PIN),
        ("471109 lights on", Refusal.WRONG_PIN),
        (PIN[:-1], Refusal.WRONG_PIN),
        ("lights on", Refusal.WRONG_PIN),
        (f"lights on {PIN}", Refusal.WRONG_PIN),
    ],
)
def test_the_pin_starts_each_message(
    policy: AssistPolicy, text: str, expected: str | Refusal
) -> None:
    result = check(policy, ALICE, text, at(0))
    if isinstance(expected, Refusal):
        assert result == Refused(expected)
    else:
        assert accepted(result).text == expected


def test_without_a_pin_by_choice() -> None:
    policy = make_policy(pin=None)
    assert accepted(check(policy, ALICE, " lights on ", at(0))).text == "lights on"
    assert check(policy, ALICE, " \n", at(0)) == Refused(Refusal.EMPTY)


@pytest.mark.parametrize(
    ("pin", "text", "shown"),
    [
        (PIN, f"{PIN} lights on", "**** lights on"),
        (PIN, f"{PIN}{PIN} and {PIN}", "******** and ****"),
        (PIN, "4711 lights on", "4711 lights on"),
        (None, f"{PIN} lights on", f"{PIN} lights on"),
        ("", "lights on", "lights on"),
    ],
)
def test_the_pin_is_masked(pin: str | None, text: str, shown: str) -> None:
    assert mask_pin(text, pin) == shown


@pytest.mark.parametrize(
    ("age", "answered"),
    [
        (timedelta(0), True),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, seconds=1), False),
        (timedelta(hours=6), False),
        (-timedelta(minutes=2), True),  # a gateway clock running a little ahead
        (-timedelta(minutes=2, seconds=1), False),
        (-timedelta(hours=3), False),  # a clock in another time zone: no age can be told
    ],
)
def test_only_fresh_messages(policy: AssistPolicy, age: timedelta, answered: bool) -> None:
    now = at(0)
    result = decide(policy, ALICE, f"{PIN} lights on", now - age, False, now)
    assert isinstance(result, Accepted) is answered
    if not answered:
        assert result == Refused(Refusal.STALE)
        assert policy.screen(ALICE, now - age, False, now) == Refused(Refusal.STALE)


def test_no_time_or_read_by_a_catch_up_is_not_fresh(policy: AssistPolicy) -> None:
    assert policy.screen(ALICE, None, False, at(0)) == Refused(Refusal.STALE)
    assert policy.screen(ALICE, at(0), True, at(0)) == Refused(Refusal.STALE)
    assert policy.screen(ALICE, at(-1), False, at(0)) == Screened(ALICE, at(-1))


def test_five_wrong_pins_in_an_hour_lock_the_sender_out_for_a_day(policy: AssistPolicy) -> None:
    for minute in range(4):
        assert check(policy, ALICE, "000000 hi", at(minute)) == Refused(Refusal.WRONG_PIN)
    locked = check(policy, ALICE, "000000 hi", at(59.9))
    assert locked == Refused(
        Refusal.WRONG_PIN,
        (Lockout(Refusal.SENDER_LOCKED, at(59.9) + timedelta(days=1)),),
    )
    # Ignored, the right PIN included, until the day is over; other numbers go on.
    assert ask(policy, ALICE, at(60)) == Refused(Refusal.SENDER_LOCKED)
    assert policy.screen(ALICE, at(60), False, at(60)) == Refused(Refusal.SENDER_LOCKED)
    accepted(ask(policy, BOB, at(60)))
    assert ask(policy, ALICE, at(59.9 + 24 * 60 - 0.1)) == Refused(Refusal.SENDER_LOCKED)
    accepted(ask(policy, ALICE, at(59.9 + 24 * 60)))


def test_wrong_pins_older_than_an_hour_are_forgotten(policy: AssistPolicy) -> None:
    for minute in range(4):
        check(policy, ALICE, "000000 hi", at(minute))
    assert check(policy, ALICE, "000000 hi", at(60)) == Refused(Refusal.WRONG_PIN)
    accepted(ask(policy, ALICE, at(60.1)))


def test_twenty_wrong_pins_from_anyone_pause_everything_for_an_hour() -> None:
    policy = make_policy()
    for minute in range(19):
        sender = GUESSERS[minute % 10]
        assert check(policy, sender, "000000 hi", at(minute)) == Refused(Refusal.WRONG_PIN)
    paused = check(policy, GUESSERS[9], "000000 hi", at(19))
    assert paused == Refused(Refusal.WRONG_PIN, (Lockout(Refusal.PAUSED, at(79)),))
    assert ask(policy, ALICE, at(78.9)) == Refused(Refusal.PAUSED)
    assert policy.screen(BOB, at(78.9), False, at(78.9)) == Refused(Refusal.PAUSED)
    accepted(ask(policy, ALICE, at(79)))


def test_the_fifth_and_twentieth_wrong_pin_locks_and_pauses() -> None:
    policy = make_policy()
    for minute in range(15):
        check(policy, GUESSERS[minute % 3], "000000 hi", at(minute))  # three locked out
    for minute in range(4):
        check(policy, GUESSERS[3], "000000 hi", at(15 + minute))
    both = check(policy, GUESSERS[3], "000000 hi", at(19))
    assert both == Refused(
        Refusal.WRONG_PIN,
        (
            Lockout(Refusal.SENDER_LOCKED, at(19) + timedelta(days=1)),
            Lockout(Refusal.PAUSED, at(79)),
        ),
    )
    # The pause is told before a sender's own lockout.
    assert ask(policy, GUESSERS[3], at(20)) == Refused(Refusal.PAUSED)


def test_a_stale_message_from_a_locked_sender_is_a_lockout(policy: AssistPolicy) -> None:
    for minute in range(5):
        check(policy, ALICE, "000000 hi", at(minute))
    assert decide(policy, ALICE, f"{PIN} hi", at(-60), False, at(5)) == Refused(
        Refusal.SENDER_LOCKED
    )


def test_a_lockout_begun_while_the_text_was_read_holds(policy: AssistPolicy) -> None:
    """Screened, then locked out by other messages before its text is checked: refused."""
    screened = policy.screen(ALICE, at(0), False, at(0))
    assert isinstance(screened, Screened)
    for _ in range(5):
        check(policy, ALICE, "000000 hi", at(0))
    assert policy.check(screened, f"{PIN} hi", at(0)) == Refused(Refusal.SENDER_LOCKED)
    late = policy.screen(BOB, at(0), False, at(0))
    assert isinstance(late, Screened)
    assert policy.check(late, f"{PIN} hi", at(5.1)) == Refused(Refusal.STALE)


def test_rate_limit_per_contact(policy: AssistPolicy) -> None:
    for minute in range(5):
        accepted(ask(policy, ALICE, at(minute)))
    assert ask(policy, ALICE, at(9.9)) == Refused(Refusal.RATE_LIMITED)
    accepted(ask(policy, BOB, at(9.9)))  # another contact has its own count
    accepted(ask(policy, ALICE, at(10)))  # the first one left the window
    assert ask(policy, ALICE, at(10.5)) == Refused(Refusal.RATE_LIMITED)


def test_refused_messages_use_no_slot() -> None:
    policy = make_policy(rate_limit=1)
    for _ in range(3):
        assert check(policy, ALICE, "wrong", at(0)) == Refused(Refusal.WRONG_PIN)
    assert check(policy, ALICE, PIN, at(0)) == Refused(Refusal.EMPTY)
    accepted(ask(policy, ALICE, at(0)))
    assert ask(policy, ALICE, at(1)) == Refused(Refusal.RATE_LIMITED)


def test_a_daily_cap_per_contact_and_one_for_all_in_the_callers_day() -> None:
    policy = make_policy(rate_limit=100, contact_daily_cap=2, daily_cap=3)
    evening = datetime(2027, 5, 12, 20, 0, tzinfo=UTC).astimezone(LOCAL)  # 23:00 there
    accepted(ask(policy, ALICE, evening))
    accepted(ask(policy, ALICE, evening))
    assert ask(policy, ALICE, evening) == Refused(Refusal.CONTACT_DAILY_CAP)
    accepted(ask(policy, BOB, evening))
    assert ask(policy, BOB, evening + timedelta(minutes=59)) == Refused(Refusal.DAILY_CAP)
    accepted(ask(policy, BOB, evening + timedelta(hours=1)))  # midnight there
    accepted(ask(policy, ALICE, evening + timedelta(hours=1)))
    accepted(ask(policy, ALICE, evening + timedelta(hours=3, minutes=59)))
    assert ask(policy, ALICE, evening + timedelta(hours=4)) == Refused(  # UTC's midnight
        Refusal.CONTACT_DAILY_CAP
    )
    assert ask(policy, BOB, evening + timedelta(hours=5)) == Refused(Refusal.DAILY_CAP)


def test_the_counts_go_on_in_a_new_policy_on_the_stored_state() -> None:
    """A reload, a restart or new settings: the counts are the state's, not the policy's."""
    first = make_policy(rate_limit=2)
    for minute in range(2):
        accepted(ask(first, ALICE, at(minute)))
    for minute in range(5):
        check(first, BOB, "000000 hi", at(minute))
    stored = AssistState.from_dict(first.state.as_dict())
    later = make_policy(stored, rate_limit=2, daily_cap=20)
    assert later.state is stored
    assert ask(later, ALICE, at(5)) == Refused(Refusal.RATE_LIMITED)
    assert ask(later, BOB, at(5)) == Refused(Refusal.SENDER_LOCKED)


def test_conversation_kept_while_the_contact_writes(policy: AssistPolicy) -> None:
    first = accepted(ask(policy, ALICE, at(0))).conversation_id
    assert accepted(ask(policy, ALICE, at(4.9))).conversation_id == first
    assert accepted(ask(policy, ALICE, at(9.8))).conversation_id == first
    bob = accepted(ask(policy, BOB, at(9.8))).conversation_id
    later = accepted(ask(policy, ALICE, at(14.8))).conversation_id
    assert len({first, bob, later}) == 3
    assert first.startswith("dinstar-sms-")
    # Home Assistant replaces an unknown ULID (26 characters) with a new one; this id it keeps.
    assert len(first) != 26


def test_a_refused_message_does_not_keep_the_conversation(policy: AssistPolicy) -> None:
    first = accepted(ask(policy, ALICE, at(0))).conversation_id
    assert check(policy, ALICE, "hi", at(4)) == Refused(Refusal.WRONG_PIN)
    assert accepted(ask(policy, ALICE, at(5))).conversation_id != first


def test_max_parts_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_parts 0 is less than one SMS"):
        make_policy(max_parts=0)
    make_policy(max_parts=1)


@pytest.mark.parametrize(
    ("text", "max_parts"),
    [("a" * 160, 1), ("a" * 306, 2), ("€" * 80, 1), ("Ж" * 70, 1), ("Ж" * 134, 2)],
)
def test_replies_that_fit_are_unchanged(text: str, max_parts: int) -> None:
    assert fit_to_parts(text, max_parts) == text


def test_a_long_7bit_reply_is_cut_with_dots(policy: AssistPolicy) -> None:
    text = "The kitchen lights are on. " * 20
    reply = policy.fit_reply(text)
    plan = plan_sms(reply)
    assert plan.encoding is SmsEncoding.GSM_7BIT  # "…" would have made it UCS-2
    assert plan.parts == 2
    assert plan.units > 290
    kept = reply.removesuffix("...")
    assert text.startswith(kept)
    assert text[len(kept)] == " "  # cut between words


def test_a_long_ucs2_reply_is_cut_with_an_ellipsis() -> None:
    reply = fit_to_parts("Свет на кухне включён. " * 10, 1)
    plan = plan_sms(reply)
    assert plan.encoding is SmsEncoding.UNICODE
    assert plan.parts == 1
    assert reply.endswith("…")
    assert plan.units > 60
    assert reply.removesuffix("…").endswith(("кухне", "включён."))


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        # The last space 20 characters from the cut: cut there; 21: cut in the word.
        ("a" * 137 + " " + "b" * 200, "a" * 137 + "..."),
        ("a" * 136 + " " + "b" * 200, "a" * 136 + " " + "b" * 20 + "..."),
        ("a " + "b" * 300, "a " + "b" * 155 + "..."),
        # Spaces before the text count: what the cut keeps must still fit.
        (" " * 5 + "a" * 200, " " * 5 + "a" * 152 + "..."),
    ],
)
def test_a_reply_is_cut_between_words_near_the_end(text: str, reply: str) -> None:
    assert fit_to_parts(text, 1) == reply


def test_a_reply_without_spaces_is_cut_anywhere() -> None:
    assert fit_to_parts("a" * 161, 1) == "a" * 157 + "..."
    assert fit_to_parts("😀" * 40, 1) == "😀" * 34 + "…"  # two UCS-2 units each


@given(text=st.text(max_size=1200), max_parts=st.integers(min_value=1, max_value=4))
def test_any_reply_fits(text: str, max_parts: int) -> None:
    reply = fit_to_parts(text, max_parts)
    assert plan_sms(reply).parts <= max_parts
    if reply != text:
        kept = reply.removesuffix("...").removesuffix("…")
        assert text.startswith(kept)
        assert len(kept) > 0 or not text.strip()
