"""Received SMS through the webhook: read back from the inbox, in id order, never a forged id."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .pushes import inbox_as_api, post, push_sms, received

QUERY = "/api/query_incoming_sms"


async def test_a_batch_fires_in_id_order_whatever_its_order(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    for text in ("one", "two", "three"):
        simulator.receive_sms(0, "+4930111", text)
    queried = simulator.state.requests[QUERY]
    await push_sms(hass_client_no_auth, inbox_as_api(simulator)[::-1])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events) == [(1, "one"), (2, "two"), (3, "three")]
    # One read for the batch: the page from the cursor, far from full, so the last.
    assert simulator.state.requests[QUERY] == queried + 1


async def test_a_pushed_id_the_gateway_does_not_hold_never_fires(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Forged ids fire nothing and move nothing; the gateway's own messages fire as read."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    for text in ("lost", "pushed"):
        simulator.receive_sms(0, "+4930111", text)
    pushed = inbox_as_api(simulator)[1]
    forged = [pushed | {"incoming_sms_id": sms_id, "text": "forged"} for sms_id in (3, 4)]
    await push_sms(hass_client_no_auth, [pushed, *forged])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events) == [(1, "lost"), (2, "pushed")]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    # One line for the forged ids however many: the next ones are counted into the next
    # warning.
    assert warnings == [
        (
            f"{init_integration.title}: a push from 127.0.0.1 announced SMS 3, which the "
            "gateway does not confirm: ignored"
        )
    ]
    # The real messages numbered 3 and 4 later are not taken for the forged ones.
    for text in ("three", "four"):
        simulator.receive_sms(0, "+4930111", text)
    await push_sms(hass_client_no_auth, inbox_as_api(simulator)[2:])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events)[2:] == [(3, "three"), (4, "four")]


async def test_the_text_fired_is_the_gateways_not_the_pushs(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(0, "+4930111", "ALARM zone 3")
    forged = inbox_as_api(simulator)[0] | {"text": "all clear", "number": "+4930999"}
    await push_sms(hass_client_no_auth, [forged])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(e.data["sender"], e.data["text"]) for e in events] == [("+4930111", "ALARM zone 3")]


async def test_pushes_during_a_read_share_the_next_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A burst of pushes while the gateway is slow: each message once, two reads at most."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.state.faults.delay = 0.2
    queried = simulator.state.requests[QUERY]
    for text in ("one", "two", "three", "four"):
        simulator.receive_sms(0, "+4930111", text)
        await push_sms(hass_client_no_auth, inbox_as_api(simulator)[-1:])
        await asyncio.sleep(0.05)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events) == [(1, "one"), (2, "two"), (3, "three"), (4, "four")]
    assert simulator.state.requests[QUERY] - queried <= 4  # two reads of up to two pages


async def test_a_catch_up_with_nothing_new_reads_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The last handled message still on the gateway shows its numbering goes on."""
    simulator.receive_sms(0, "+4930111", "one")
    await push_sms(hass_client_no_auth, inbox_as_api(simulator))
    queried = simulator.state.requests[QUERY]
    await init_integration.runtime_data.inbox.async_catch_up()
    # One read from the last handled id: its page, far from full.
    assert simulator.state.requests[QUERY] == queried + 1


async def test_push_mode_reads_the_inbox_on_refreshes_until_pushes_are_confirmed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """No push confirmed yet: refreshes read the inbox; once one is, they do not."""
    coordinator = init_integration.runtime_data.coordinator
    queried = simulator.state.requests[QUERY]
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests[QUERY] > queried
    simulator.receive_sms(0, "+4930111", "one")
    await push_sms(hass_client_no_auth, inbox_as_api(simulator))
    await hass.async_block_till_done(wait_background_tasks=True)
    queried = simulator.state.requests[QUERY]
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests[QUERY] == queried


async def test_an_emptied_inbox_is_no_new_numbering_a_reset_is(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inbox = init_integration.runtime_data.inbox
    issue = f"inbox_renumbered_{init_integration.entry_id}"
    for text in ("one", "two"):
        simulator.receive_sms(0, "+4930111", text)
    await push_sms(hass_client_no_auth, inbox_as_api(simulator))
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.state.inbox.clear()  # deleted on the gateway: its numbering goes on
    await inbox.async_catch_up()
    assert issue_registry.async_get_issue(DOMAIN, issue) is None
    assert received(events) == [(1, "one"), (2, "two")]

    simulator.state.next_incoming_id = 1  # a factory reset
    simulator.receive_sms(0, "+4930111", "after the reset")
    simulator.state.inbox[0].timestamp = "2099-01-01 00:00:00"
    await inbox.async_catch_up()
    assert received(events)[2:] == [(1, "after the reset")]
    assert issue_registry.async_get_issue(DOMAIN, issue) is not None
    warning = (
        f"{init_integration.title} numbers its SMS from 1 again (reset?): "
        "following the new numbering"
    )
    assert [r.getMessage() for r in caplog.records if "numbers its SMS" in r.getMessage()] == [
        warning
    ]


async def test_a_failed_read_back_is_tried_again_at_the_next_refresh(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(0, "+4930111", "pushed")
    simulator.state.faults.error_500 = True
    await push_sms(hass_client_no_auth, inbox_as_api(simulator))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    simulator.state.faults.error_500 = False
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events) == [(1, "pushed")]


async def test_no_read_after_the_entry_unloads(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    simulator.receive_sms(0, "+4930111", "pushed")
    queried = simulator.state.requests[QUERY]
    await push_sms(hass_client_no_auth, inbox_as_api(simulator))
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests[QUERY] == queried


async def test_a_power_on_push_reads_what_came_meanwhile(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Pushes made while the gateway restarted may be lost: its power_on push reads the inbox."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(3, "+4930111", "while restarting")
    await post(
        hass_client_no_auth, {"sn": SERIAL, "device": simulator.state.device_item("power_on")}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received(events) == [(1, "while restarting")]


@pytest.mark.parametrize(
    ("stored", "fired"),
    [
        ({"cursor": 2, "handled_above": [4]}, [3, 5]),
        # The first read of a new entry had not ended: the gateway's history is still not news.
        ({"cursor": 0, "handled_above": [], "baseline_pending": True}, []),
        ({"cursor": 0, "handled_above": []}, [1, 2, 3, 4, 5]),
    ],
    ids=["ledger", "baseline-pending", "baseline-done"],
)
async def test_the_stored_ledger_is_restored(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
    stored: dict[str, Any],
    fired: list[int],
) -> None:
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}.inbox"] = {
        "version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}.inbox",
        "data": stored,
    }
    for index in range(5):
        simulator.receive_sms(0, "+4930111", f"message {index}")
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["incoming_sms_id"] for event in events] == fired
    assert mock_config_entry.runtime_data.inbox.baseline_pending is False


async def test_the_pending_baseline_is_stored_until_a_read_completes(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """A new entry whose first inbox read failed keeps the gateway's history as not news."""
    simulator.receive_sms(0, "+4930111", "history")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    inbox = mock_config_entry.runtime_data.inbox
    inbox.baseline_pending = True  # as if the first read had failed
    await inbox.async_save()
    key = f"{DOMAIN}.{mock_config_entry.entry_id}.inbox"
    assert hass_storage[key]["data"]["baseline_pending"] is True
    await inbox.async_catch_up()
    await inbox.async_save()
    assert "baseline_pending" not in hass_storage[key]["data"]
