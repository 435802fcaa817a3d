"""Fixtures for the black-box tests: a fake gateway on loopback, Home Assistant driven by hand.

The integration is only reached through what a user has: the config and options flows, actions,
the webhook, events on the bus and states.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web_urldispatcher
from aiohttp.test_utils import TestClient, TestServer
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

# Imported before the hass fixture so that this repository's custom_components package is the
# one Home Assistant's loader finds, not the test harness's empty one.
import custom_components.dinstar  # noqa: F401

from .gateway import FakeGateway, local_time
from .restart import restarted

DOMAIN = "dinstar"
EVENTS = (
    "dinstar_sms_received",
    "dinstar_sms_sent",
    "dinstar_sms_delivery",
    "dinstar_ussd_received",
    "dinstar_sim_registration",
    "dinstar_device_power",
)


@dataclass
class Added:
    """A gateway added through the config flow."""

    entry: ConfigEntry
    webhook_id: str
    gateway: FakeGateway

    @property
    def webhook_path(self) -> str:
        return f"/api/webhook/{self.webhook_id}"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
async def gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """A running fake gateway."""
    async with _started(FakeGateway()) as gw:
        yield gw


@pytest.fixture
async def second_gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """Another fake gateway with its own serial number."""
    async with _started(FakeGateway(serial="fa0e-0000-0000-0002", mac="F8-A0-3D-00-00-02")) as gw:
        yield gw


@pytest.fixture
async def third_gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """A third fake gateway, for a contact's pool spanning three."""
    async with _started(FakeGateway(serial="fa0e-0000-0000-0003", mac="F8-A0-3D-00-00-03")) as gw:
        yield gw


@asynccontextmanager
async def _started(gw: FakeGateway) -> AsyncIterator[FakeGateway]:
    """A fake gateway serving until the test ends."""
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


# What the integration uses of Home Assistant's HTTP side, set up before the server starts.
BEFORE_THE_SERVER = ("webhook", "repairs", "notify", "panel_custom", "websocket_api")


@pytest.fixture(autouse=True)
def router_never_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """As Home Assistant's own server: views registered after it started are served.

    Home Assistant keeps its router open (integrations load after the server starts, as the
    gateway's does when it is added); the harness's test server would freeze it.
    """
    monkeypatch.setattr(web_urldispatcher.UrlDispatcher, "freeze", lambda _router: None)


@pytest.fixture
async def http(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient:
    """Home Assistant's HTTP server, with what the integration uses set up."""
    for component in BEFORE_THE_SERVER:
        assert await async_setup_component(hass, component, {})
    return await hass_client_no_auth()


async def set_up_components(hass: HomeAssistant) -> None:
    """What a Home Assistant with the integration has, set up before its HTTP server starts."""
    for component in ("webhook", "repairs", "notify", "diagnostics", "api", "frontend", DOMAIN):
        assert await async_setup_component(hass, component, {}), component
    await hass.async_block_till_done()


@pytest.fixture
async def web(hass: HomeAssistant, hass_client_no_auth: Any, socket_enabled: None) -> TestClient:
    """Home Assistant with the integration; a client with no credentials (gateway, attacker)."""
    await set_up_components(hass)
    return await hass_client_no_auth()


async def add_gateway(
    hass: HomeAssistant, gateway: FakeGateway, options: dict[str, Any] | None = None
) -> Added:
    """Add the gateway the way a user does, through the flow; apply options if given."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "direct"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "host": gateway.host,
            "port": gateway.port,
            "username": gateway.username,
            "password": gateway.password,
        },
    )
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == "webhook"
    webhook_id = result["description_placeholders"]["url"].rsplit("/", 1)[1]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry = result["result"]
    await hass.async_block_till_done()
    if options:
        await set_options(hass, entry, options)
    return Added(entry, webhook_id, gateway)


async def set_options(hass: HomeAssistant, entry: ConfigEntry, changes: dict[str, Any]) -> None:
    """Change options through the options flow, keeping the others as shown."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    data = {key.schema: key.default() for key in result["data_schema"].schema}
    data.update(changes)
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()


def reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


@pytest.fixture
def events(hass: HomeAssistant) -> dict[str, list[dict[str, Any]]]:
    """Every dinstar_* event fired, by type, as its data."""
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name in EVENTS}
    for name in EVENTS:

        @callback
        def listener(event: Event, name: str = name) -> None:
            seen[name].append(dict(event.data))

        hass.bus.async_listen(name, listener)
    return seen


def received_ids(events: dict[str, list[dict[str, Any]]]) -> list[int]:
    """The ids of the SMS the ``events`` fixture saw fire, in the order they fired."""
    return [event["incoming_sms_id"] for event in events["dinstar_sms_received"]]


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 10.0
) -> bool:
    """Poll a condition until it holds or the timeout passes; return whether it held.

    It returns as soon as the condition holds: the timeout only bounds a failure, and is
    generous because a loaded machine (parallel tests, a mutation run) slows every step.
    """
    loop = hass.loop
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await hass.async_block_till_done()
        await asyncio.sleep(0.01)
    return True


async def advance(hass: HomeAssistant, seconds: float) -> None:
    """Let Home Assistant's timers run as if ``seconds`` had passed."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the frozen clock on by ``delta``, then let the timers that are due run.

    Unlike ``advance``, the clock itself moves: what compares stored times with now (limits,
    lockouts) sees the time as passed.
    """
    freezer.tick(delta)
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done(wait_background_tasks=True)


def sms_push(serial: str, *messages: dict[str, Any]) -> dict[str, Any]:
    """A pushed SMS body as the spec shows it."""
    return {"sn": serial, "sms": list(messages)}


async def push(http: TestClient, added: Added, *ids: int) -> int:
    """Push the gateway's own inbox messages with these ids, as the gateway would."""
    messages = [sms for sms in added.gateway.inbox if sms["incoming_sms_id"] in ids]
    response = await http.post(added.webhook_path, json=sms_push(added.gateway.serial, *messages))
    return response.status


def result_push(gateway: FakeGateway, record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A pushed sending result: the gateway's ``record`` of a message, with ``changes``."""
    return {"sn": gateway.serial, "sms_result": [{**record, **changes}]}


def delivery_report(record: dict[str, Any], status_code: int) -> dict[str, Any]:
    """The delivery report the gateway keeps (and pushes) for its ``record`` of a message."""
    return {
        "port": record["port"],
        "number": record["number"],
        "time": record["time"],
        "ref_id": record["ref_id"],
        "status_code": status_code,
        "imsi": record.get("imsi", "262010000000000"),
    }


# Bodies of pushes a gateway sends unasked (a SIM registered on port 1, the device powered on),
# without the serial that each push adds.
REGISTER = {
    "register": [
        {
            "port": 1,
            "iccid": "8949",
            "imsi": "26201",
            "number": "",
            "status": "up",
            "sequence": 2,
            "slot": 255,
        }
    ]
}
POWER_ON = {
    "device": {
        "port_number": 4,
        "IP": "127.0.0.1",
        "MAC": "F8-A0-3D-00-00-01",
        "status": "power_on",
    }
}


async def gateway_read(
    hass: HomeAssistant, gateway: FakeGateway, path: str, since: int, timeout: float = 2.0
) -> bool:
    """Wait until the gateway answered a request to ``path`` made after its ``since``-th request.

    A push is a doorbell: what it announces is read from the gateway afterwards. Waiting on
    that read (rather than on a clock) is how a test knows the integration has had its look;
    then Home Assistant settles, so that whatever the read leads to has happened.
    """
    done = await wait_for(
        hass,
        lambda: any(seen.answered is not None for seen in gateway.calls(path, since)),
        timeout=timeout,
    )
    await hass.async_block_till_done()
    await asyncio.sleep(0.05)  # the answer's parsing and what it fires: a few loop turns
    await hass.async_block_till_done()
    return done


async def add_idle_gateway(hass: HomeAssistant, gateway: FakeGateway) -> Added:
    """Add the gateway, then wait until the reads that follow a set-up are over.

    Tests that count the gateway's requests after a push start from a quiet gateway, so that
    the set-up's own inbox read is not taken for one the push caused.
    """
    added = await add_gateway(hass, gateway)
    await hass.async_block_till_done(wait_background_tasks=True)
    return added


# -- Assist by SMS: a home with real entities and Home Assistant's own conversation agent -----

PIN = "471108"
ALICE = "+4915100000042"  # a contact allowed to talk to Assist
BOB = "+4915100000043"

_FLAG = "input_boolean.{}"


def _switch(flag: str, service: str) -> dict[str, Any]:
    return {"action": f"input_boolean.{service}", "target": {"entity_id": _FLAG.format(flag)}}


def _cover(name: str, key: str, device_class: str) -> dict[str, Any]:
    return {
        "name": name,
        "unique_id": key,
        "device_class": device_class,
        "state": f"{{{{ 'open' if is_state('input_boolean.{key}', 'on') else 'closed' }}}}",
        "open_cover": _switch(key, "turn_on"),
        "close_cover": _switch(key, "turn_off"),
    }


# Each entity is a template over an input_boolean (not exposed to Assist by default): its state
# shows whether anything really switched it.
HOME_CONFIG: dict[str, Any] = {
    "input_boolean": {
        "kitchen": {"name": "kitchen flag"},
        "front_door": {"name": "front door flag", "initial": True},  # locked
        "garage_door": {"name": "garage flag", "initial": False},
        "back_door": {"name": "back door flag", "initial": False},
        "front_gate": {"name": "gate flag", "initial": False},
        "blind": {"name": "blind flag", "initial": False},
        "alarm": {"name": "alarm flag", "initial": True},  # armed
        "heater": {"name": "heater flag", "initial": False},
    },
    "template": [
        {
            "light": [
                {
                    "name": "Kitchen Light",
                    "unique_id": "kitchen_light",
                    "state": "{{ is_state('input_boolean.kitchen', 'on') }}",
                    "turn_on": _switch("kitchen", "turn_on"),
                    "turn_off": _switch("kitchen", "turn_off"),
                }
            ],
            "switch": [
                {
                    "name": "Heater",
                    "unique_id": "heater",
                    "state": "{{ is_state('input_boolean.heater', 'on') }}",
                    "turn_on": _switch("heater", "turn_on"),
                    "turn_off": _switch("heater", "turn_off"),
                }
            ],
            "lock": [
                {
                    "name": "Front Door",
                    "unique_id": "front_door",
                    "state": "{{ 'locked' if is_state('input_boolean.front_door', 'on') "
                    "else 'unlocked' }}",
                    "lock": _switch("front_door", "turn_on"),
                    "unlock": _switch("front_door", "turn_off"),
                }
            ],
            "cover": [
                _cover("Garage Door", "garage_door", "garage"),
                _cover("Back Door", "back_door", "door"),
                _cover("Front Gate", "front_gate", "gate"),
                _cover("Living Room Blind", "blind", "blind"),
            ],
            "alarm_control_panel": [
                {
                    "name": "House Alarm",
                    "unique_id": "house_alarm",
                    "code_arm_required": False,
                    "state": "{{ 'armed_away' if is_state('input_boolean.alarm', 'on') "
                    "else 'disarmed' }}",
                    "arm_away": _switch("alarm", "turn_on"),
                    "disarm": _switch("alarm", "turn_off"),
                }
            ],
        }
    ],
}

KITCHEN = "light.kitchen_light"
HEATER = "switch.heater"
FRONT_DOOR = "lock.front_door"
GARAGE = "cover.garage_door"
BACK_DOOR = "cover.back_door"
GATE = "cover.front_gate"
BLIND = "cover.living_room_blind"
ALARM = "alarm_control_panel.house_alarm"


async def set_up_home(hass: HomeAssistant) -> None:
    """Home Assistant's own conversation agent and a home of real entities."""
    for component in ("homeassistant", "input_boolean", "template", "conversation"):
        assert await async_setup_component(hass, component, HOME_CONFIG), component
    await hass.async_block_till_done()
    for entity_id in (KITCHEN, HEATER, FRONT_DOOR, GARAGE, BACK_DOOR, GATE, BLIND, ALARM):
        assert hass.states.get(entity_id) is not None, entity_id


@pytest.fixture
async def home(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient:
    """The home, set up before Home Assistant's HTTP server starts; its client for pushes."""
    await set_up_home(hass)
    for component in (*BEFORE_THE_SERVER, "diagnostics"):
        assert await async_setup_component(hass, component, {})
    return await hass_client_no_auth()


@pytest.fixture
def service_calls(hass: HomeAssistant) -> list[tuple[str, str, Any]]:
    """Every action called in Home Assistant: (domain, service, service data)."""
    calls: list[tuple[str, str, Any]] = []

    @callback
    def listener(event: Event) -> None:
        calls.append((event.data["domain"], event.data["service"], event.data["service_data"]))

    hass.bus.async_listen("call_service", listener)
    return calls


async def add_contact(
    hass: HomeAssistant, added: Added, name: str, number: str, *, assist: bool = True
) -> str:
    """Add a contact through the gateway's "Add contact", ticking "May talk to Assist"."""
    result = await hass.config_entries.subentries.async_init(
        (added.entry.entry_id, "contact"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": name, "number": number, "assist": assist}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    return next(
        subentry_id
        for subentry_id, subentry in added.entry.subentries.items()
        if subentry.subentry_type == "contact" and subentry.title == name
    )


def form_defaults(result: Any) -> dict[str, Any]:
    """What a form shows before the user types anything: its fields' defaults."""
    data: dict[str, Any] = {}
    for key in result["data_schema"].schema:
        default = getattr(key, "default", None)
        if callable(default):
            value = default()
            if value is not None and not isinstance(value, type):
                data[key.schema] = value
    return data


async def assist_form(hass: HomeAssistant, added: Added, **fields: Any) -> Any:
    """Fill "Add Assist by SMS" as a user does: the defaults shown, changed where given."""
    result = await hass.config_entries.subentries.async_init(
        (added.entry.entry_id, "assist"), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM, result
    data = form_defaults(result)
    data.update(fields)
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    await hass.async_block_till_done()
    return result


async def add_assist(hass: HomeAssistant, added: Added, **fields: Any) -> None:
    """Add Assist by SMS to the gateway (with the PIN unless told otherwise)."""
    if not fields.get("no_pin"):
        fields.setdefault("pin", PIN)
    result = await assist_form(hass, added, **fields)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)


async def add_gateway_with_assist(
    hass: HomeAssistant, gateway: FakeGateway, *contacts: str, **fields: Any
) -> Added:
    """An idle gateway, the numbers as contacts "Contact 0", "Contact 1"..., then Assist by SMS.

    ``fields`` change the Assist by SMS form (limits, caps); the PIN is set as ``add_assist`` does.
    """
    added = await add_idle_gateway(hass, gateway)
    for index, number in enumerate(contacts):
        await add_contact(hass, added, f"Contact {index}", number)
    await add_assist(hass, added, **fields)
    return added


def kitchen_light(hass: HomeAssistant) -> str:
    """The kitchen light's state: "on" only once something really switched it."""
    return hass.states.get(KITCHEN).state  # type: ignore[union-attr]


async def text(
    hass: HomeAssistant,
    client: TestClient,
    added: Added,
    sender: str,
    message: str,
    *,
    port: int = 1,
    when: str | None = None,
    reply: bool = True,
) -> list[dict[str, Any]]:
    """An SMS really reaches the gateway's inbox and the gateway pushes it; return what was sent.

    ``sender`` is whatever the network wrote: a forger's SMS is just that, an SMS whose sender is
    the forged number. With ``reply`` the wait is for a reply; without it, Home Assistant settles
    and a short grace follows, to show that nothing is sent.
    """
    gateway = added.gateway
    since = len(gateway.requests)
    gateway.receive(port, sender, message, when=when or local_time())
    await gateway.push(client, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    assert await gateway_read(hass, gateway, "/api/query_incoming_sms", since)
    await wait_for(hass, lambda: bool(gateway.sent(since)), timeout=3.0 if reply else 0.3)
    await hass.async_block_till_done(wait_background_tasks=True)
    return gateway.sent(since)


def limits(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Start recording ``dinstar_assist_limit`` events; the list fills as they fire."""
    return record_events(hass, "dinstar_assist_limit")


def record_events(hass: HomeAssistant, event_type: str) -> list[dict[str, Any]]:
    """Start recording events of a type; the list fills as they fire."""
    seen: list[dict[str, Any]] = []

    @callback
    def listener(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(event_type, listener)
    return seen


def dinstar_issues(hass: HomeAssistant) -> dict[str, Any]:
    """The integration's active repair issues by id."""
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.active
    }


async def reconfigure_assist(hass: HomeAssistant, added: Added, **fields: Any) -> Any:
    """Reconfigure the gateway's Assist by SMS: the form as shown, changed where given."""
    (subentry_id,) = [
        subentry_id
        for subentry_id, subentry in added.entry.subentries.items()
        if subentry.subentry_type == "assist"
    ]
    result = await hass.config_entries.subentries.async_init(
        (added.entry.entry_id, "assist"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    assert result["type"] is FlowResultType.FORM, result
    data = form_defaults(result)
    data.update(fields)
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


@asynccontextmanager
async def restarted_home(
    first: HomeAssistant, added: Added
) -> AsyncIterator[tuple[HomeAssistant, TestClient, Added]]:
    """Stop ``first`` without unloading (a restart), start another on the same storage.

    The new instance gets the same home (conversation, the same entities), the webhook served
    by its own HTTP server, and loads the gateway's entry as Home Assistant does at start.
    """
    async with restarted(first) as second:
        await set_up_home(second)
        for component in BEFORE_THE_SERVER:
            assert await async_setup_component(second, component, {})
        client = TestClient(TestServer(second.http.app))
        await client.start_server()
        try:
            assert await async_setup_component(second, DOMAIN, {})
            await second.async_block_till_done(wait_background_tasks=True)
            entry = second.config_entries.async_get_entry(added.entry.entry_id)
            assert entry is not None
            assert entry.state is ConfigEntryState.LOADED
            yield second, client, Added(entry, added.webhook_id, added.gateway)
        finally:
            await client.close()


async def text_all(
    hass: HomeAssistant,
    client: TestClient,
    added: Added,
    messages: list[tuple[str, str]],
    *,
    port: int = 1,
) -> list[dict[str, Any]]:
    """Many SMS (sender, text) reach the inbox at once and are pushed; return what was sent.

    Waits until every one of them has fired ``dinstar_sms_received`` (the inbox was read), then
    gives replies a short grace.
    """
    gateway = added.gateway
    since = len(gateway.requests)
    seen: set[int] = set()

    @callback
    def listener(event: Event) -> None:
        seen.add(event.data["incoming_sms_id"])

    unsubscribe = hass.bus.async_listen("dinstar_sms_received", listener)
    now = local_time()
    ids = {gateway.receive(port, sender, message, when=now) for sender, message in messages}
    fresh = [sms for sms in gateway.inbox if sms["incoming_sms_id"] in ids]
    try:
        for start in range(0, len(fresh), 20):
            body = sms_push(gateway.serial, *fresh[start : start + 20])
            await gateway.push(client, added.webhook_path, body)
        assert await wait_for(hass, lambda: ids <= seen, timeout=10), "not all were read"
    finally:
        unsubscribe()
    await wait_for(hass, lambda: bool(gateway.sent(since)), timeout=0.3)
    await hass.async_block_till_done(wait_background_tasks=True)
    return gateway.sent(since)
