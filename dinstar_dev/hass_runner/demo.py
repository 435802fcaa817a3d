"""``scripts/develop``: a simulated gateway and a real Home Assistant with it already added.

The first run onboards Home Assistant with the demo user and adds the gateway through the config
flow; later runs log in and reuse both (the gateway keeps its TCP port, saved beside the state).
``DINSTAR_DEMO_CONFIG`` and ``DINSTAR_DEMO_PORT`` run it elsewhere (the demo's own test does).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
import signal
from typing import Any

import aiohttp

from .dashboard import save_dashboard
from .hass_client import Gateway, HomeAssistantApi, User
from .process import (
    DEMO_CONFIG,
    STARTUP_SECONDS,
    Process,
    free_port,
    start_hass,
    start_simulator,
    wait_until_serving,
)

DEMO_USER = User(name="Demo", username="demo", password="dinstar-demo")
GATEWAY_PASSWORD = "demo-gateway"  # not the factory one, which raises a repair
DEFAULT_HTTP_PORT = 8123
CONFIG_DIR = Path(os.environ.get("DINSTAR_DEMO_CONFIG") or DEMO_CONFIG)
HTTP_PORT = int(os.environ.get("DINSTAR_DEMO_PORT") or DEFAULT_HTTP_PORT)
# Another port is set in YAML, which Home Assistant takes as a trial to confirm.
OWN_PORT = HTTP_PORT != DEFAULT_HTTP_PORT
STATE_FILE = CONFIG_DIR / ".dinstar-demo.json"


def _load() -> dict[str, Any]:
    return json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}


def _save(saved: dict[str, Any]) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(saved))


async def _remember_inbox(sim_url: str, saved: dict[str, Any]) -> None:
    """Where the gateway's SMS ids stand: the next run's simulator goes on from there.

    A real gateway never reuses an id; one that started again from 1 would send only messages
    the integration already handled, as far as their ids tell.
    """
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{sim_url}/_sim/state") as response,
        ):
            inbox = (await response.json())["inbox"]
    except aiohttp.ClientError:
        return
    if inbox:
        saved["next_sms_id"] = max(sms["incoming_sms_id"] for sms in inbox) + 1
        _save(saved)


async def _set_up(
    api: HomeAssistantApi, gateway: Gateway, sim_url: str, saved: dict[str, Any]
) -> None:
    """Onboard and add the gateway, or log in to what an earlier run made."""
    if await api.is_onboarded():
        await api.login(DEMO_USER)
    else:
        await api.onboard(DEMO_USER)
        if OWN_PORT:
            await api.confirm_http_config()
    if not await api.config_entries("dinstar"):
        created = await api.add_gateway(gateway)
        await save_dashboard(api)
        saved["webhook_url"] = created["webhook_url"]
        _save(saved)
    # Ready means the gateway's entities are there (a rerun's entry sets up after HTTP is up).
    async with asyncio.timeout(STARTUP_SECONDS):
        while True:
            entries = await api.config_entries("dinstar")
            if all(entry["state"] == "loaded" for entry in entries):
                break
            await asyncio.sleep(0.25)
    if webhook_url := saved.get("webhook_url"):
        # What a user types into the gateway's push settings.
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{sim_url}/_sim/config", json={"push_url": webhook_url}) as response,
        ):
            response.raise_for_status()


async def run() -> None:
    """Start both, set them up, wait for Ctrl-C, stop both."""
    saved = _load()
    sim_port: int = saved.setdefault("simulator_port", free_port())
    _save(saved)
    logs = CONFIG_DIR / "logs"
    sim_url = f"http://127.0.0.1:{sim_port}"
    ha_url = f"http://127.0.0.1:{HTTP_PORT}"
    processes: list[Process] = []
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Whatever it is doing (even waiting for a start), Ctrl-C ends it through `finally`.
        loop.add_signal_handler(sig, main_task.cancel)  # type: ignore[union-attr]
    try:
        sim = start_simulator(
            port=sim_port,
            password=GATEWAY_PASSWORD,
            log=logs / "simulator.log",
            extra=("--incoming-every", "90", "--first-sms-id", str(saved.get("next_sms_id", 1))),
        )
        processes.append(sim)
        processes.append(
            start_hass(CONFIG_DIR, port=HTTP_PORT, log=logs / "hass.log", own_port=OWN_PORT)
        )
        print(f"Starting the simulated gateway ({sim_url}) and Home Assistant ({ha_url})...")
        await wait_until_serving(sim, f"{sim_url}/_sim/state")
        await wait_until_serving(processes[1], f"{ha_url}/auth/providers")
        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session, ha_url)
            gateway = Gateway("127.0.0.1", sim_port, "admin", GATEWAY_PASSWORD)
            await _set_up(api, gateway, sim_url, saved)
        print(
            f"\nHome Assistant is ready: {ha_url}\n"
            f"  user: {DEMO_USER.username}   password: {DEMO_USER.password}\n"
            f"Simulated gateway: {sim_url} (control API: {sim_url}/_sim/state)\n"
            f"Logs: {logs}/  (Home Assistant's own: {CONFIG_DIR}/home-assistant.log)\n"
            "Ctrl-C stops both.",
            flush=True,
        )
        exited = [asyncio.ensure_future(asyncio.to_thread(p.popen.wait)) for p in processes]
        await asyncio.wait(exited, return_when=asyncio.FIRST_COMPLETED)
        for process in processes:
            process.check_running()
    finally:
        print("Stopping...", flush=True)
        if processes:
            await _remember_inbox(sim_url, saved)
        for process in reversed(processes):
            await asyncio.to_thread(process.stop)


def main() -> None:
    """Entry point."""
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(run())


if __name__ == "__main__":
    main()
