"""The inbox ledger at its edges: what it stores, old stores, a new numbering."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiodinstar import InboxLedger, IncomingSms

# The gateway's clock has no zone.
NOON = datetime(2026, 11, 29, 12, 0)  # noqa: DTZ001


def sms(sms_id: int, at: datetime | None = None) -> IncomingSms:
    return IncomingSms(
        incoming_sms_id=sms_id, port=0, number="1", smsc="", timestamp=at, text=str(sms_id)
    )


def ids(messages: list[IncomingSms] | None) -> list[int] | None:
    return None if messages is None else [m.incoming_sms_id for m in messages]


def test_what_is_stored_and_restored() -> None:
    """The stored form is plain JSON; a restored ledger treats every id as before."""
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, NOON + timedelta(minutes=5)), sms(2, NOON)])
    assert ledger.as_dict() == {
        "cursor": 2,
        "handled_above": [],
        "newest": "2026-11-29T12:05:00",
    }
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.as_dict() == ledger.as_dict()
    assert ids(restored.claim_catch_up([sms(2), sms(3)])) == [3]


def test_an_old_store_with_ids_above_a_gap_closes_it() -> None:
    restored = InboxLedger.from_dict({"cursor": 1, "handled_above": [3]})
    assert ids(restored.claim_catch_up([sms(2)])) == [2]
    # The cursor passes the id handled above the gap.
    assert restored.as_dict() == {"cursor": 3, "handled_above": []}


def test_a_ledger_without_times_stores_none() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1)])
    assert ledger.as_dict() == {"cursor": 1, "handled_above": []}
    assert InboxLedger.from_dict({"cursor": 1, "handled_above": []}).as_dict() == ledger.as_dict()


def test_restored_ids_at_or_below_the_cursor_are_dropped() -> None:
    ledger = InboxLedger.from_dict({"cursor": 3, "handled_above": [2, 3, 5]})
    assert ledger.as_dict() == {"cursor": 3, "handled_above": [5]}
    assert ids(ledger.claim_catch_up([sms(4), sms(5), sms(6)])) == [4, 6]
    assert ledger.as_dict() == {"cursor": 6, "handled_above": []}


def test_a_catch_up_keeps_handled_ids_above_what_it_returned() -> None:
    """Ids above the catch-up's highest one stay handled, the others are behind the cursor."""
    ledger = InboxLedger.from_dict({"cursor": 1, "handled_above": [3, 7]})
    assert ids(ledger.claim_catch_up([sms(3), sms(4)])) == [4]
    assert ledger.as_dict() == {"cursor": 4, "handled_above": [7]}
    assert ids(ledger.claim_catch_up([sms(2)])) == []  # older than the cursor: nothing moves
    assert ledger.cursor == 4
    # The catch-up's highest id was handled already: it is the cursor now, nothing above it.
    ledger = InboxLedger.from_dict({"cursor": 1, "handled_above": [3]})
    assert ids(ledger.claim_catch_up([sms(2), sms(3)])) == [2]
    assert ledger.as_dict() == {"cursor": 3, "handled_above": []}


def test_a_catch_up_notes_the_newest_time_of_what_it_fires() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, NOON), sms(2, NOON + timedelta(minutes=2)), sms(3)])
    assert ledger.as_dict()["newest"] == "2026-11-29T12:02:00"


def test_an_inbox_reaching_the_cursor_is_no_new_numbering() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, NOON), sms(2, NOON), sms(3, NOON)])
    assert ledger.follow_renumbering([sms(3, NOON)]) is None
    assert ledger.cursor == 3


def test_a_new_numbering_fires_what_has_no_time_or_came_later() -> None:
    ledger = InboxLedger()
    ledger.claim_catch_up([sms(1, NOON), sms(2, NOON), sms(3, NOON)])
    new = ledger.follow_renumbering([sms(2), sms(1, NOON)])
    assert ids(new) == [2]  # id 1 is as old as the handled ones: history, not news
    assert ledger.as_dict() == {"cursor": 2, "handled_above": [], "newest": "2026-11-29T12:00:00"}


def test_a_new_numbering_without_known_times_fires_all() -> None:
    ledger = InboxLedger.from_dict({"cursor": 5, "handled_above": [9]})
    new = ledger.follow_renumbering([sms(2, NOON), sms(1, NOON)])
    assert ids(new) == [1, 2]
    assert ledger.as_dict() == {"cursor": 2, "handled_above": [], "newest": "2026-11-29T12:00:00"}
