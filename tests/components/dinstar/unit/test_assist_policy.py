"""The rules for answering SMS through Assist: who, with which PIN, how often, how long."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.dinstar.aiodinstar import SmsEncoding, plan_sms
from custom_components.dinstar.assist_policy import (
    Accepted,
    AssistPolicy,
    AssistSettings,
    Refusal,
    Refused,
    fit_to_parts,
    is_automated_sender,
)

ALICE = "+40712345678"
BOB = "+40798765432"
GATEWAY_SIM = "+40711111111"
START = datetime(2027, 5, 12, 8, 0, tzinfo=UTC)
# Midnight there is 21:00 UTC.
LOCAL = timezone(timedelta(hours=3))


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def make_policy(**changes: Any) -> AssistPolicy:
    settings = AssistSettings(
        allowed=frozenset({"+40 712-345-678", BOB, GATEWAY_SIM, "VODAFONE", "1234"}),
        own_numbers=frozenset({GATEWAY_SIM}),
        rate_limit=5,
        rate_window=timedelta(minutes=10),
        daily_cap=8,
        max_parts=2,
        conversation_window=timedelta(minutes=5),
    )
    return AssistPolicy(replace(settings, **changes), LOCAL)


def accepted(result: Accepted | Refused) -> Accepted:
    assert isinstance(result, Accepted), result
    return result


@pytest.fixture
def policy() -> AssistPolicy:
    return make_policy()


def test_an_allowed_contact_in_any_notation(policy: AssistPolicy) -> None:
    for sender in (ALICE, "0040712345678", "+40 (712) 345 678"):
        assert accepted(policy.check(sender, "  lights on ", at(0))).text == "lights on"


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        ("+40700000000", Refusal.NOT_ALLOWED),
        ("0712345678", Refusal.NOT_ALLOWED),  # a national form is another number
        (GATEWAY_SIM, Refusal.OWN_NUMBER),  # even when allowed: two ports would loop
        ("VODAFONE", Refusal.AUTOMATED_SENDER),
        ("Bank-Info", Refusal.AUTOMATED_SENDER),
        ("1234", Refusal.AUTOMATED_SENDER),
        ("123456", Refusal.AUTOMATED_SENDER),
        ("+12345", Refusal.AUTOMATED_SENDER),
        ("", Refusal.AUTOMATED_SENDER),
    ],
)
def test_senders_that_get_no_answer(policy: AssistPolicy, sender: str, reason: Refusal) -> None:
    assert policy.check(sender, "lights on", at(0)) == Refused(reason)


def test_off_without_allowed_contacts() -> None:
    assert make_policy(allowed=frozenset()).check(ALICE, "hi", at(0)) == Refused(
        Refusal.NOT_ALLOWED
    )


def test_short_codes_end_at_six_digits() -> None:
    assert is_automated_sender("123456")
    assert not is_automated_sender("1234567")
    assert not is_automated_sender("+40 712 345 678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4711 lights on", "lights on"),
        ("4711: lights on", "lights on"),
        ("4711\nlights on", "lights on"),
        ("  4711 lights on", "lights on"),
        ("4711", Refusal.EMPTY),
        ("47111 lights on", Refusal.WRONG_PIN),
        ("4712 lights on", Refusal.WRONG_PIN),
        ("471", Refusal.WRONG_PIN),
        ("lights on", Refusal.WRONG_PIN),
        ("lights on 4711", Refusal.WRONG_PIN),
    ],
)
def test_the_pin_starts_each_message(text: str, expected: str | Refusal) -> None:
    result = make_policy(pin="4711").check(ALICE, text, at(0))
    if isinstance(expected, Refusal):
        assert result == Refused(expected)
    else:
        assert accepted(result).text == expected


def test_an_empty_message_without_pin(policy: AssistPolicy) -> None:
    assert policy.check(ALICE, " \n", at(0)) == Refused(Refusal.EMPTY)


def test_rate_limit_per_contact(policy: AssistPolicy) -> None:
    for minute in range(5):
        accepted(policy.check(ALICE, "hi", at(minute)))
    assert policy.check(ALICE, "hi", at(9.9)) == Refused(Refusal.RATE_LIMITED)
    accepted(policy.check(BOB, "hi", at(9.9)))  # another contact has its own count
    accepted(policy.check(ALICE, "hi", at(10)))  # the first one left the window
    assert policy.check(ALICE, "hi", at(10.5)) == Refused(Refusal.RATE_LIMITED)


def test_refused_messages_use_no_slot() -> None:
    policy = make_policy(pin="4711", rate_limit=1)
    for _ in range(3):
        assert policy.check(ALICE, "wrong", at(0)) == Refused(Refusal.WRONG_PIN)
    accepted(policy.check(ALICE, "4711 hi", at(0)))
    assert policy.check(ALICE, "4711 hi", at(1)) == Refused(Refusal.RATE_LIMITED)


def test_daily_cap_for_all_contacts_in_the_callers_day() -> None:
    policy = make_policy(daily_cap=3)
    evening = datetime(2027, 5, 12, 20, 0, tzinfo=UTC)  # 23:00 there
    accepted(policy.check(ALICE, "hi", evening))
    accepted(policy.check(BOB, "hi", evening))
    accepted(policy.check(ALICE, "hi", evening + timedelta(minutes=30)))
    assert policy.check(BOB, "hi", evening + timedelta(minutes=59)) == Refused(Refusal.DAILY_CAP)
    accepted(policy.check(BOB, "hi", evening + timedelta(hours=1)))  # midnight there
    accepted(policy.check(BOB, "hi", evening + timedelta(hours=3, minutes=59)))
    accepted(policy.check(ALICE, "hi", evening + timedelta(hours=4)))  # UTC's midnight: same day
    assert policy.check(BOB, "hi", evening + timedelta(hours=5)) == Refused(Refusal.DAILY_CAP)


def test_conversation_kept_while_the_contact_writes(policy: AssistPolicy) -> None:
    first = accepted(policy.check(ALICE, "hi", at(0))).conversation_id
    assert accepted(policy.check(ALICE, "and?", at(4.9))).conversation_id == first
    assert accepted(policy.check(ALICE, "and?", at(9.8))).conversation_id == first
    bob = accepted(policy.check(BOB, "hi", at(9.8))).conversation_id
    later = accepted(policy.check(ALICE, "hi again", at(14.8))).conversation_id
    assert len({first, bob, later}) == 3
    # Home Assistant replaces an unknown ULID (26 characters) with a new one; this id it keeps.
    assert len(first) != 26


def test_a_refused_message_does_not_keep_the_conversation() -> None:
    policy = make_policy(pin="4711")
    first = accepted(policy.check(ALICE, "4711 hi", at(0))).conversation_id
    assert policy.check(ALICE, "hi", at(4)) == Refused(Refusal.WRONG_PIN)
    assert accepted(policy.check(ALICE, "4711 hi", at(6))).conversation_id != first


def test_max_parts_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="less than one SMS"):
        make_policy(max_parts=0)


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
