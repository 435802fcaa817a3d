"""The webhook's answers and lifetime: POST only, objects only, gone with its entry."""

from __future__ import annotations

from datetime import timedelta
import json
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

from custom_components.dinstar.bus_events import EVENT_USSD_RECEIVED
from custom_components.dinstar.const import CONF_DRP_USERNAME, CONF_WEBHOOK_LOCAL_ONLY, DOMAIN
from custom_components.dinstar.messaging.webhook import REFUSED_SERIALS, webhook_local_only
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID

URL = f"/api/webhook/{WEBHOOK_ID}"
USSD = {"sn": SERIAL, "ussd": [{"port": 1, "text": "Balance: 5"}]}


@pytest.mark.parametrize("body", ["[]", json.dumps([USSD]), "42", '"text"'])
async def test_json_that_is_no_object_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    body: str,
) -> None:
    client = await hass_client_no_auth()
    assert (await client.post(URL, data=body)).status == 400
    assert init_integration.runtime_data.push.last_push is None


async def test_only_post_is_heard(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    client = await hass_client_no_auth()
    assert (await client.put(URL, data=json.dumps(USSD))).status == 405
    assert init_integration.runtime_data.push.last_push is None


async def test_the_webhook_goes_with_its_entry(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    push = init_integration.runtime_data.push
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    client = await hass_client_no_auth()
    await client.post(URL, data=json.dumps(USSD))
    await hass.async_block_till_done()
    assert events == []
    assert push.last_push is None


async def test_a_confirmed_push_keeps_the_silence_issue_away(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Pushes expected for over a day: a forged one proves nothing, the gateway's own does."""
    init_integration.runtime_data.messaging.audit.watching_since -= timedelta(days=2)
    issue = f"no_push_{init_integration.entry_id}"
    client = await hass_client_no_auth()
    forged = {"incoming_sms_id": 1, "port": 1, "number": "1", "text": "x"}
    assert (await client.post(URL, data=json.dumps({"sn": SERIAL, "sms": [forged]}))).status == 200
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, issue) is not None
    simulator.receive_sms(1, "1", "real")
    real = simulator.state.inbox[0].as_api()
    assert (await client.post(URL, data=json.dumps({"sn": SERIAL, "sms": [real]}))).status == 200
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=62))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, issue) is None


@pytest.mark.parametrize(
    ("data", "options", "local_only"),
    [
        ({}, {}, True),
        ({CONF_DRP_USERNAME: "drp-user"}, {}, False),
        ({CONF_DRP_USERNAME: "drp-user"}, {CONF_WEBHOOK_LOCAL_ONLY: True}, True),
        ({}, {CONF_WEBHOOK_LOCAL_ONLY: False}, False),
    ],
    ids=["lan", "drp", "drp-closed", "lan-opened"],
)
def test_who_may_push_by_default(
    data: dict[str, Any], options: dict[str, Any], local_only: bool
) -> None:
    """A gateway reached through a DRP server may push from anywhere, unless closed."""
    entry = MockConfigEntry(domain=DOMAIN, data=data, options=options)
    assert webhook_local_only(entry) is local_only


async def test_refused_serials_are_remembered_up_to_the_bound(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each serial is named once, with the entry it tried; only the oldest is forgotten."""
    client = await hass_client_no_auth()

    async def forge(index: int) -> None:
        body = {"sn": f"forged-{index}", "ussd": [{"port": 1, "text": "x"}]}
        assert (await client.post(URL, data=json.dumps(body))).status == 403

    for index in range(REFUSED_SERIALS + 1):
        await forge(index)
    await forge(1)
    await forge(0)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == REFUSED_SERIALS + 2
    assert warnings[-1] == (
        f"Refused a push from gateway forged-0 on the webhook of {init_integration.title}"
    )
