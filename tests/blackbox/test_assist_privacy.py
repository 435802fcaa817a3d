"""Assist by SMS, issue item 3: the PIN is never recorded, shown, fired or logged.

An allowed contact texts "471108 turn on the kitchen light". Afterwards the PIN is nowhere a user,
an automation or a support request can read it: not the Last SMS sensor (state or attributes),
not any event on the bus, not the recorder's database (states, attributes, events: what history
and the logbook show), not the logbook, not diagnostics, not the log at any level. What the
message asked is still told (the rest of the text).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components import recorder
from homeassistant.components.logbook.helpers import async_determine_event_types
from homeassistant.components.logbook.processor import EventProcessor
from homeassistant.components.recorder.util import session_scope
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
import sqlalchemy

from .conftest import (
    ALICE,
    KITCHEN,
    PIN,
    add_assist,
    add_contact,
    add_idle_gateway,
    set_up_home,
    text,
)
from .gateway import FakeGateway

LAST_SMS = "sensor.dinstar_0001_port_1_last_sms"
MESSAGE = f"{PIN} turn on the kitchen light"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Debug logging on from the start, as a user asked to "enable debug logging" has it."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    debug_log: pytest.LogCaptureFixture, recorder_db_url: str, enable_custom_integrations: None
) -> None:
    """As conftest's, but debug logging and the recorder's database come before Home Assistant."""


def _all_events(hass: HomeAssistant) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    @callback
    def listener(event: Event) -> None:
        seen.append((event.event_type, repr(event.data)))

    hass.bus.async_listen(MATCH_ALL, listener)
    return seen


def _with_pin(items: list[Any], render: Callable[[Any], str] = repr) -> list[str]:
    return [render(item) for item in items if PIN in render(item)]


async def test_the_pin_is_in_no_state_event_log_or_diagnostics(
    hass: HomeAssistant,
    home: TestClient,
    hass_client: Any,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sensor state and attributes, every event on the bus, every log record, diagnostics."""
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)
    fired = _all_events(hass)
    caplog.clear()

    replies = await text(hass, home, added, ALICE, MESSAGE)

    assert replies
    assert hass.states.get(KITCHEN).state == "on"  # type: ignore[union-attr]
    state = hass.states.get(LAST_SMS)
    assert state is not None
    assert "turn on the kitchen light" in state.state, state
    names = {name for name, _ in fired}
    assert {"dinstar_sms_received", "dinstar_assist_exchange"} <= names, names
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, added.entry)
    leaks = {
        "Last SMS state": _with_pin([state.state], str),
        "Last SMS attributes": _with_pin(list(state.attributes.values())),
        "events": _with_pin(fired),
        "log of the integration": _with_pin(
            [r for r in caplog.records if r.name.startswith("custom_components.dinstar")],
            lambda record: record.getMessage(),
        ),
        "log of Home Assistant (debug)": _with_pin(
            [r for r in caplog.records if not r.name.startswith("custom_components.dinstar")],
            lambda record: f"{record.name}: {record.getMessage()}",
        ),
        "diagnostics": _with_pin([diagnostics]),
    }
    assert sorted(where for where, found in leaks.items() if found) == [], leaks


@pytest.fixture
async def recorded_home(
    recorder_mock: recorder.Recorder, hass: HomeAssistant, hass_client_no_auth: Any
) -> TestClient:
    """The home with the recorder and the logbook, as a user's Home Assistant has them."""
    await set_up_home(hass)
    for component in ("webhook", "repairs", "notify", "logbook"):
        assert await async_setup_component(hass, component, {})
    return await hass_client_no_auth()


def _database_rows(hass: HomeAssistant) -> list[str]:
    """Every row of every table of the recorder's database, as text."""
    rows: list[str] = []
    with session_scope(hass=hass, read_only=True) as session:
        engine = session.get_bind()
        for table in sqlalchemy.inspect(engine).get_table_names():
            query = sqlalchemy.text(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            rows.extend(f"{table}: {tuple(row)!r}" for row in session.execute(query))
    return rows


async def test_the_pin_never_reaches_the_recorder_history_or_logbook(
    recorder_mock: recorder.Recorder,
    hass: HomeAssistant,
    recorded_home: TestClient,
    gateway: FakeGateway,
) -> None:
    """The database behind history and the logbook holds the message, never its PIN."""
    start = dt_util.utcnow() - timedelta(minutes=1)
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)

    assert await text(hass, recorded_home, added, ALICE, MESSAGE)
    await async_wait_recording_done(hass)

    instance = recorder.get_instance(hass)
    rows = await instance.async_add_executor_job(_database_rows, hass)
    assert any("turn on the kitchen light" in row for row in rows), "the SMS was not recorded"
    leaks = {"database": [row for row in rows if PIN in row]}

    processor = EventProcessor(hass, async_determine_event_types(hass, None, None))
    lines = await instance.async_add_executor_job(
        processor.get_events, start, dt_util.utcnow() + timedelta(minutes=1)
    )
    assert any("kitchen light" in repr(line) for line in lines), lines
    leaks["logbook"] = _with_pin(lines)
    assert sorted(where for where, found in leaks.items() if found) == [], leaks
