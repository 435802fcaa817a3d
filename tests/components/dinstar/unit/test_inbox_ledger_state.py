"""The inbox ledger at its edges: what it stores, when a repeated id is news, a new numbering."""

from __future__ import annotations

from datetime import datetime, timedelta

from custom_components.dinstar.aiodinstar import IncomingSms
from custom_components.dinstar.inbox import RENUMBERED_AFTER, InboxLedger

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
    ledger.claim(sms(1, NOON + timedelta(minutes=5)))
    ledger.claim(sms(3, NOON))  # pushed above a gap, older: the newest time stays
    assert ledger.as_dict() == {
        "cursor": 1,
        "handled_above": [3],
        "newest": "2026-11-29T12:05:00",
    }
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.as_dict() == ledger.as_dict()
    assert (restored.is_new(sms(2)), restored.is_new(sms(3)), restored.is_next(sms(2))) == (
        True,
        False,
        True,
    )
    restored.claim(sms(2))  # the gap closes: the cursor passes the id handled above it
    assert restored.as_dict()["cursor"] == 3
    assert restored.as_dict()["handled_above"] == []


def test_a_ledger_without_times_stores_none() -> None:
    ledger = InboxLedger()
    ledger.claim(sms(1))
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


def test_a_repeated_id_is_news_only_when_well_newer() -> None:
    """A repeated push carries its own time; a minute past the newest is the threshold."""
    ledger = InboxLedger()
    assert not ledger.may_be_renumbered(sms(1, NOON))  # nothing handled: no time to compare
    ledger.claim(sms(1, NOON))
    ledger.claim(sms(2))  # a message without time does not move the newest time
    assert not ledger.may_be_renumbered(sms(1, NOON + RENUMBERED_AFTER))
    assert ledger.may_be_renumbered(sms(1, NOON + RENUMBERED_AFTER + timedelta(seconds=1)))
    assert not ledger.may_be_renumbered(sms(1))


def test_an_inbox_reaching_the_cursor_is_no_new_numbering() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2, 3):
        ledger.claim(sms(sms_id, NOON))
    assert ledger.follow_renumbering([sms(3, NOON)]) is None
    assert ledger.cursor == 3


def test_a_new_numbering_fires_what_has_no_time_or_came_later() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2, 3):
        ledger.claim(sms(sms_id, NOON))
    new = ledger.follow_renumbering([sms(2), sms(1, NOON)])
    assert ids(new) == [2]  # id 1 is as old as the handled ones: history, not news
    assert ledger.as_dict() == {"cursor": 2, "handled_above": [], "newest": "2026-11-29T12:00:00"}


def test_a_new_numbering_without_known_times_fires_all() -> None:
    ledger = InboxLedger.from_dict({"cursor": 5, "handled_above": [9]})
    new = ledger.follow_renumbering([sms(2, NOON), sms(1, NOON)])
    assert ids(new) == [1, 2]
    assert ledger.as_dict() == {"cursor": 2, "handled_above": [], "newest": "2026-11-29T12:00:00"}
