"""Two gateways: exactly one answers an SMS, the one it came in on; no gateway answers a SIM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_PORT, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

from .conftest import ALICE, ASSIST, KITCHEN, PIN, received, replies_to

SECOND_SERIAL = "da00-0030-1901-9999"
SECOND_WEBHOOK_ID = "dinstar-test-webhook-second"


@pytest.fixture
async def second(simulator_config: SimulatorConfig) -> AsyncIterator[Simulator]:
    """A second gateway, with SIMs of its own."""
    sim = Simulator(replace(simulator_config, serial=SECOND_SERIAL, seed=2))
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def sim_number(gateway: Simulator, port: int) -> str:
    number = gateway.state.ports[port].sim.number
    assert number
    return number


@pytest.fixture
def subentries(simulator: Simulator, second: Simulator) -> list[tuple[str, dict[str, Any]]]:
    """On each gateway Alice may talk to Assist, and so may (by mistake) both gateways' SIMs."""
    return [
        ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
        ("contact", {"name": "Own SIM", "number": sim_number(simulator, 2), "assist": True}),
        ("contact", {"name": "Other SIM", "number": sim_number(second, 2), "assist": True}),
        ("assist", ASSIST),
    ]


@pytest.fixture
async def gateways(
    hass: HomeAssistant,
    home: None,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    second: Simulator,
    subentries: list[tuple[str, dict[str, Any]]],
    hass_client_no_auth: ClientSessionGenerator,
) -> tuple[Simulator, Simulator]:
    """Both gateways set up with the same subentries, each pushing to its own webhook."""
    entry = MockConfigEntry(
        domain="dinstar",
        title=f"Dinstar {SECOND_SERIAL}",
        unique_id=SECOND_SERIAL,
        data={
            **init_with_subentries.data,
            CONF_PORT: second.port,
            CONF_WEBHOOK_ID: SECOND_WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    for subentry_type, data in subentries:
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=subentry_type,
                title=subentry_type,
                unique_id=data.get("number"),
            ),
        )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    simulator.push_url = str(
        client.make_url(f"/api/webhook/{init_with_subentries.data[CONF_WEBHOOK_ID]}")
    )
    second.push_url = str(client.make_url(f"/api/webhook/{SECOND_WEBHOOK_ID}"))
    return simulator, second


async def test_only_the_gateway_it_came_in_on_answers(
    hass: HomeAssistant, gateways: tuple[Simulator, Simulator]
) -> None:
    """Each gateway's message ids start at 1: the other gateway must not take it for its own."""
    first, second = gateways
    await received(hass, second, ALICE, f"{PIN} turn on the kitchen light")
    assert len(replies_to(second, ALICE)) == 1
    await received(hass, first, ALICE, f"{PIN} turn off the kitchen light")
    assert hass.states.get(KITCHEN).state == "off"
    assert len(replies_to(first, ALICE)) == 1
    assert len(replies_to(second, ALICE)) == 1


async def test_no_gateway_answers_a_gateways_sim(
    hass: HomeAssistant, gateways: tuple[Simulator, Simulator]
) -> None:
    """Its own SIM or the other gateway's: two gateways would answer each other for ever."""
    first, second = gateways
    await received(hass, first, sim_number(first, 2), f"{PIN} turn on the kitchen light")
    await received(hass, first, sim_number(second, 2), f"{PIN} turn on the kitchen light")
    await received(hass, second, sim_number(first, 2), f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    assert first.state.sent_messages == []
    assert second.state.sent_messages == []
