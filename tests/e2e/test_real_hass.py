"""End to end: the simulator and a real ``hass`` process, driven as a user and a gateway would.

Nothing here runs inside the test harness's Home Assistant: both programs are started as
processes on free loopback ports, the gateway is added through the config flow over HTTP, the
simulator pushes to the real webhook URL the flow showed, actions go through the REST API,
events are watched on a WebSocket subscription, and Chromium looks at the pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
from typing import Any

import aiohttp
import pytest

from dinstar_dev.hass_runner.dashboard import DASHBOARD_PATH, save_dashboard
from dinstar_dev.hass_runner.hass_client import Gateway, HomeAssistantApi, User
from dinstar_dev.hass_runner.process import (
    ROOT,
    Process,
    free_port,
    start_hass,
    start_simulator,
    wait_until_serving,
)

OUTPUT = ROOT / "test-output" / "e2e"
BROWSER_CHECK = ROOT / "dinstar_dev" / "hass_runner" / "browser" / "check.mjs"
USER = User(name="E2E", username="e2e", password="e2e-password-1")
GATEWAY_PASSWORD = "e2e-gateway"
EVENT_WAIT = 30.0
SECOND_GATEWAY = "Garage gateway"


@dataclass
class Stack:
    """Both processes, signed in, with the gateway added."""

    api: HomeAssistantApi
    simulator: Process
    hass: Process
    sim_url: str
    ha_url: str
    entry: dict[str, Any]

    async def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """The simulator's control API (GET without a body)."""
        method = "GET" if body is None else "POST"
        async with self.api.session.request(
            method, f"{self.sim_url}/_sim/{path}", json=body
        ) as response:
            assert response.status == 200, await response.text()
            return await response.json()


@pytest.fixture
def output(request: pytest.FixtureRequest) -> Path:
    """This test's folder under test-output/e2e: both programs' logs, the screenshots."""
    folder = OUTPUT / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
async def stack(socket_enabled: None, tmp_path: Path, output: Path) -> AsyncIterator[Stack]:
    """Start the simulator and Home Assistant; onboard; add the gateway; stop both after."""
    sim_port, ha_port = free_port(), free_port()
    simulator = start_simulator(
        port=sim_port,
        password=GATEWAY_PASSWORD,
        log=output / "simulator.log",
        extra=("--send-delay", "0.2", "--register-delay", "0.5"),
    )
    hass = start_hass(tmp_path / "config", port=ha_port, log=output / "hass.log", own_port=True)
    sim_url, ha_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{ha_port}"
    try:
        await wait_until_serving(simulator, f"{sim_url}/_sim/state")
        await wait_until_serving(hass, f"{ha_url}/api/onboarding")
        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session, ha_url)
            await api.onboard(USER)
            await api.confirm_http_config()
            entry = await api.add_gateway(Gateway("127.0.0.1", sim_port, "admin", GATEWAY_PASSWORD))
            yield Stack(api, simulator, hass, sim_url, ha_url, entry)
    finally:
        codes = {
            process.name: await asyncio.to_thread(process.stop) for process in (hass, simulator)
        }
    assert codes == {"Home Assistant": 0, "simulator": 0}, codes
    log = (output / "hass.log").read_text()
    errors = [line for line in log.splitlines() if "ERROR" in line and "dinstar" in line]
    assert not errors, errors


async def test_gateway_added_through_the_config_flow(stack: Stack) -> None:
    """The flow made an entry whose webhook URL is this Home Assistant's, with live entities."""
    assert stack.entry["title"] == "Dinstar 2817"
    assert stack.entry["state"] == "loaded"
    assert stack.entry["webhook_url"].startswith(f"{stack.ha_url}/api/webhook/")
    states = {state["entity_id"]: state for state in await stack.api.states()}
    assert states["sensor.dinstar_2817_port_1_registration"]["state"] == "register_ok"
    assert int(states["sensor.dinstar_2817_port_1_signal_strength"]["state"]) < 0
    assert states["sensor.dinstar_2817_port_1_phone_number"]["state"].startswith("+49")


async def test_pushed_sms_reaches_a_websocket_subscriber(stack: Stack) -> None:
    """The simulator pushes to the real webhook; the event reaches a WebSocket client."""
    await stack.control("config", {"push_url": stack.entry["webhook_url"]})
    async with stack.api.websocket() as socket:
        subscription = await socket.subscribe_events("dinstar_sms_received")
        injected = await stack.control(
            "sms", {"port": 2, "number": "+4915112345678", "text": "Hello from the gateway"}
        )
        async with asyncio.timeout(EVENT_WAIT):
            event = await socket.next_event(subscription)
    data = event["data"]
    assert data["incoming_sms_id"] == injected["incoming_sms_id"]
    assert data["port"] == 2
    assert data["sender"] == "+4915112345678"
    assert data["text"] == "Hello from the gateway"
    assert data["config_entry_id"] == stack.entry["entry_id"]
    assert data["device_id"]


async def test_send_sms_over_rest_reaches_the_gateway(stack: Stack) -> None:
    """send_sms through the REST API: the simulator has the message; its result is pushed back."""
    await stack.control("config", {"push_url": stack.entry["webhook_url"]})
    async with stack.api.websocket() as socket:
        subscription = await socket.subscribe_events("dinstar_sms_sent")
        answer = await stack.api.call_service(
            "dinstar",
            "send_sms",
            {
                "config_entry_id": stack.entry["entry_id"],
                "number": ["+4917000000001", "+4917000000002"],
                "message": "Alarm: the garage door is open",
                "port": [1],
            },
            response=True,
        )
        async with asyncio.timeout(EVENT_WAIT):
            results = [await socket.next_event(subscription) for _ in range(2)]
    response = answer["service_response"]
    assert len(response["task_ids"]) == 1
    sent = (await stack.control("state"))["sent_messages"]
    assert sorted(message["number"] for message in sent) == ["+4917000000001", "+4917000000002"]
    assert {message["text"] for message in sent} == {"Alarm: the garage door is open"}
    assert {message["port"] for message in sent} == {1}
    user_ids = {item["user_id"] for item in response["messages"]}
    assert {message["user_id"] for message in sent} == user_ids
    assert {event["data"]["user_id"] for event in results} == user_ids
    assert {event["data"]["outcome"] for event in results} == {"sent"}


# Assist by SMS needs a PIN of six characters or more; a message starts with it.
PIN = "246810"


async def test_an_allowed_contact_talks_to_assist_by_sms(stack: Stack) -> None:
    """An allowed contact's SMS switches the light, the answer reaches the gateway; no other.

    A stranger's SMS changes nothing and gets no answer.
    """
    entry_id = stack.entry["entry_id"]
    alice, stranger = "+4917612345678", "+4917699999999"
    await stack.api.add_subentry(
        entry_id, "contact", {"name": "Alice", "number": alice, "assist": True}
    )
    await stack.api.add_subentry(
        entry_id, "assist", {"pin": PIN, "max_parts": 2, "rate_limit": 5, "daily_cap": 50}
    )
    await stack.control("config", {"push_url": stack.entry["webhook_url"]})
    async with stack.api.websocket() as socket:
        exchanges = await socket.subscribe_events("dinstar_assist_exchange")
        await stack.control(
            "sms", {"port": 2, "number": alice, "text": f"{PIN} turn on the kitchen light"}
        )
        async with asyncio.timeout(EVENT_WAIT):
            exchange = (await socket.next_event(exchanges))["data"]
        received = await socket.subscribe_events("dinstar_sms_received")
        await stack.control(
            "sms", {"port": 2, "number": stranger, "text": "turn off the kitchen light"}
        )
        async with asyncio.timeout(EVENT_WAIT):
            await socket.next_event(received)
    states = {state["entity_id"]: state for state in await stack.api.states()}
    assert states["light.kitchen_light"]["state"] == "on"
    assert exchange["contact"] == "Alice"
    sent = (await stack.control("state"))["sent_messages"]
    assert [(message["number"], message["port"]) for message in sent] == [(alice, 2)]
    assert sent[0]["text"] == exchange["reply"]


# Added in the browser, then changed there: allowed to talk to Assist.
CONTACT = ("Bea", "+4917655544433")


async def test_frontend_shows_the_gateway_and_its_ports(
    stack: Stack, output: Path, tmp_path: Path
) -> None:
    """Chromium signs in and looks at what a user sees; screenshots are saved.

    Two gateways side by side keep their own names; options saved and a balance check added
    (through its form, whose port picker names each port as its device with its registration)
    write no "unavailable" line in the logbook: nothing reloads; a SIM pulled and plugged again
    on the dashboard leaves no card row without its entity; the contact form has all its texts,
    and a contact added with it is changed through its row (Assist allowed, failing over to the
    second gateway, its notify entity kept); the integration's brand images are served.
    """
    await stack.control("config", {"push_url": stack.entry["webhook_url"]})
    sim_port = free_port()
    second = start_simulator(
        port=sim_port,
        password=GATEWAY_PASSWORD,
        log=output / "second-simulator.log",
        extra=("--serial", "da00-0030-1901-4242", "--ports", "4"),
    )
    try:
        await wait_until_serving(second, f"http://127.0.0.1:{sim_port}/_sim/state")
        garage = await stack.api.add_gateway(
            Gateway("127.0.0.1", sim_port, "admin", GATEWAY_PASSWORD), name=SECOND_GATEWAY
        )
        assert garage["title"] == SECOND_GATEWAY
        dashboard = await save_dashboard(stack.api)
        since = datetime.now(UTC).replace(microsecond=0).isoformat()
        form = await stack.api.save_options(stack.entry["entry_id"], {"scan_interval": 45})
        ports = next(field for field in form["data_schema"] if field["name"] == "ports")
        labels = [option["label"] for option in ports["selector"]["select"]["options"]]
        report = await _check_in_the_browser(stack, output, labels, since)
    finally:
        assert await asyncio.to_thread(second.stop) == 0
    assert labels[1] == "Dinstar 2817 port 1: Registered"
    assert labels[3] == "Dinstar 2817 port 3: No SIM"
    # From the options saved to the SIM pulled (which makes some entities unavailable).
    lines = await stack.api.logbook(since, report["before_sim_pull"])
    assert [line["entity_id"] for line in lines if line.get("state") == "unavailable"] == []
    states = {state["entity_id"]: state for state in await stack.api.states()}
    async with stack.api.websocket() as socket:
        subentries = await socket.command(
            "config_entries/subentries/list", entry_id=stack.entry["entry_id"]
        )
    (bea,) = [s for s in subentries if s["title"] == CONTACT[0]]
    assert bea["subentry_type"] == "contact"
    # The change reached the contact's data (diagnostics show it, its name redacted).
    async with stack.api.session.get(
        f"{stack.ha_url}/api/diagnostics/config_entry/{stack.entry['entry_id']}",
        headers={"Authorization": f"Bearer {stack.api.access_token}"},
    ) as response:
        assert response.status == 200
        diagnostics = (await response.json())["data"]
    (changed,) = [s for s in diagnostics["subentries"] if s["subentry_id"] == bea["subentry_id"]]
    assert changed["data"]["assist"] is True
    assert changed["data"]["pool"] == [garage["entry_id"], f"{garage['entry_id']}:1"]
    assert states["notify.bea_sms"]["state"] != "unavailable"
    assert states["sensor.dinstar_2817_port_1_balance"]["attributes"]["unit_of_measurement"] == (
        "EUR"
    )
    # Each row of a port's card is named without the port's name, which is the card's title.
    view = next(view for view in dashboard["views"] if view["title"] == "Dinstar 2817")
    port_card = next(card for card in view["cards"] if card["title"] == "Port 1")
    assert {"entity": "sensor.dinstar_2817_port_1_registration", "name": "Registration"} in (
        port_card["entities"]
    )
    assert {view["title"] for view in dashboard["views"]} == {"Dinstar 2817", SECOND_GATEWAY}
    for picture in ("icon.png", "logo.png"):
        async with stack.api.session.get(
            f"{stack.ha_url}/api/brands/integration/dinstar/{picture}",
            headers={"Authorization": f"Bearer {stack.api.access_token}"},
        ) as response:
            assert response.status == 200, picture
            assert response.content_type == "image/png", picture
    for picture in (
        "gateway-device.png",
        "port-device.png",
        "dashboard.png",
        "sim-pulled.png",
        "gateways.png",
        "balance-form.png",
        "logbook.png",
        "contact-form.png",
        "contact-reconfigure.png",
    ):
        assert (output / picture).stat().st_size > 20_000, picture


async def _check_in_the_browser(
    stack: Stack, output: Path, port_labels: list[str], since: str
) -> dict[str, Any]:
    """Run browser/check.mjs on the first gateway (see its header for what it checks).

    Returns its report: the last line it printed.
    """
    async with stack.api.websocket() as socket:
        devices = await socket.command("config/device_registry/list")
    gateway = next(d for d in devices if d["name"] == stack.entry["title"])
    port = next(d for d in devices if d["name"] == "Dinstar 2817 port 1")
    assert port["via_device_id"] == gateway["id"]
    node = shutil.which("node")
    assert node, "node is not installed: scripts/setup installs it"
    process = await asyncio.create_subprocess_exec(
        node,
        str(BROWSER_CHECK),
        cwd=BROWSER_CHECK.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={
            **os.environ,
            "HA_URL": stack.ha_url,
            "HA_USERNAME": USER.username,
            "HA_PASSWORD": USER.password,
            "GATEWAY_DEVICE_ID": gateway["id"],
            "GATEWAY_NAMES": json.dumps([stack.entry["title"], SECOND_GATEWAY]),
            "PORT_DEVICE_ID": port["id"],
            "PORT_NAME": "Dinstar 2817 port 1",
            "SIM_CONTROL_URL": f"{stack.sim_url}/_sim/ports/1",
            "DASHBOARD_URL": f"{stack.ha_url}/{DASHBOARD_PATH}/{gateway['id']}",
            "PORT_LABELS": json.dumps(port_labels),
            "LOGBOOK_SINCE": since,
            "CONTACT_NAME": CONTACT[0],
            "CONTACT_NUMBER": CONTACT[1],
            "OUT_DIR": str(output),
        },
    )
    printed, _ = await process.communicate()
    assert process.returncode == 0, f"the browser check failed:\n{printed.decode()}"
    report: dict[str, Any] = json.loads(printed.decode().strip().splitlines()[-1])
    return report


MESSAGES_CHECK = ROOT / "dinstar_dev" / "hass_runner" / "browser" / "messages.mjs"


async def test_the_messages_panel(stack: Stack, output: Path) -> None:
    """Chromium in the Messages panel: a pushed SMS live, a reply delivered, read after a reload.

    See browser/messages.mjs; afterwards the websocket commands agree with what it saw.
    """
    sender = "+4915112345678"
    await stack.control("config", {"push_url": stack.entry["webhook_url"]})
    node = shutil.which("node")
    assert node, "node is not installed: scripts/setup installs it"
    process = await asyncio.create_subprocess_exec(
        node,
        str(MESSAGES_CHECK),
        cwd=MESSAGES_CHECK.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={
            **os.environ,
            "HA_URL": stack.ha_url,
            "HA_USERNAME": USER.username,
            "HA_PASSWORD": USER.password,
            "SIM_SMS_URL": f"{stack.sim_url}/_sim/sms",
            "NUMBER": sender,
            "OUT_DIR": str(output),
        },
    )
    printed, _ = await process.communicate()
    assert process.returncode == 0, f"the panel check failed:\n{printed.decode()}"
    async with stack.api.websocket() as socket:
        threads = await socket.command("dinstar/messages/threads")
        page = await socket.command("dinstar/messages/thread", thread=sender)
    assert threads["unread"] == 0
    assert [(m["kind"], m["port"], m.get("status")) for m in page["messages"]] == [
        ("received", 2, None),
        ("sent", 2, "delivered"),
    ]
    sent = (await stack.control("state"))["sent_messages"]
    assert [(message["number"], message["text"]) for message in sent] == [(sender, "Yes\nat eight")]
    for picture in ("messages-light.png", "messages-dark.png", "messages-phone.png"):
        assert (output / picture).stat().st_size > 10_000, picture
