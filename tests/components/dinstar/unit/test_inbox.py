"""The inbox ledger: in-order claims, catch-ups, restarts, a new numbering: each message once."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, strategies as st

from custom_components.dinstar.aiodinstar import IncomingSms
from custom_components.dinstar.inbox import InboxLedger


def sms(sms_id: int, minute: int | None = None) -> IncomingSms:
    return IncomingSms(
        incoming_sms_id=sms_id,
        port=0,
        number="1",
        smsc="",
        # The gateway's clock has no zone.
        timestamp=None if minute is None else datetime(2026, 11, 29, 12, minute),  # noqa: DTZ001
        text=str(sms_id),
    )


def test_only_the_next_id_is_claimed_at_once() -> None:
    ledger = InboxLedger()
    assert ledger.is_next(sms(1))
    ledger.claim(sms(1))
    assert not ledger.is_new(sms(1))
    assert ledger.is_new(sms(3))
    assert not ledger.is_next(sms(3))  # 2's push was dropped: 3 waits for the gap's read
    new = ledger.claim_catch_up([sms(2), sms(3), sms(4)])
    assert [m.incoming_sms_id for m in new] == [2, 3, 4]
    assert ledger.cursor == 4


def test_pushes_taken_before_the_first_read_are_not_fired_again() -> None:
    """Old stores may hold handled ids above the cursor: a catch-up skips them."""
    ledger = InboxLedger.from_dict({"cursor": 1, "handled_above": [3]})
    assert not ledger.is_new(sms(3))
    assert [m.incoming_sms_id for m in ledger.claim_catch_up([sms(2), sms(3), sms(4)])] == [2, 4]
    ledger.claim(sms(5))
    assert ledger.cursor == 5
    assert ledger.claim_catch_up([]) == []


def test_state_survives_a_restart() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2):
        ledger.claim(sms(sms_id, sms_id))
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.cursor == 2
    assert restored.as_dict() == ledger.as_dict()
    assert InboxLedger.from_dict(None).cursor == 0


@given(
    st.lists(st.integers(min_value=1, max_value=60), max_size=80),
    st.sets(st.integers(min_value=1, max_value=60)),
    st.booleans(),
)
def test_every_message_once_and_in_order_whatever_the_pushes(
    pushed: list[int], dropped: set[int], restart: bool
) -> None:
    """Pushes come (repeated, lost, out of order); the next ones fire, a catch-up the rest."""
    existing = sorted(set(pushed) | dropped)
    ledger = InboxLedger()
    fired: list[int] = []
    for sms_id in pushed:
        if sms_id not in dropped and ledger.is_next(sms(sms_id)):
            ledger.claim(sms(sms_id))
            fired.append(sms_id)
    if restart:
        ledger = InboxLedger.from_dict(ledger.as_dict())
    fired += [m.incoming_sms_id for m in ledger.claim_catch_up([sms(i) for i in existing])]
    assert fired == existing


def test_a_new_numbering_is_followed_with_what_came_after_it() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2, 3):
        ledger.claim(sms(sms_id, sms_id))
    assert not ledger.may_be_renumbered(sms(2, 2))  # a repeated push: its own time
    assert ledger.may_be_renumbered(sms(1, 30))  # id 1 again, later: ask the gateway
    assert ledger.follow_renumbering([]) is None  # an empty inbox shows nothing
    assert ledger.follow_renumbering([sms(2, 2), sms(3, 3)]) is None  # it goes on
    new = ledger.follow_renumbering([sms(1, 30), sms(2, 31)])
    assert [m.incoming_sms_id for m in new or []] == [1, 2]
    assert ledger.cursor == 2
    assert ledger.claim_catch_up([sms(3, 32)])[0].incoming_sms_id == 3


def test_remaining_history_after_deleted_messages_is_not_fired() -> None:
    """The latest messages were deleted on the gateway: older ones stay history."""
    ledger = InboxLedger()
    for sms_id in (1, 2, 3, 4):
        ledger.claim(sms(sms_id, sms_id))
    assert ledger.follow_renumbering([sms(1, 1), sms(2, 2)]) == []
    assert ledger.cursor == 2
