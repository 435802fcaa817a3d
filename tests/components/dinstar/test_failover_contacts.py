"""A contact that fails over, and the logbook's words for a final outcome."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_FINAL
from custom_components.dinstar.failover.report import logbook_line
from dinstar_dev.gateway_simulator import Simulator

from .conftest import WEBHOOK_ID

NUMBER = "+4917612345678"
BEST, SECOND = 6, 1


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Ada prefers the best port and fails over on this gateway; Bob has no failover."""
    return [
        ("contact", {"name": "Ada", "number": NUMBER, "port": BEST, "pool": "this_gateway"}),
        ("contact", {"name": "Bob", "number": "+4915112345678", "port": BEST}),
    ]


async def test_a_contact_fails_over_from_its_preferred_port(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.no_credit_ports = [BEST]
    for contact in ("notify.contact_sms", "notify.contact_sms_2"):
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            SERVICE_SEND_MESSAGE,
            {ATTR_ENTITY_ID: contact, "message": "Alarm"},
            blocking=True,
        )
    async with asyncio.timeout(5):
        while not finals:
            await asyncio.sleep(0.02)
    await simulator.drain_pushes()
    await hass.async_block_till_done()
    (final,) = finals  # Bob has no failover: no final event
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [
        (BEST, "failed"),
        (SECOND, "sent"),
    ]
    sent = [(sms.number, sms.port, sms.status != "FAILED") for sms in simulator.state.sent_messages]
    assert sorted(sent) == [
        ("+4915112345678", BEST, False),
        (NUMBER, SECOND, True),
        (NUMBER, BEST, False),
    ]


def final(
    outcome: str, *attempts: tuple[str, int, str, str | None], **extra: Any
) -> dict[str, Any]:
    listed = [
        {"config_entry_id": gateway, "gateway": gateway, "port": port, "outcome": o, "reason": r}
        for gateway, port, o, r in attempts
    ]
    sent = [a for a in listed if a["outcome"] == "sent"]
    return {
        "number": NUMBER,
        "outcome": outcome,
        "final_port": sent[0] if sent else None,
        "attempts": listed,
        **extra,
    }


def test_the_logbook_names_what_was_passed_over() -> None:
    assert (
        logbook_line(final("sent", ("A", 1, "failed", "no credit"), ("B", 3, "sent", None)))
        == f"sent to {NUMBER} via B port 3 after A port 1 failed (no credit)"
    )
    assert (
        logbook_line(
            final("sent", ("A", 1, "timed_out", "no outcome within 120 s"), ("A", 2, "sent", None))
        )
        == f"sent to {NUMBER} via A port 2 after port 1 timed out (no outcome within 120 s)"
    )
    assert logbook_line(final("sent", ("A", 2, "sent", None))) == f"sent to {NUMBER} via A port 2"
    assert logbook_line(
        final("sent", ("A", 1, "sent", None), ("B", 3, "sent", None), both_went=True)
    ) == (f"sent to {NUMBER} via A port 1 after B port 3 sent; it went more than once")
    assert (
        logbook_line(
            final("failed", ("A", 1, "failed", None), ("B", 2, "refused", "refused by the gateway"))
        )
        == f"could not send to {NUMBER}: A port 1 failed, B port 2 refused (refused by the gateway)"
    )
    assert logbook_line(final("failed")) == f"could not send to {NUMBER}: no port could send it"
    assert logbook_line(
        final("sent", ("A", 1, "failed", None), ("A", 4, "not_sent", None), ("A", 2, "sent", None))
    ) == (f"sent to {NUMBER} via A port 2 after port 1 failed, port 4 not sent")


def test_the_logbook_reads_an_event_as_it_is() -> None:
    """Anyone with an API token can fire the event: its outcome decides, a gap reads failed."""
    partial = final("sent", ("A", 1, "failed", None), ("A", 2, "sent", None))
    del partial["attempts"][0]["outcome"]
    assert logbook_line(partial) == f"sent to {NUMBER} via A port 2 after port 1 failed"
    claimed = {**final("failed", ("A", 1, "failed", None)), "final_port": {"port": 1}}
    assert logbook_line(claimed) == f"could not send to {NUMBER}: A port 1 failed"
