"""Real processes: the simulated gateway (``python -m dinstar_dev.gateway_simulator``) and Home Assistant (``hass``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import os
from pathlib import Path
import re
import socket
import subprocess
import sys

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "config"
# The venv's own interpreter and its console scripts (hass) sit side by side.
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 180.0


def check_port_free(port: int) -> None:
    """Refuse to start beside something already serving there (it would answer for us)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            msg = f"127.0.0.1:{port} is already in use (another Home Assistant or demo running?)"
            raise RuntimeError(msg)


def free_port() -> int:
    """A TCP port nothing listens on now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Process:
    """A child process whose output goes to a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of its log, for error messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_running(self) -> None:
        """Raise with its log when it has exited."""
        if (code := self.popen.poll()) is not None:
            msg = f"{self.name} exited with code {code}:\n{self.log_tail()}"
            raise RuntimeError(msg)

    def stop(self, timeout: float = 60.0) -> int:
        """Ask it to stop (SIGTERM, one only: a second one aborts Home Assistant's shutdown)."""
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()


def _spawn(name: str, args: list[str], log: Path, env: dict[str, str] | None = None) -> Process:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        # A session of its own: Ctrl-C in the terminal reaches only us, and we stop it once.
        popen = subprocess.Popen(  # noqa: S603 - our own venv's programs
            args,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    return Process(name, popen, log)


def start_simulator(
    *, port: int, password: str, log: Path, push_url: str | None = None, extra: tuple[str, ...] = ()
) -> Process:
    """``python -m dinstar_dev.gateway_simulator`` on ``127.0.0.1:port``."""
    check_port_free(port)
    args = [
        str(BIN / "python"),
        "-m",
        "dinstar_dev.gateway_simulator",
        "--port",
        str(port),
        "--password",
        password,
    ]
    if push_url:
        args += ["--push-url", push_url]
    # A gateway's clock is set to its site's local time, which is Home Assistant's: Assist by
    # SMS answers only messages that are fresh by that clock.
    return _spawn("simulator", [*args, *extra], log, env={"TZ": demo_time_zone()})


def demo_time_zone() -> str:
    """The time zone of the demo's Home Assistant, from its configuration.yaml."""
    yaml = (DEMO_CONFIG / "configuration.yaml").read_text()
    match = re.search(r"^\s+time_zone:\s*(\S+)", yaml, re.MULTILINE)
    if match is None:
        msg = "the demo's configuration.yaml names no time_zone"
        raise RuntimeError(msg)
    return match.group(1)


def prepare_config(config_dir: Path, *, http_port: int | None) -> None:
    """The demo's configuration.yaml and the custom component, in ``config_dir``.

    With ``http_port`` (a test's own instance) Home Assistant listens there on loopback: YAML
    HTTP settings are taken once, as a trial to confirm (``HomeAssistantApi.confirm_http_config``).
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    if config_dir.resolve() != DEMO_CONFIG.resolve():
        yaml = (DEMO_CONFIG / "configuration.yaml").read_text()
        if http_port is not None:
            yaml += f"\nhttp:\n  server_host: 127.0.0.1\n  server_port: {http_port}\n"
        (config_dir / "configuration.yaml").write_text(yaml)
    link = config_dir / "custom_components"
    if not link.exists():
        link.symlink_to(ROOT / "custom_components", target_is_directory=True)


def start_hass(config_dir: Path, *, port: int, log: Path, own_port: bool) -> Process:
    """``hass -c config_dir`` serving on ``port`` (see ``prepare_config`` for ``own_port``).

    Requirements are installed by scripts/setup, so Home Assistant's own pip run is skipped.
    """
    check_port_free(port)
    prepare_config(config_dir, http_port=port if own_port else None)
    env = {"DINSTAR_INTERNAL_URL": f"http://127.0.0.1:{port}"}
    args = [str(BIN / "hass"), "-c", str(config_dir), "--skip-pip"]
    return _spawn("Home Assistant", args, log, env)


async def wait_until_serving(process: Process, url: str) -> None:
    """Poll ``url`` until it answers (any status below 500); the process must stay up."""
    try:
        async with asyncio.timeout(STARTUP_SECONDS), aiohttp.ClientSession() as session:
            while True:
                process.check_running()
                try:
                    async with session.get(url) as response:
                        if response.status < 500:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.25)
    except TimeoutError:
        msg = (
            f"{process.name} did not serve {url} in {STARTUP_SECONDS:.0f} s:\n{process.log_tail()}"
        )
        raise TimeoutError(msg) from None
