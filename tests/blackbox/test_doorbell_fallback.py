"""Issue item 5: in push mode, SMS still arrive when the gateway's pushes never come.

The usual first-day mistake: the push URL is not entered in the gateway, or points where the
gateway cannot reach. Push mode falls back: while no push has arrived since set-up, or once an
SMS shows up in the inbox that no push announced, the inbox is read on refreshes and the
"pushes are not arriving" repair is raised with the URL to enter; once pushes flow, the inbox is
no longer polled.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .conftest import (
    DOMAIN,
    Added,
    add_gateway,
    advance,
    received_ids,
    set_options,
    sms_push,
    wait_for,
)
from .gateway import FakeGateway

INBOX = "/api/query_incoming_sms"


def _push_repair(hass: HomeAssistant, added: Added) -> list[ir.IssueEntry]:
    """Repair issues of the integration that give this entry's webhook URL."""
    return [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue.active
        and any(
            added.webhook_id in str(value)
            for value in (issue.translation_placeholders or {}).values()
        )
    ]


async def _intervals(hass: HomeAssistant, seconds: float, count: int, until: Any) -> int:
    """Let up to ``count`` polling intervals pass; return how many did until ``until()``."""
    for index in range(count):
        await advance(hass, seconds)
        if until():
            return index + 1
    return count + 1


async def test_sms_arrive_by_polling_when_no_push_ever_came(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """No push URL in the gateway: an SMS fires within three 20 s intervals; the repair says why."""
    added = await add_gateway(hass, gateway)
    await set_options(hass, added.entry, {"scan_interval": 20})
    await advance(hass, 21)  # the reads that follow a (re)load are done: the gateway is idle
    since = len(gateway.requests)

    sms_id = gateway.receive(1, "+4915100000001", "ALARM zone 3")
    took = await _intervals(hass, 21, 3, lambda: received_ids(events) == [sms_id])

    assert received_ids(events) == [sms_id], "the SMS did not arrive in 63 s"
    assert took <= 3
    assert gateway.calls(INBOX, since), "the inbox was not read"
    # A few seconds' grace for a push still on its way (a gateway pushes a burst one push at a
    # time), then the repair: well before the next polling interval.
    await advance(hass, 11)
    assert _push_repair(hass, added), "no repair with the webhook URL to enter"


async def test_inbox_polling_stops_once_pushes_flow(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A push that the inbox confirms: refreshes stop reading the inbox, the repair goes."""
    added = await add_gateway(hass, gateway)
    await set_options(hass, added.entry, {"scan_interval": 20})
    await advance(hass, 21)
    await advance(hass, 21)

    sms_id = gateway.receive(1, "+4915100000001", "pushed")
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    assert await wait_for(hass, lambda: received_ids(events) == [sms_id])
    await hass.async_block_till_done()
    since = len(gateway.requests)
    for _ in range(3):
        await advance(hass, 21)

    assert len(gateway.calls("/api/get_port_info", since)) >= 2, "refreshes stopped"
    assert gateway.calls(INBOX, since) == [], "the inbox is still polled while pushes flow"
    assert _push_repair(hass, added) == []


async def test_an_sms_no_push_announced_turns_inbox_reads_on(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Pushes flowed, then the gateway stopped pushing SMS: the next ones arrive by polling."""
    added = await add_gateway(hass, gateway)
    await set_options(hass, added.entry, {"scan_interval": 20})
    first = gateway.receive(1, "+4915100000001", "pushed")
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    assert await wait_for(hass, lambda: received_ids(events) == [first])

    # The gateway loses its SMS push setting: this one is never pushed; the next one is read
    # with it when an other push (its result, a SIM event) or a refresh makes the inbox be read.
    unannounced = gateway.receive(1, "+4915100000001", "not pushed")
    later = gateway.receive(1, "+4915100000001", "pushed again")
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    both = [first, unannounced, later]
    if not await wait_for(hass, lambda: received_ids(events) == both, timeout=1):
        await advance(hass, 11)  # the read 10 s after a push that skipped an id
    assert received_ids(events) == both

    silent = gateway.receive(1, "+4915100000001", "never pushed")
    took = await _intervals(hass, 21, 3, lambda: silent in received_ids(events))

    assert received_ids(events) == [first, unannounced, later, silent], (
        "an SMS the gateway did not push never arrived"
    )
    assert took <= 3
    assert _push_repair(hass, added), "no repair with the webhook URL to enter"
