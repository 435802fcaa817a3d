"""The panel's history on its own: threads, pages by cursor, read marks, outcomes, bounds."""

from __future__ import annotations

from typing import Any

from custom_components.dinstar.messages.history import History, Kind, Message, Status, oldest_beyond


def everything(_message: Message) -> bool:
    return True


def add(history: History, thread: str, kind: Kind = Kind.RECEIVED, **values: Any) -> Message:
    fields: dict[str, Any] = {
        "entry_id": "gw1",
        "thread": thread,
        "kind": kind,
        "port": 1,
        "at": 1000.0 + history.next_id,
        "number": thread,
        "text": f"text {history.next_id}",
    }
    return history.add(**(fields | values))


def test_pages_go_back_from_the_newest_with_a_cursor() -> None:
    history = History()
    for _ in range(7):
        add(history, "+491")
        add(history, "+492")  # another thread in between changes nothing
    newest, more = history.page("+491", None, 3, everything)
    assert [m.id for m in newest] == [9, 11, 13]  # oldest first, the newest last
    assert more
    older, more = history.page("+491", newest[0].id, 3, everything)
    assert [m.id for m in older] == [3, 5, 7]
    assert more
    oldest, more = history.page("+491", older[0].id, 3, everything)
    assert [m.id for m in oldest] == [1]
    assert not more
    assert history.page("unknown", None, 3, everything) == ([], False)


def test_a_filter_pages_over_what_it_accepts() -> None:
    history = History()
    for port in (1, 2, 1, 2, 1):
        add(history, "+491", port=port)
    page, more = history.page("+491", None, 2, lambda m: m.port == 1)
    assert [m.id for m in page] == [3, 5]
    assert more
    assert history.page("+491", 3, 2, lambda m: m.port == 1) == ([history.get(1)], False)


def test_threads_newest_first_with_unread_incoming_only() -> None:
    history = History()
    add(history, "+491")
    add(history, "+492")
    add(history, "+491", Kind.SENT, status=Status.QUEUED)
    add(history, "ussd:gw1:1", Kind.USSD)
    summaries = history.summaries(everything)
    assert [(s.thread, s.last.id, s.unread) for s in summaries] == [
        ("ussd:gw1:1", 4, 1),
        ("+491", 3, 1),  # what was sent is not unread
        ("+492", 2, 1),
    ]
    assert history.mark_read("+491", 3)
    assert not history.mark_read("+491", 2)  # a mark never moves back
    assert history.unread("+491", everything) == 0
    add(history, "+491")
    assert history.unread("+491", everything) == 1
    assert [s.thread for s in history.summaries(lambda m: m.thread != "+491")] == [
        "ussd:gw1:1",
        "+492",
    ]


def test_a_sent_message_only_moves_forward() -> None:
    history = History()
    sent = add(history, "+491", Kind.SENT, user_id=7, status=Status.QUEUED)
    assert history.sent_by_user_id("gw1", 7) is sent
    assert history.sent_by_user_id("gw2", 7) is None
    assert sent.advance(Status.SENT)
    assert sent.advance(Status.DELIVERED)
    assert not sent.advance(Status.SENT)  # a late result does not hide the delivery
    assert not sent.advance(Status.UNDELIVERED, 34)
    assert (sent.status, sent.status_code) == (Status.DELIVERED, None)
    failed = add(history, "+491", Kind.SENT, user_id=8, status=Status.QUEUED)
    assert failed.advance(Status.UNDELIVERED, 34)
    assert (failed.status, failed.status_code) == (Status.UNDELIVERED, 34)


def test_removed_messages_take_their_emptied_threads_read_marks() -> None:
    history = History()
    add(history, "+491")
    add(history, "+492", entry_id="gw2")
    add(history, "+491", Kind.SENT, user_id=3, entry_id="gw2")
    history.mark_read("+491", 1)
    history.mark_read("+492", 2)
    assert history.remove(lambda m: m.entry_id == "gw2") == 2
    assert history.remove(lambda m: m.entry_id == "gw2") == 0
    assert [m.id for m in history] == [1]
    assert history.read == {"+491": 1}
    assert history.sent_by_user_id("gw2", 3) is None
    assert history.next_id == 4  # ids are never given twice


def test_stored_and_read_again_alike() -> None:
    history = History()
    add(history, "+491", text=None)
    add(history, "+491", Kind.SENT, user_id=1, parts=2, status=Status.FAILED, assist=True)
    add(history, "+491", Kind.SENT, port=None)  # the gateway chose the port: not known yet
    history.mark_read("+491", 1)
    stored = history.as_dict()
    assert "text" not in stored["messages"][0]  # empty fields are left out
    again = History()
    again.load(stored)
    assert again.as_dict() == stored
    assert again.sent_by_user_id("gw1", 1) == history.get(2)
    assert (sent := again.get(2)) is not None
    assert sent.kind is Kind.SENT
    assert (unknown_port := again.get(3)) is not None
    assert unknown_port.port is None
    assert len(again) == 3


def test_oldest_beyond_the_cap() -> None:
    history = History()
    for _ in range(5):
        add(history, "+491")
    assert oldest_beyond(history, 3) == {1, 2}
    assert oldest_beyond(history, 10) == set()
