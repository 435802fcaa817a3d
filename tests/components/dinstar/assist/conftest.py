"""Assist by SMS against the simulator: Home Assistant's own agent and real entities.

Each SMS is received by the simulated gateway, pushed to the entry's webhook, and answered (or
not) through the simulator's own sending. The simulated gateway's clock is set to Home
Assistant's time zone, as the user is told to set a real one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import logging
import time
from typing import Any

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator
from tests.components.dinstar.conftest import WEBHOOK_ID
from tests.conftest import SERIAL

ALICE = "+4917612345678"
BOB = "+4917600000001"
PIN = "471108"
KITCHEN = "light.kitchen_light"
# What the guard refuses, all exposed to Assist by the ``home`` fixture.
REFUSED = (
    "lock.front_door",
    "alarm_control_panel.house_alarm",
    "cover.garage_door",
    "cover.patio_door",
    "cover.drive_gate",
)
ASSIST = {
    "pin": PIN,
    "no_pin": False,
    "max_parts": 2,
    "rate_limit": 5,
    "contact_daily_cap": 10,
    "daily_cap": 50,
}
# Home Assistant's test time zone (US/Pacific) as the C library reads TZ without tz files.
_PACIFIC = "PST8PDT,M3.2.0,M11.1.0"

type Receive = Callable[[str, str], Awaitable[None]]


@pytest.fixture(autouse=True)
def gateway_clock_in_local_time(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The simulated gateway writes its local time: Home Assistant's zone, not the machine's."""
    assert hass.config.time_zone == "US/Pacific"
    with monkeypatch.context() as patch:
        patch.setenv("TZ", _PACIFIC)
        time.tzset()
        yield
    time.tzset()


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Alice may talk to Assist, Bob is a contact who may not."""
    return [
        ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
        ("contact", {"name": "Bob", "number": BOB, "assist": False}),
        ("assist", ASSIST),
    ]


@pytest.fixture
async def home(hass: HomeAssistant) -> None:
    """Home Assistant's default agent; lights, a lock, an alarm panel and covers.

    Covers are exposed to Assist by default; the lock and the alarm panel are exposed here,
    as a user may.
    """
    await hass.config.async_update(country="DE")
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "light": [_switchable("Kitchen light"), _switchable("Cellar light")],
                    "lock": [
                        {"name": "Front door", "unique_id": "front_door", "lock": [], "unlock": []}
                    ],
                    "alarm_control_panel": [
                        {
                            "name": "House alarm",
                            "unique_id": "house_alarm",
                            "arm_away": [],
                            "disarm": [],
                        }
                    ],
                    "cover": [
                        _cover("Garage door", "garage"),
                        _cover("Patio door", "door"),
                        _cover("Drive gate", "gate"),
                        _cover("Kitchen blind", "blind"),
                        _cover("Cellar blind", "blind"),
                    ],
                }
            ]
        },
    )
    await hass.async_block_till_done()
    for entity_id in ("lock.front_door", "alarm_control_panel.house_alarm"):
        async_expose_entity(hass, "conversation", entity_id, True)


def _switchable(name: str) -> dict[str, Any]:
    return {"name": name, "unique_id": _unique_id(name), "turn_on": [], "turn_off": []}


def _unique_id(name: str) -> str:
    return name.lower().replace(" ", "_")


def _cover(name: str, device_class: str) -> dict[str, Any]:
    return {
        "name": name,
        "unique_id": _unique_id(name),
        "device_class": device_class,
        "open_cover": [],
        "close_cover": [],
    }


@pytest.fixture
async def sms_in(
    hass: HomeAssistant,
    home: None,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> Receive:
    """Receive an SMS on port 1 (pushed to the webhook) and let its answer go out."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))

    async def receive(sender: str, text: str) -> None:
        await received(hass, simulator, sender, text)

    return receive


async def received(hass: HomeAssistant, simulator: Simulator, sender: str, text: str) -> None:
    """The simulator receives an SMS on port 1; wait for its event, then for what follows."""
    event = asyncio.Event()
    unsubscribe = hass.bus.async_listen("dinstar_sms_received", callback(lambda _: event.set()))
    simulator.state.receive_sms(1, sender, text)
    async with asyncio.timeout(5):
        await event.wait()
    unsubscribe()
    await hass.async_block_till_done(wait_background_tasks=True)


def port_device(hass: HomeAssistant, entry: MockConfigEntry, port: int) -> str:
    """The registry id of a port's device, which the port's events name."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-{port}"), entry.entry_id
    )
    assert device is not None
    return device.id


def replies_to(simulator: Simulator, number: str) -> list[str]:
    """The texts the simulated gateway sent to ``number``."""
    return [sms.text for sms in simulator.state.sent_messages if sms.number == number]


def assist_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The integration's warnings, as logged (their arguments filled in)."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and record.name == "custom_components.dinstar"
    ]
