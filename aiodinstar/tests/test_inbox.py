"""The inbox ledger: catch-ups, restarts, a new numbering: each message once, in order."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, strategies as st

from aiodinstar import InboxLedger, IncomingSms


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


def test_a_catch_up_claims_everything_above_the_cursor() -> None:
    ledger = InboxLedger()
    assert [m.incoming_sms_id for m in ledger.claim_catch_up([sms(1)])] == [1]
    new = ledger.claim_catch_up([sms(1), sms(2), sms(4), sms(3)])
    assert [m.incoming_sms_id for m in new] == [2, 3, 4]
    assert ledger.cursor == 4


def test_handled_ids_of_an_old_store_are_not_fired_again() -> None:
    """Stores of versions that let pushes fire may hold handled ids above the cursor."""
    ledger = InboxLedger.from_dict({"cursor": 1, "handled_above": [3]})
    assert [m.incoming_sms_id for m in ledger.claim_catch_up([sms(2), sms(3), sms(4)])] == [2, 4]
    assert ledger.cursor == 4
    assert ledger.claim_catch_up([]) == []


def test_state_survives_a_restart() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, 1), sms(2, 2)])
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.cursor == 2
    assert restored.as_dict() == ledger.as_dict()
    assert InboxLedger.from_dict(None).cursor == 0


@given(
    st.lists(st.lists(st.integers(min_value=1, max_value=60), max_size=20), max_size=6),
    st.booleans(),
)
def test_every_message_once_and_in_order_whatever_the_reads(
    arrivals: list[list[int]], restart: bool
) -> None:
    """Messages arrive in waves; each read returns what the gateway holds above the cursor."""
    ledger = InboxLedger()
    held: set[int] = set()
    fired: list[int] = []
    for wave in arrivals:
        # Ids only grow on a gateway: a wave adds ids above every one before it.
        top = max(held, default=0)
        held |= {top + i for i in wave}
        fired += [m.incoming_sms_id for m in ledger.claim_catch_up([sms(i) for i in held])]
        if restart:
            ledger = InboxLedger.from_dict(ledger.as_dict())
    assert fired == sorted(held)


def test_a_new_numbering_is_followed_with_what_came_after_it() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, 1), sms(2, 2), sms(3, 3)])
    assert ledger.follow_renumbering([]) is None  # an empty inbox shows nothing
    assert ledger.follow_renumbering([sms(2, 2), sms(3, 3)]) is None  # it goes on
    new = ledger.follow_renumbering([sms(1, 30), sms(2, 31)])
    assert [m.incoming_sms_id for m in new or []] == [1, 2]
    assert ledger.cursor == 2
    assert ledger.claim_catch_up([sms(3, 32)])[0].incoming_sms_id == 3


def test_remaining_history_after_deleted_messages_is_not_fired() -> None:
    """The latest messages were deleted on the gateway: older ones stay history."""
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, 1), sms(2, 2), sms(3, 3), sms(4, 4)])
    assert ledger.follow_renumbering([sms(1, 1), sms(2, 2)]) == []
    assert ledger.cursor == 2
