"""Pushed USSD replies: believed once the gateway shows them, fired with its text, once."""

from __future__ import annotations

import logging
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_USSD_RECEIVED
from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID, port_device
from .pushes import post


async def test_a_pushed_reply_fires_as_the_gateway_holds_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The push says a reply came: it fires once the gateway answers the same text when asked."""
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    simulator.state.ports[2].ussd_reply = "Balance 5 EUR"
    await post(hass_client_no_auth, {"sn": SERIAL, "ussd": [{"port": 2, "text": "Win 999 EUR"}]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []  # the gateway holds another text: not its push
    await post(hass_client_no_auth, {"sn": SERIAL, "ussd": [{"port": 2, "text": "Balance 5 EUR"}]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(event.data["port"], event.data["text"]) for event in events] == [(2, "Balance 5 EUR")]
    assert init_integration.runtime_data.messaging.audit.unconfirmed == 1


async def test_a_push_the_gateway_does_not_confirm_fires_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The gateway holds no reply on the port: whoever pushed it, nothing happened."""
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    await post(hass_client_no_auth, {"sn": SERIAL, "ussd": [{"port": 2, "text": "Win 999 EUR"}]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests["/api/query_ussd_reply"] == 1
    assert events == []


async def test_ports_pushed_together_are_read_once_after_the_answer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """One read for the ports of one push, made once the push is answered; each fires once."""
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    simulator.state.ports[1].ussd_reply = "Balance 1 EUR"
    simulator.state.ports[2].ussd_reply = "Balance 2 EUR"
    simulator.state.faults.delay = 1.0  # a slow gateway must not hold the push's answer up
    body = {
        "sn": SERIAL,
        "ussd": [
            {"port": 1, "text": "Balance 1 EUR"},
            {"port": 2, "text": "Balance 2 EUR"},
            {"port": 1, "text": "Balance 1 EUR"},
        ],
    }
    started = time.monotonic()
    await post(hass_client_no_auth, body)
    assert time.monotonic() - started < 0.5
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests["/api/query_ussd_reply"] == 1
    assert sorted((event.data["port"], event.data["text"]) for event in events) == [
        (1, "Balance 1 EUR"),
        (2, "Balance 2 EUR"),
    ]


async def test_a_reply_to_send_ussd_by_push_fires_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The action answers with the confirmed reply; the event fires once, with the same text."""
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    simulator.config.ussd_delay = 0.2
    response = await hass.services.async_call(
        DOMAIN,
        "send_ussd",
        {"config_entry_id": init_integration.entry_id, "port": 1, "code": "*100#"},
        blocking=True,
        return_response=True,
    )
    await simulator.drain_pushes()
    await hass.async_block_till_done(wait_background_tasks=True)
    expected = f"Your balance is {simulator.state.ports[1].remain_credit} EUR"
    assert response is not None
    assert response["reply"] == expected
    assert [event.data["text"] for event in events] == [expected]
    # Before the code, at once after it, and the push's read back: no polling was needed.
    assert simulator.state.requests["/api/query_ussd_reply"] == 3


async def test_a_forged_reply_beside_a_real_one_stops_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real reply fires on its port's device; the forged one is logged with its source."""
    events = async_capture_events(hass, EVENT_USSD_RECEIVED)
    simulator.state.ports[1].ussd_reply = "Balance 1 EUR"
    simulator.state.ports[2].ussd_reply = "Balance 2 EUR"
    body = {
        "sn": SERIAL,
        "ussd": [{"port": 1, "text": "Win 999 EUR"}, {"port": 2, "text": "Balance 2 EUR"}],
    }
    await post(hass_client_no_auth, body)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(event.data["port"], event.data["text"]) for event in events] == [(2, "Balance 2 EUR")]
    device = port_device(device_registry, init_integration, 2)
    assert device is not None
    assert events[0].data["device_id"] == device.id
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        (
            f"Dinstar {SERIAL}: a push from 127.0.0.1 announced a USSD reply on port 1, which "
            "the gateway does not confirm: ignored"
        )
    ]
