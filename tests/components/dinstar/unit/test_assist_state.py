"""What Assist by SMS counted, as the store keeps it, and what it forgets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from custom_components.dinstar.assist.state import AssistState

ALICE = "+40712345678"
BOB = "+40798765432"
NOW = datetime(2027, 5, 12, 8, 0, tzinfo=UTC)


def test_nothing_stored_is_a_new_state() -> None:
    assert AssistState.from_dict(None) == AssistState()


def test_what_is_stored_comes_back() -> None:
    state = AssistState(
        replies={ALICE: [NOW, NOW + timedelta(minutes=1)]},
        day=date(2027, 5, 12),
        replies_today={ALICE: 2, BOB: 1},
        wrong_pins={BOB: [NOW]},
        locked_until={BOB: NOW + timedelta(days=1)},
        paused_until=NOW + timedelta(hours=1),
    )
    stored = state.as_dict()
    assert stored == {
        "replies": {ALICE: ["2027-05-12T08:00:00+00:00", "2027-05-12T08:01:00+00:00"]},
        "day": "2027-05-12",
        "replies_today": {ALICE: 2, BOB: 1},
        "wrong_pins": {BOB: ["2027-05-12T08:00:00+00:00"]},
        "locked_until": {BOB: "2027-05-13T08:00:00+00:00"},
        "paused_until": "2027-05-12T09:00:00+00:00",
    }
    assert AssistState.from_dict(stored) == state
    assert AssistState.from_dict(AssistState().as_dict()) == AssistState()


def test_what_no_limit_looks_at_is_forgotten() -> None:
    state = AssistState(
        replies={
            ALICE: [NOW - timedelta(minutes=10)],
            BOB: [NOW - timedelta(minutes=10), NOW - timedelta(minutes=9)],
        },
        wrong_pins={ALICE: [NOW - timedelta(hours=1)], BOB: [NOW - timedelta(minutes=59)]},
        locked_until={ALICE: NOW, BOB: NOW + timedelta(seconds=1)},
        paused_until=NOW,
    )
    state.forget(NOW, timedelta(minutes=10), timedelta(hours=1))
    assert state.replies == {BOB: [NOW - timedelta(minutes=9)]}
    assert state.wrong_pins == {BOB: [NOW - timedelta(minutes=59)]}
    assert state.locked_until == {BOB: NOW + timedelta(seconds=1)}
    assert state.paused_until is None


def test_a_pause_not_over_is_kept() -> None:
    state = AssistState(paused_until=NOW + timedelta(seconds=1))
    state.forget(NOW, timedelta(minutes=10), timedelta(hours=1))
    assert state.paused_until == NOW + timedelta(seconds=1)
    state.forget(NOW + timedelta(seconds=1), timedelta(minutes=10), timedelta(hours=1))
    assert state.paused_until is None
