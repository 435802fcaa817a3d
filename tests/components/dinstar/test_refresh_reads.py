"""What a refresh reads of the inbox in push mode, and what an SMS no push announced starts.

With pushes flowing, a refresh reads the inbox only when pushes cannot have brought everything:
after a failed read, after an outage, and every few minutes as a safety net. An SMS that comes
with no push raises the "pushes are not arriving" repair and turns polling on.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import CONF_INCOMING_MODE, DOMAIN, IncomingMode, storage_key
from custom_components.dinstar.messaging.inbox_sync import ANNOUNCE_GRACE, Pushes, expects_pushes
from custom_components.dinstar.messaging.readback import SAFETY_READ_EVERY
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .pushes import push, push_power

INBOX = "/api/query_incoming_sms"
TITLE = f"Dinstar {SERIAL}"


@pytest.fixture
async def flowing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> MockConfigEntry:
    """The entry after the gateway's first SMS push was confirmed: pushes flow."""
    simulator.receive_sms(1, "+4930111", "first")
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    assert init_integration.runtime_data.inbox.pushes is Pushes.FLOWING
    return init_integration


async def grace_over(hass: HomeAssistant) -> None:
    """The time a push may come after its SMS was read has passed."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=ANNOUNCE_GRACE + 1))
    await hass.async_block_till_done(wait_background_tasks=True)


async def refresh_reads(hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator) -> int:
    """Inbox requests of one refresh and what it started."""
    before = simulator.state.requests[INBOX]
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    return simulator.state.requests[INBOX] - before


async def test_with_pushes_flowing_a_refresh_reads_no_inbox_until_the_safety_read(
    hass: HomeAssistant, flowing: MockConfigEntry, simulator: Simulator
) -> None:
    assert await refresh_reads(hass, flowing, simulator) == 0
    inbox = flowing.runtime_data.inbox
    assert inbox.last_read is not None
    inbox.last_read -= SAFETY_READ_EVERY.total_seconds() - 1
    assert await refresh_reads(hass, flowing, simulator) == 0
    inbox.last_read -= 1
    assert await refresh_reads(hass, flowing, simulator) == 1


async def test_after_a_failed_read_the_next_refresh_reads_what_was_announced(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(1, "+4930111", "second")
    simulator.state.faults.error_500 = True
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    simulator.state.faults.error_500 = False
    assert events == []
    assert await refresh_reads(hass, flowing, simulator) == 1
    # Its push came: not caught up, only read late.
    assert [(e.data["text"], e.data["caught_up"]) for e in events] == [("second", False)]


async def test_after_an_outage_the_first_good_refresh_reads_what_came_meanwhile(
    hass: HomeAssistant, flowing: MockConfigEntry, simulator: Simulator
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.state.go_offline(None)
    await refresh_reads(hass, flowing, simulator)
    simulator.state.go_online()
    simulator.receive_sms(2, "+4930111", "while away")
    assert await refresh_reads(hass, flowing, simulator) == 1
    assert [(e.data["text"], e.data["caught_up"]) for e in events] == [("while away", True)]
    # Late news, not a lost push: pushes still count as flowing once the grace is over.
    await grace_over(hass)
    assert flowing.runtime_data.inbox.pushes is Pushes.FLOWING


async def test_a_confirmed_power_on_reads_what_came_while_the_gateway_restarted(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Its pushes went nowhere while it restarted: what it holds is late news, not a lost push."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(3, "+4930111", "during the restart")
    await push_power(hass, hass_client_no_auth, "power_on")
    assert [(e.data["text"], e.data["caught_up"]) for e in events] == [("during the restart", True)]
    await grace_over(hass)
    assert flowing.runtime_data.inbox.pushes is Pushes.FLOWING


async def test_an_sms_no_push_announced_turns_polling_on_and_raises_the_repair(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    flowing.runtime_data.inbox.last_read = None  # the safety read is due
    simulator.receive_sms(1, "+4930111", "no push for me")
    assert await refresh_reads(hass, flowing, simulator) == 1
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=ANNOUNCE_GRACE + 1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert flowing.runtime_data.inbox.pushes is Pushes.MISSING
    assert issue_registry.async_get_issue(DOMAIN, f"no_push_{flowing.entry_id}") is not None
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        (
            f"{TITLE}: an SMS came that no push announced: its inbox is read on every refresh "
            "until pushes reach Home Assistant"
        )
    ]
    assert await refresh_reads(hass, flowing, simulator) == 1


async def test_a_push_that_comes_after_its_sms_was_read_was_only_late(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Read by the safety read, then its push arrives within the grace: nothing is missing."""
    flowing.runtime_data.inbox.last_read = None  # the safety read is due
    simulator.receive_sms(1, "+4930111", "read first")
    assert await refresh_reads(hass, flowing, simulator) == 1
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    await grace_over(hass)
    assert flowing.runtime_data.inbox.pushes is Pushes.FLOWING
    assert issue_registry.async_get_issue(DOMAIN, f"no_push_{flowing.entry_id}") is None


async def test_one_late_push_does_not_vouch_for_another_sms_never_announced(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Two SMS read in two reads within the grace; only the second's push comes: missing."""
    inbox = flowing.runtime_data.inbox
    for text in ("never announced", "announced late"):
        inbox.last_read = None
        simulator.receive_sms(1, "+4930111", text)
        assert await refresh_reads(hass, flowing, simulator) == 1
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    await grace_over(hass)
    assert inbox.pushes is Pushes.MISSING


async def test_a_repeated_push_of_the_last_sms_is_no_forgery(
    hass: HomeAssistant,
    flowing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Gateways push again what they are not sure arrived: the last SMS handled, pushed anew."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    assert events == []
    assert flowing.runtime_data.messaging.audit.unconfirmed == 0
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_what_pushes_did_is_remembered_across_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Pushes were flowing before the restart: refreshes do not read the inbox again."""
    key = storage_key(mock_config_entry.entry_id, "inbox")
    cursor = max((sms.incoming_sms_id for sms in simulator.state.inbox), default=0)
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {"cursor": cursor, "handled_above": [], "pushes": "flowing"},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.runtime_data.inbox.pushes is Pushes.FLOWING
    assert await refresh_reads(hass, mock_config_entry, simulator) == 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, True),
        ({CONF_INCOMING_MODE: IncomingMode.PUSH}, True),
        ({CONF_INCOMING_MODE: IncomingMode.BOTH}, True),
        ({CONF_INCOMING_MODE: IncomingMode.POLLING}, False),
    ],
)
def test_pushes_are_expected_unless_the_options_say_polling(
    options: dict[str, Any], expected: bool
) -> None:
    assert expects_pushes(MockConfigEntry(domain=DOMAIN, options=options)) is expected


@pytest.mark.parametrize(
    "subentries",
    [
        [
            (
                "assist",
                {"pin": "246810", "no_pin": False, "max_parts": 1, "rate_limit": 1, "daily_cap": 1},
            )
        ]
    ],
)
async def test_the_assist_pin_is_masked_in_what_the_inbox_fires(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The event is recorded and shown: the PIN never is (Assist reads the gateway's text)."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(1, "+4930111", "246810 open up, 246810")
    await push(hass, hass_client_no_auth, sms=[simulator.state.inbox[-1].as_api()])
    assert [e.data["text"] for e in events] == ["**** open up, ****"]
