"""The Messages panel from the outside: what it shows, what it trusts, what it keeps.

Through the websocket commands the README names (``dinstar/messages/threads``, ``.../thread``,
``.../mark_read``, ``.../send``, ``.../subscribe``), Home Assistant's REST API, the gateway's
webhook and the store as it is written. Trust rule: pushes are unsigned and senders forgeable;
nothing they say may lose, hide or invent a message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun import freeze_time
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from .conftest import (
    ALICE as ASSIST_ALICE,
    KITCHEN,
    PIN,
    add_assist,
    add_contact,
    add_gateway,
    delivery_report,
    gateway_read,
    record_events,
    result_push,
    set_options,
    set_up_components,
    set_up_home,
    sms_push,
    text,
    wait_for,
)
from .gateway import FakeGateway
from .messages import (
    ALICE,
    BOB,
    INBOX,
    REPORTS,
    RESULTS,
    STORE_KEY,
    USSD,
    all_messages,
    call,
    drain,
    flush,
    make_user,
    ok,
    receive_sms,
    restarted_with_ws,
    store_text,
    thread_messages,
)

EVE = "+4915166666666"  # a forger's number


def _events_with(events: list[dict[str, Any]], key: str, value: Any) -> list[dict[str, Any]]:
    return [
        e["event"]["message"]
        for e in events
        if e.get("type") == "event" and (e["event"].get("message") or {}).get(key) == value
    ]


# -- received: once, unread, filtered -------------------------------------------------------


async def test_a_received_sms_appears_once_with_its_unread_count(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Pushed three times, then a reload reads the inbox again: one message, one unread.

    It arrives live once, and the filters and search find it where they should.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    live = await hass_ws_client(hass)
    assert (await call(live, "subscribe"))["success"]
    sms_id = await receive_sms(hass, web, added, ALICE, "Dinner at eight?", port=2)
    sms = gateway.inbox[-1]
    for _ in range(2):
        since = len(gateway.requests)
        await gateway.push(web, added.webhook_path, sms_push(gateway.serial, sms))
        await gateway_read(hass, gateway, INBOX, since)
    await hass.config_entries.async_reload(added.entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    listed = await ok(admin, "threads")
    assert [(t["thread"], t["unread"]) for t in listed["threads"]] == [(ALICE, 1)]
    assert listed["unread"] == 1
    messages = await thread_messages(admin, ALICE)
    assert [(m["kind"], m["port"], m["text"]) for m in messages] == [
        ("received", 2, "Dinner at eight?")
    ]
    assert messages[0]["entry_id"] == added.entry.entry_id
    assert len(_events_with(await drain(live), "text", "Dinner at eight?")) == 1, sms_id

    assert [t["thread"] for t in (await ok(admin, "threads", port=2))["threads"]] == [ALICE]
    assert (await ok(admin, "threads", port=1))["threads"] == []
    assert (await ok(admin, "threads", entry_id=added.entry.entry_id))["threads"]
    assert [t["thread"] for t in (await ok(admin, "threads", search="eight"))["threads"]] == [ALICE]
    assert [t["thread"] for t in (await ok(admin, "threads", search="15100000001"))["threads"]]
    assert (await ok(admin, "threads", search="breakfast"))["threads"] == []


async def test_threads_newest_first_and_national_numbers_join(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Threads come newest first; "0151..." and "+49151..." are one thread in Germany."""
    await hass.config.async_update(country="DE")
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "first")
    await receive_sms(hass, web, added, BOB, "second")
    await receive_sms(hass, web, added, "015100000001", "third, national")

    listed = await ok(admin, "threads")

    assert [(t["thread"], t["unread"]) for t in listed["threads"]] == [(ALICE, 2), (BOB, 1)]
    assert listed["threads"][0]["last"]["text"] == "third, national"


# -- forgeries ------------------------------------------------------------------------------


async def test_a_forged_push_never_appears_and_hides_nothing(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Pushed SMS the gateway does not hold, or holds otherwise, invent no message.

    A forged text for a real id shows the inbox's text; a forged id ahead is later taken by a
    real SMS, which appears with its own sender and text.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "real one")
    forged = [
        {
            "incoming_sms_id": 1,
            "port": 1,
            "number": EVE,
            "smsc": "+4917000000",
            "timestamp": "2026-11-01 10:00:00",
            "text": "forged over a real id",
        },
        {
            "incoming_sms_id": 7,
            "port": 1,
            "number": EVE,
            "smsc": "+4917000000",
            "timestamp": "2026-11-01 10:00:01",
            "text": "forged ahead",
        },
    ]
    since = len(gateway.requests)
    await gateway.push(web, added.webhook_path, sms_push(gateway.serial, *forged))
    await gateway_read(hass, gateway, INBOX, since)
    gateway.next_sms_id = 7
    await receive_sms(hass, web, added, BOB, "real at id seven")

    listed = await ok(admin, "threads")
    assert sorted(t["thread"] for t in listed["threads"]) == [ALICE, BOB]
    assert "forged" not in str(listed)
    assert await thread_messages(admin, EVE) == []
    assert [m["text"] for m in await thread_messages(admin, ALICE)] == ["real one"]
    assert [m["text"] for m in await thread_messages(admin, BOB)] == ["real at id seven"]


async def test_events_posted_through_the_rest_api_are_not_messages(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    """An authenticated user fires the integration's events by REST: no message, no outcome."""
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    rest = await hass_client()
    sent = await ok(admin, "send", entry_id=added.entry.entry_id, number=BOB, port=1, text="hi")
    user_id = sent["user_id"]
    common = {"config_entry_id": added.entry.entry_id, "port": 1}
    fired = {
        "dinstar_sms_received": {
            **common,
            "incoming_sms_id": 99,
            "sender": EVE,
            "text": "posted by REST",
            "smsc": "+4917000000",
            "received_at": "2026-11-01T10:00:00+00:00",
            "caught_up": False,
        },
        "dinstar_sms_queued": {**common, "number": EVE, "user_id": 4242, "parts": 1, "text": "q"},
        "dinstar_sms_sent": {
            **common,
            "number": BOB,
            "user_id": user_id,
            "parts": 1,
            "outcome": "sent",
            "sent_by_home_assistant": True,
        },
        "dinstar_sms_delivery": {
            **common,
            "number": BOB,
            "user_id": user_id,
            "parts": 1,
            "delivered": True,
            "status_code": 0,
            "sent_by_home_assistant": True,
        },
        "dinstar_ussd_received": {**common, "text": "posted USSD"},
        "dinstar_assist_exchange": {
            **common,
            "sender": EVE,
            "contact": "Eve",
            "text": "posted question",
            "reply": "posted answer",
            "conversation_id": "x",
        },
    }
    for event_type, data in fired.items():
        response = await rest.post(f"/api/events/{event_type}", json=data)
        assert response.status == 200, event_type
    await hass.async_block_till_done()

    listed = await ok(admin, "threads")
    assert [t["thread"] for t in listed["threads"]] == [BOB]
    assert "posted" not in str(listed)
    assert await thread_messages(admin, EVE) == []
    (message,) = await thread_messages(admin, BOB)
    assert message["status"] == "queued"


async def test_ussd_replies_are_the_ports_and_forged_ones_invent_nothing(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """A pushed USSD reply the gateway does not show is no message; one it shows is, on its port."""
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    since = len(gateway.requests)
    forged = {"sn": gateway.serial, "ussd": [{"port": 1, "text": "You won a prize"}]}
    await gateway.push(web, added.webhook_path, forged)
    await gateway_read(hass, gateway, USSD, since)
    assert (await ok(admin, "threads"))["threads"] == []

    gateway.ussd_replies[3] = "Balance 5 EUR"
    since = len(gateway.requests)
    real = {"sn": gateway.serial, "ussd": [{"port": 3, "text": "Balance 5 EUR"}]}
    await gateway.push(web, added.webhook_path, real)
    assert await gateway_read(hass, gateway, USSD, since)

    listed = await ok(admin, "threads")
    assert "You won" not in str(listed)
    (thread,) = listed["threads"]
    (message,) = await thread_messages(admin, thread["thread"])
    assert (message["port"], message["text"]) == (3, "Balance 5 EUR")


# -- read marks -------------------------------------------------------------------------------


async def test_read_marks_are_shared_and_kept_across_a_reload(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """One administrator reads a thread: the other sees it read, after a reload too."""
    added = await add_gateway(hass, gateway)
    first = await hass_ws_client(hass)
    _, token = await make_user(hass, "Second admin", "system-admin")
    second = await hass_ws_client(hass, access_token=token)
    await receive_sms(hass, web, added, ALICE, "one")
    await receive_sms(hass, web, added, ALICE, "two")
    await receive_sms(hass, web, added, BOB, "bob's")
    assert (await ok(second, "threads"))["unread"] == 3

    await ok(first, "mark_read", thread=ALICE)
    await hass.config_entries.async_reload(added.entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    for ws in (first, second):
        listed = await ok(ws, "threads")
        assert {t["thread"]: t["unread"] for t in listed["threads"]} == {ALICE: 0, BOB: 1}
        assert listed["unread"] == 1
    await receive_sms(hass, web, added, ALICE, "three")
    listed = await ok(second, "threads")
    assert {t["thread"]: t["unread"] for t in listed["threads"]} == {ALICE: 1, BOB: 1}


async def test_a_read_mark_ahead_hides_no_later_message(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """``mark_read`` with an ``up_to`` far ahead must not make the next SMS arrive read."""
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "one")

    answer = await call(admin, "mark_read", thread=ALICE, up_to=1_000_000)
    await receive_sms(hass, web, added, ALICE, "two")

    listed = await ok(admin, "threads")
    assert {t["thread"]: t["unread"] for t in listed["threads"]} == {ALICE: 1}, answer


# -- replying and outcomes ------------------------------------------------------------------


async def test_a_reply_sends_one_sms_and_its_outcomes_arrive_live(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Reply from the thread's port: one SMS on the gateway; queued, sent, delivered live.

    A second reply fails on the gateway, a third is sent but not delivered (code 65): each
    outcome arrives on the subscription and stays in the thread.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    live = await hass_ws_client(hass)
    assert (await call(live, "subscribe"))["success"]
    await receive_sms(hass, web, added, ALICE, "Are you home?", port=2)
    (last,) = [t["last"] for t in (await ok(admin, "threads"))["threads"]]

    answer = await ok(
        admin, "send", entry_id=added.entry.entry_id, number=ALICE, port=last["port"], text="Yes"
    )

    assert gateway.sent() == [{"number": ALICE, "port": 2, "text": "Yes"}]
    (record,) = gateway.results
    assert record["user_id"] == answer["user_id"]
    record.update(status="SENT_OK", succ_count=1)
    since = len(gateway.requests)
    await gateway.push(web, added.webhook_path, result_push(gateway, record))
    await gateway_read(hass, gateway, RESULTS, since)
    gateway.reports.append(delivery_report(record, 0))
    since = len(gateway.requests)
    await gateway.push(
        web,
        added.webhook_path,
        {"sn": gateway.serial, "sms_deliver_status": [delivery_report(record, 0)]},
    )
    await gateway_read(hass, gateway, REPORTS, since)

    seen = _events_with(await drain(live), "user_id", answer["user_id"])
    assert [m["status"] for m in seen] == ["queued", "sent", "delivered"]
    (received, mine) = await thread_messages(admin, ALICE)
    assert (received["kind"], mine["kind"], mine["status"]) == ("received", "sent", "delivered")

    failed = await ok(
        admin, "send", entry_id=added.entry.entry_id, number=ALICE, port=2, text="Again"
    )
    lost = await ok(admin, "send", entry_id=added.entry.entry_id, number=ALICE, port=2, text="3")
    by_id = {r["user_id"]: r for r in gateway.results}
    by_id[failed["user_id"]].update(status="FAILED", succ_count=0)
    by_id[lost["user_id"]].update(status="SENT_OK", succ_count=1)
    since = len(gateway.requests)
    body = {"sn": gateway.serial, "sms_result": [by_id[failed["user_id"]], by_id[lost["user_id"]]]}
    await gateway.push(web, added.webhook_path, body)
    await gateway_read(hass, gateway, RESULTS, since)
    gateway.reports.append(delivery_report(by_id[lost["user_id"]], 65))
    since = len(gateway.requests)
    body = {
        "sn": gateway.serial,
        "sms_deliver_status": [delivery_report(by_id[lost["user_id"]], 65)],
    }
    await gateway.push(web, added.webhook_path, body)
    await gateway_read(hass, gateway, REPORTS, since)

    events = await drain(live)
    assert _events_with(events, "user_id", failed["user_id"])[-1]["status"] == "failed"
    not_delivered = _events_with(events, "user_id", lost["user_id"])[-1]
    assert not_delivered["status"] != "delivered"
    assert 65 in not_delivered.values(), not_delivered
    messages = {m.get("user_id"): m for m in await thread_messages(admin, ALICE)}
    assert messages[failed["user_id"]]["status"] == "failed"
    assert 65 in messages[lost["user_id"]].values()
    assert len(gateway.sent()) == 3


# -- privacy, removal, diagnostics ------------------------------------------------------------


async def test_private_option_keeps_texts_out_of_the_store_and_the_answers(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """With "Keep SMS text out of the history" no text is stored or answered, old ones removed.

    Senders and times stay; the gateway is marked private (the panel "says why").
    """
    added = await add_gateway(hass, gateway)
    await receive_sms(hass, web, added, ALICE, "Kept before the option")
    await flush(hass)
    assert "Kept before the option" in store_text(hass_storage)

    await set_options(hass, added.entry, {"private_sms": True})
    admin = await hass_ws_client(hass)
    live = await hass_ws_client(hass)
    assert (await call(live, "subscribe"))["success"]
    await receive_sms(hass, web, added, ALICE, "PIN 4711 for the bank")
    sent = await ok(
        admin, "send", entry_id=added.entry.entry_id, number=ALICE, port=1, text="My secret reply"
    )
    assert gateway.sent()[-1]["text"] == "My secret reply"
    await flush(hass)

    texts = ("Kept before the option", "PIN 4711", "My secret reply")
    stored = store_text(hass_storage)
    assert STORE_KEY in hass_storage
    assert ALICE in stored, "the sender should stay"
    listed = await ok(admin, "threads")
    messages = await thread_messages(admin, ALICE)
    answers = str((listed, messages, sent, await drain(live)))
    for secret in texts:
        assert secret not in stored, secret
        assert secret not in answers, secret
    assert len(messages) == 3
    assert [g["private"] for g in listed["gateways"]] == [True]
    # Search over texts kept out must not tell what they said.
    for word in ("4711", "bank", "secret", "option"):
        assert (await ok(admin, "threads", search=word))["threads"] == [], word


async def test_removing_a_gateway_removes_its_messages(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting one gateway deletes its messages from the store; the other's stay."""
    gone = await add_gateway(hass, gateway)
    kept = await add_gateway(hass, second_gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, gone, ALICE, "via the removed gateway")
    await receive_sms(hass, web, kept, ALICE, "via the kept gateway")
    await ok(admin, "send", entry_id=gone.entry.entry_id, number=BOB, port=1, text="sent removed")
    await flush(hass)
    assert "via the removed gateway" in store_text(hass_storage)

    assert await hass.config_entries.async_remove(gone.entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await flush(hass)

    stored = store_text(hass_storage)
    assert "via the removed gateway" not in stored
    assert "sent removed" not in stored
    assert gone.entry.entry_id not in stored
    assert "via the kept gateway" in stored
    listed = await ok(admin, "threads")
    assert [m["text"] for m in all_messages(listed)] == ["via the kept gateway"]
    assert await thread_messages(admin, BOB) == []


async def test_diagnostics_hold_no_message(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    """The entry's diagnostics name neither the texts nor the senders of the panel's messages."""
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "Diagnose me not")
    await ok(admin, "send", entry_id=added.entry.entry_id, number=BOB, port=1, text="Nor me")
    rest = await hass_client()

    response = await rest.get(f"/api/diagnostics/config_entry/{added.entry.entry_id}")
    assert response.status == 200
    body = await response.text()

    for secret in ("Diagnose me not", "Nor me", ALICE, BOB, ALICE[3:], BOB[3:]):
        assert secret not in body, secret


# -- bad input --------------------------------------------------------------------------------

HUGE = "9" * 200_000


def _bad_inputs(entry_id: str, foreign: str) -> list[tuple[str, dict[str, Any]]]:
    send = {"entry_id": entry_id, "number": BOB, "port": 1, "text": "bad"}
    return [
        ("thread", {"thread": ALICE, "limit": -1}),
        ("thread", {"thread": ALICE, "limit": 0}),
        ("thread", {"thread": ALICE, "limit": 10**9}),
        ("thread", {"thread": ALICE, "before": -5}),
        ("thread", {"thread": ALICE, "port": 99}),
        ("thread", {"thread": ""}),
        ("thread", {"thread": HUGE}),
        ("threads", {"search": HUGE}),
        ("threads", {"port": -3}),
        ("threads", {"entry_id": 12}),
        ("mark_read", {"thread": ALICE, "up_to": -1}),
        ("mark_read", {"thread": HUGE}),
        ("mark_read", {"thread": ALICE, "everything": True}),
        ("send", {**send, "text": "x" * 200_000}),
        ("send", {**send, "text": ""}),
        ("send", {**send, "number": "call me"}),
        ("send", {**send, "number": HUGE}),
        ("send", {**send, "number": [BOB, ALICE]}),
        ("send", {**send, "port": 99}),
        ("send", {**send, "port": -1}),
        ("send", {**send, "port": 20}),  # the gateway has four ports
        ("send", {**send, "entry_id": foreign}),
        ("send", {**send, "entry_id": "no-such-gateway"}),
        ("subscribe", {"entry_id": entry_id}),
    ]


async def test_bad_input_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """Each bad call fails with an error saying what is wrong; nothing is sent, read or stored."""
    added = await add_gateway(hass, gateway)
    foreign = MockConfigEntry(domain="not_dinstar", title="Another integration")
    foreign.add_to_hass(hass)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "hello")
    await flush(hass)
    before = (store_text(hass_storage), await ok(admin, "threads"))

    for command, fields in _bad_inputs(added.entry.entry_id, foreign.entry_id):
        answer = await call(admin, command, **fields)
        assert answer["success"] is False, (command, fields, answer)
        assert answer["error"]["message"], (command, answer)
        assert len(answer["error"]["message"]) < 2000, "the error echoes the whole input"
    await flush(hass)

    assert gateway.sent() == []
    assert (store_text(hass_storage), await ok(admin, "threads")) == before


async def test_unknown_threads_change_nothing(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """Opening or marking read threads that do not exist shows nothing and stores nothing.

    The store is bounded: a client marking thousands of made-up numbers read must not grow it.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "hello")
    await flush(hass)
    before = (store_text(hass_storage), await ok(admin, "threads"))

    for index in range(300):
        number = f"+4917{index:09d}"
        opened = await call(admin, "thread", thread=number)
        assert not opened["success"] or opened["result"]["messages"] == [], opened
        await call(admin, "mark_read", thread=number)
        await call(admin, "mark_read", thread=number, up_to=5)
    await flush(hass)

    assert (store_text(hass_storage), await ok(admin, "threads")) == before


async def test_a_gateway_flooding_texts_keeps_the_store_bounded(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """The panel keeps at most 10,000 of a gateway's messages, the oldest going first.

    10,050 real SMS (read at the next start-up of the entry, as a catch-up) leave 10,000: the
    first 50 gone, the newest there.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    gateway.sms_page = 500
    await hass.config_entries.async_unload(added.entry.entry_id)
    for index in range(10_050):
        gateway.receive(index % 4, f"+49152{index % 97:08d}", f"flood {index}")
    received = record_events(hass, "dinstar_sms_received")
    await hass.config_entries.async_setup(added.entry.entry_id)
    assert await wait_for(hass, lambda: len(received) == 10_050, timeout=60)
    await hass.async_block_till_done(wait_background_tasks=True)
    await flush(hass)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    stored = store_text(hass_storage)

    listed = await ok(admin, "threads")
    texts = [
        m["text"]
        for t in listed["threads"]
        for m in await thread_messages(admin, t["thread"], limit=200)
    ]
    assert len(texts) == len(set(texts)) == 10_000
    assert "flood 10049" in texts
    assert "flood 49" not in texts
    assert '"flood 49"' not in stored
    assert stored.count('"flood ') <= 10_000


# -- across a restart -----------------------------------------------------------------------


async def test_messages_and_read_marks_survive_a_restart(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Written when Home Assistant stops: what came in the last seconds is kept, read marks too.

    Home Assistant stops without unloading, a second later than the last SMS (well inside the
    10-second batch); after the start the thread holds each message once and the read mark.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "one")
    await receive_sms(hass, web, added, ALICE, "two")
    await ok(admin, "mark_read", thread=ALICE)
    await receive_sms(hass, web, added, ALICE, "three, just before the stop")
    await ok(admin, "send", entry_id=added.entry.entry_id, number=BOB, port=1, text="bye")
    await admin.close()

    async with restarted_with_ws(hass) as (_, ws):
        listed = await ok(ws, "threads")
        assert {t["thread"]: t["unread"] for t in listed["threads"]} == {ALICE: 1, BOB: 0}
        texts = [m["text"] for m in await thread_messages(ws, ALICE)]
        assert texts == ["one", "two", "three, just before the stop"]
        assert [m["text"] for m in await thread_messages(ws, BOB)] == ["bye"]


# -- messages that are not a plain SMS ------------------------------------------------------


async def test_messages_sent_elsewhere_show_without_text_and_forged_ones_not_at_all(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Sent outside Home Assistant: shown once, without text; a forged result: not at all.

    A result of an SMS sent from the gateway's own page shows once, "sent outside Home
    Assistant", without text; a pushed result the gateway does not hold shows nothing.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    common = {"port": 1, "time": "2026-11-01 10:00:00", "ref_id": 215, "imsi": "262010000000001"}
    forged = {**common, "number": EVE, "user_id": 5, "status": "SENT_OK", "count": 1}
    since = len(gateway.requests)
    await gateway.push(web, added.webhook_path, {"sn": gateway.serial, "sms_result": [forged]})
    await gateway_read(hass, gateway, RESULTS, since)
    assert (await ok(admin, "threads"))["threads"] == []

    real = {**common, "number": BOB, "user_id": 987654, "status": "SENT_OK", "count": 1}
    real["succ_count"] = 1
    gateway.results.append(real)
    for _ in range(2):
        since = len(gateway.requests)
        await gateway.push(web, added.webhook_path, {"sn": gateway.serial, "sms_result": [real]})
        await gateway_read(hass, gateway, RESULTS, since)

    listed = await ok(admin, "threads")
    assert [t["thread"] for t in listed["threads"]] == [BOB]
    (message,) = await thread_messages(admin, BOB)
    assert message["kind"] == "sent"
    assert not message.get("text"), message
    assert message["status"] == "sent", message


async def test_a_contacts_thread_carries_its_name(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """A thread with one of the gateway's contacts is named after the contact; search finds it."""
    added = await add_gateway(hass, gateway)
    await add_contact(hass, added, "Alice Liddell", ALICE, assist=False)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "hello")

    listed = await ok(admin, "threads")
    assert [(t["thread"], t["name"]) for t in listed["threads"]] == [(ALICE, "Alice Liddell")]
    assert [t["thread"] for t in (await ok(admin, "threads", search="liddell"))["threads"]] == [
        ALICE
    ]


@pytest.fixture
async def home_web(
    hass: HomeAssistant, hass_client_no_auth: Any, socket_enabled: None
) -> TestClient:
    """A home with entities and Assist, the integration, and a client with no credentials."""
    await set_up_home(hass)
    await set_up_components(hass)
    return await hass_client_no_auth()


async def test_an_assist_exchange_is_in_the_thread_without_the_pin(
    hass: HomeAssistant,
    home_web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """An Assist exchange is in the contact's thread, marked Assist, and the PIN nowhere.

    Alice asks Assist by SMS: her message and the answer are her thread's, the answer marked
    Assist; the PIN, masked everywhere else, is in no answer and not in the store.
    """
    added = await add_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ASSIST_ALICE)
    await add_assist(hass, added)
    admin = await hass_ws_client(hass)
    live = await hass_ws_client(hass)
    assert (await call(live, "subscribe"))["success"]

    replies = await text(hass, home_web, added, ASSIST_ALICE, f"{PIN} turn on the kitchen light")
    assert len(replies) == 1
    assert hass.states.get(KITCHEN).state == "on"
    await flush(hass)

    messages = await thread_messages(admin, ASSIST_ALICE)
    shown = str((await ok(admin, "threads"), messages, await drain(live)))
    assert PIN not in shown
    assert PIN not in store_text(hass_storage)
    assert [m["kind"] for m in messages] == ["received", "sent"], messages
    assert "kitchen light" in str(messages[0])
    assert "assist" in str(messages[1]).lower(), messages[1]


async def test_messages_older_than_the_kept_days_go(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_storage: dict[str, Any],
) -> None:
    """With "Keep messages for" one day, a message two days old is gone; today's stays."""
    added = await add_gateway(hass, gateway, options={"messages_days": 1})
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "from two days ago")
    await flush(hass)
    assert "from two days ago" in store_text(hass_storage)

    with freeze_time(dt_util.utcnow() + timedelta(days=2), tick=True):
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done(wait_background_tasks=True)
        await receive_sms(hass, web, added, BOB, "from today")
        await flush(hass)
        listed = await ok(admin, "threads")

    assert "from two days ago" not in store_text(hass_storage)
    assert [m["text"] for m in all_messages(listed)] == ["from today"]


async def test_sending_from_an_unloaded_gateway_is_refused(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """A gateway whose entry is not loaded: its messages stay, a reply is refused, none is sent."""
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    await receive_sms(hass, web, added, ALICE, "before the unload")
    await hass.config_entries.async_unload(added.entry.entry_id)
    await hass.async_block_till_done()

    answer = await call(
        admin, "send", entry_id=added.entry.entry_id, number=ALICE, port=1, text="now?"
    )

    assert answer["success"] is False
    assert answer["error"]["message"]
    assert gateway.sent() == []
    listed = await ok(admin, "threads")
    assert [m["text"] for m in all_messages(listed)] == ["before the unload"]
    assert [g["loaded"] for g in listed["gateways"]] == [False]


async def test_forged_outcomes_change_no_sent_message(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """A pushed "delivered" the gateway does not hold, or "failed" it contradicts, shows nothing.

    The message stays "queued" while the gateway is still sending; live updates say nothing.
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    sent = await ok(admin, "send", entry_id=added.entry.entry_id, number=BOB, port=1, text="hi")
    live = await hass_ws_client(hass)
    assert (await call(live, "subscribe"))["success"]
    (record,) = gateway.results  # the gateway still says SENDING

    since = len(gateway.requests)
    forged = {**record, "status": "FAILED", "succ_count": 0}
    await gateway.push(web, added.webhook_path, {"sn": gateway.serial, "sms_result": [forged]})
    await gateway_read(hass, gateway, RESULTS, since)
    since = len(gateway.requests)
    body = {"sn": gateway.serial, "sms_deliver_status": [delivery_report(record, 0)]}
    await gateway.push(web, added.webhook_path, body)
    await gateway_read(hass, gateway, REPORTS, since)

    (message,) = await thread_messages(admin, BOB)
    assert (message["user_id"], message["status"]) == (sent["user_id"], "queued")
    assert _events_with(await drain(live), "user_id", sent["user_id"]) == []
