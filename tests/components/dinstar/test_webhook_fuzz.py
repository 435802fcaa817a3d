"""Thousands of generated bodies posted to the webhook: no crash, no event from junk."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from hypothesis import HealthCheck, given, settings, strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import ALL_EVENTS

from .conftest import SERIAL, WEBHOOK_ID

KEYS = st.sampled_from(
    [
        "sn",
        "sms",
        "sms_result",
        "sms_deliver_status",
        "ussd",
        "register",
        "cdr",
        "device",
        "exception_info",
        "port",
        "text",
        "incoming_sms_id",
        "status",
        "x",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(KEYS, JSON, max_size=4).map(
        lambda body: json.dumps({**body, "sn": SERIAL}).encode()
    ),
)


async def test_fuzz_webhook(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    client = await hass_client_no_auth()
    fired: list[Event[Any]] = []

    @callback
    def record(event: Event[Any]) -> None:
        fired.append(event)

    for kind in ALL_EVENTS:
        hass.bus.async_listen(kind, record)
    statuses: set[int] = set()
    posted = 0

    @settings(
        max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(BODIES)
    def generate(body: bytes) -> None:
        bodies.append(body)

    bodies: list[bytes] = []
    generate()
    for body in bodies:
        before = len(fired)
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
        await hass.async_block_till_done()
        statuses.add(response.status)
        posted += 1
        if response.status != 200:
            assert len(fired) == before, body  # junk fires nothing
            continue
        assert json.loads(body)["sn"] == SERIAL  # accepted only from this gateway
    assert posted >= 1000
    assert statuses <= {200, 400, 403}
    assert {200, 400} <= statuses
    assert all(event.data["config_entry_id"] == init_integration.entry_id for event in fired)
