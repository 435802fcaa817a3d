"""Assist by SMS, issue item 7: a contact's number matches however the network writes it.

International with or without spaces, with 00, and the national form the network uses for
domestic senders, read with the country of Home Assistant's own settings. Without a country only
international forms match; another country's national form is another number.
"""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest

from .conftest import PIN, add_assist, add_contact, add_idle_gateway, kitchen_light, text
from .gateway import FakeGateway

ORDER = f"{PIN} turn on the kitchen light"


@pytest.mark.parametrize(
    "sender",
    ["+4917612345678", "+49 176 12345678", "+49 176 1234 5678", "004917612345678", "017612345678"],
)
@pytest.mark.parametrize("stored", ["+49 176 1234 5678", "0176 12345678"])
async def test_every_notation_of_a_german_contact_matches_in_germany(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, stored: str, sender: str
) -> None:
    """Home Assistant's country is Germany: each way of writing the number reaches Assist."""
    await hass.config.async_update(country="DE")
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", stored)
    await add_assist(hass, added)

    sent = await text(hass, home, added, sender, ORDER)

    assert len(sent) == 1, sent
    assert kitchen_light(hass) == "on"


@pytest.mark.parametrize(
    ("country", "sender"),
    [
        (None, "017612345678"),  # no country: a national form matches nothing
        ("AT", "017612345678"),  # in Austria this is +43 176 ...
        ("DE", "+4317612345678"),  # the same digits in another country
        ("DE", "+49176123456789"),  # one digit more
    ],
)
async def test_other_numbers_do_not_match(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    country: str | None,
    sender: str,
) -> None:
    """Numbers that only look alike are not the contact: no reply, nothing switched."""
    await hass.config.async_update(country=country)
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", "+49 176 1234 5678")
    await add_assist(hass, added)

    assert await text(hass, home, added, sender, ORDER, reply=False) == []
    assert kitchen_light(hass) == "off"


async def test_the_country_is_read_from_home_assistant_when_it_changes(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Set after the gateway was added (the user fills in the country later): it is used."""
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", "+49 176 1234 5678")
    await add_assist(hass, added)
    assert await text(hass, home, added, "017612345678", ORDER, reply=False) == []

    await hass.config.async_update(country="DE")
    assert await text(hass, home, added, "017612345678", ORDER)
    assert kitchen_light(hass) == "on"
