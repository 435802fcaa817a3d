"""The README's first command: the demo starts, is ready as promised, stops on Ctrl-C.

A second run reuses what the first made. Both run in a folder and on a port of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import signal
import sys

import aiohttp

from dinstar_dev.hass_runner.dashboard import DASHBOARD_PATH
from dinstar_dev.hass_runner.demo import DEMO_USER
from dinstar_dev.hass_runner.hass_client import HomeAssistantApi
from dinstar_dev.hass_runner.process import ROOT, STARTUP_SECONDS, free_port

READY = "Ctrl-C stops both."


async def _run_demo_until_ready(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    """Start ``python -m dinstar_dev.hass_runner.demo``; what it printed up to its ready line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dinstar_dev.hass_runner.demo",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    printed: list[str] = []
    async with asyncio.timeout(STARTUP_SECONDS):
        while READY not in (line := (await process.stdout.readline()).decode()):
            assert line, "the demo ended before it was ready:\n" + "".join(printed)
            printed.append(line)
    return process, "".join(printed)


async def _stop(process: asyncio.subprocess.Process) -> int:
    """Ctrl-C, as in the terminal."""
    process.send_signal(signal.SIGINT)
    async with asyncio.timeout(90):
        await process.communicate()
    assert process.returncode is not None
    return process.returncode


async def test_demo_starts_stops_and_reuses_its_state(socket_enabled: None, tmp_path: Path) -> None:
    config = tmp_path / "config"
    port = free_port()
    env = {**os.environ, "DINSTAR_DEMO_CONFIG": str(config), "DINSTAR_DEMO_PORT": str(port)}
    url = f"http://127.0.0.1:{port}"
    entry_ids: list[str] = []
    for _run in range(2):
        process, printed = await _run_demo_until_ready(env)
        try:
            assert f"Home Assistant is ready: {url}" in printed
            assert f"user: {DEMO_USER.username}   password: {DEMO_USER.password}" in printed
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, url)
                await api.login(DEMO_USER)
                entries = await api.config_entries("dinstar")
                assert [entry["state"] for entry in entries] == ["loaded"]
                entry_ids.append(entries[0]["entry_id"])
                async with api.websocket() as socket:
                    boards = await socket.command("lovelace/dashboards/list")
                    assert DASHBOARD_PATH in {board["url_path"] for board in boards}
                    dashboard = await socket.command("lovelace/config", url_path=DASHBOARD_PATH)
                titles = [card["title"] for card in dashboard["views"][0]["cards"]]
                assert titles[1:] == [f"Port {n}" for n in (0, 1, 2, 4, 5, 6)]
                states = {state["entity_id"]: state for state in await api.states()}
                assert states["sensor.dinstar_2817_port_1_registration"]["state"] == "register_ok"
        finally:
            assert await _stop(process) == 0
    # The second run logged in to the same Home Assistant and found the same gateway.
    assert entry_ids[0] == entry_ids[1]
    saved = json.loads((config / ".dinstar-demo.json").read_text())
    assert saved["webhook_url"].startswith(f"{url}/api/webhook/")
