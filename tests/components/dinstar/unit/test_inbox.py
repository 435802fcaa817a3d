"""The inbox ledger: pushes, dropped pushes, catch-ups, restarts: each message once."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, strategies as st

from custom_components.dinstar.aiodinstar import IncomingSms
from custom_components.dinstar.inbox import InboxLedger


def sms(sms_id: int, port: int = 0) -> IncomingSms:
    return IncomingSms(
        incoming_sms_id=sms_id, port=port, number="1", smsc="", timestamp=None, text=str(sms_id)
    )


def test_push_twice_fires_once_and_cursor_waits_for_a_dropped_push() -> None:
    ledger = InboxLedger()
    assert ledger.claim(sms(1))
    assert not ledger.claim(sms(1))
    assert ledger.claim(sms(3))  # 2's push was dropped
    assert ledger.cursor == 1
    new = ledger.claim_catch_up([sms(2), sms(3), sms(4)])
    assert [m.incoming_sms_id for m in new] == [2, 4]
    assert ledger.cursor == 4


def test_a_late_push_closes_its_gap() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 3, 4):
        assert ledger.claim(sms(sms_id))
    assert ledger.as_dict() == {"cursor": 1, "handled_above": [3, 4]}
    assert ledger.claim(sms(2))
    assert ledger.as_dict() == {"cursor": 4, "handled_above": []}


def test_gaps_the_gateway_no_longer_has_are_closed_by_a_catch_up() -> None:
    ledger = InboxLedger()
    ledger.claim(sms(5))
    assert ledger.cursor == 0
    assert [m.incoming_sms_id for m in ledger.claim_catch_up([sms(5), sms(7)])] == [7]
    assert ledger.cursor == 7
    assert ledger.claim_catch_up([]) == []
    assert ledger.cursor == 7


def test_state_survives_a_restart() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2, 4):
        ledger.claim(sms(sms_id))
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.as_dict() == {"cursor": 2, "handled_above": [4]}
    assert not restored.claim(sms(4))
    assert InboxLedger.from_dict(None).cursor == 0


@given(
    st.lists(st.integers(min_value=1, max_value=60), max_size=80),
    st.sets(st.integers(min_value=1, max_value=60)),
    st.booleans(),
)
def test_every_message_once_whatever_the_pushes(
    pushed: list[int], dropped: set[int], restart: bool
) -> None:
    """Pushes come (some repeated, some lost); a catch-up then delivers the rest exactly once."""
    existing = sorted(set(pushed) | dropped)
    ledger = InboxLedger()
    fired = [sms_id for sms_id in pushed if sms_id not in dropped and ledger.claim(sms(sms_id))]
    if restart:
        ledger = InboxLedger.from_dict(ledger.as_dict())
    fired += [
        m.incoming_sms_id
        for m in ledger.claim_catch_up([sms(i) for i in existing if i > ledger.cursor])
    ]
    assert sorted(fired) == existing
    assert len(fired) == len(set(fired))


def timed(sms_id: int, minute: int) -> IncomingSms:
    return IncomingSms(
        incoming_sms_id=sms_id,
        port=0,
        number="1",
        smsc="",
        timestamp=datetime(2026, 11, 29, 12, minute),  # noqa: DTZ001 - the gateway has no zone
        text=str(sms_id),
    )


def test_a_gateway_numbering_again_is_followed() -> None:
    """After a reset the gateway reuses ids: a newer message under an old id is new."""
    ledger = InboxLedger()
    for sms_id in (1, 2, 3):
        assert ledger.claim(timed(sms_id, sms_id))
    assert not ledger.claim(timed(2, 2))  # a repeated push: the same message, its own time
    assert not ledger.claim(timed(3, 3))
    assert ledger.claim(timed(1, 30))  # id 1 again, half an hour later: a new message
    assert ledger.cursor == 1
    assert not ledger.claim(timed(1, 30))
    assert ledger.claim(timed(2, 31))
    restored = InboxLedger.from_dict(ledger.as_dict())
    assert restored.as_dict() == ledger.as_dict()
    assert not restored.claim(timed(2, 31))
    assert restored.claim(timed(3, 32))


def test_a_late_push_of_an_older_message_is_no_renumbering() -> None:
    ledger = InboxLedger()
    for sms_id in (1, 2):
        ledger.claim(timed(sms_id, 10 + sms_id))
    assert ledger.claim_catch_up([timed(3, 20)])[0].incoming_sms_id == 3
    assert not ledger.claim(timed(2, 12))
    assert not ledger.claim(timed(3, 20))
    assert ledger.cursor == 3
