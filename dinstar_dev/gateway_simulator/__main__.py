"""``python -m dinstar_dev.gateway_simulator``: run a simulated gateway until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .config import SimulatorConfig
from .server import Simulator


def parse_args(argv: list[str] | None = None) -> SimulatorConfig:
    """Read the command line into a configuration."""
    parser = argparse.ArgumentParser(
        prog="python -m dinstar_dev.gateway_simulator",
        description="A simulated Dinstar SMS gateway.",
    )
    parser.add_argument("--ports", type=int, default=8, choices=range(1, 33), metavar="1-32")
    parser.add_argument(
        "--seed", type=int, default=1, help="seed for reproducible SIMs and records"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0: any free one)")
    parser.add_argument(
        "--https", action="store_true", help="serve HTTPS with a self-signed certificate"
    )
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--serial", default="da00-0030-1901-2817")
    parser.add_argument("--mac", default="F8-A0-3D-48-E5-19", help="MAC address in device pushes")
    parser.add_argument("--push-url", default=None, help="where events are pushed")
    parser.add_argument("--multi-sim", action="store_true", help="four SIM slots per port")
    parser.add_argument("--drp", action="store_true", help="also play a DRP server (NAT)")
    parser.add_argument(
        "--send-delay", type=float, default=2.0, help="seconds per SMS part on a port"
    )
    parser.add_argument(
        "--register-delay",
        type=float,
        default=3.0,
        help="seconds a module searches the network after power-on or reset",
    )
    parser.add_argument(
        "--incoming-every", type=float, default=None, help="receive a random SMS every N seconds"
    )
    parser.add_argument(
        "--first-sms-id",
        type=int,
        default=1,
        help="incoming_sms_id of the first SMS received (a restarted gateway continues its ids)",
    )
    args = parser.parse_args(argv)
    if args.incoming_every is not None and args.incoming_every <= 0:
        parser.error("--incoming-every must be positive")
    if args.first_sms_id < 1:
        parser.error("--first-sms-id must be at least 1")
    return SimulatorConfig(
        ports=args.ports, seed=args.seed, host=args.host, port=args.port, https=args.https,
        username=args.username, password=args.password, serial=args.serial, mac=args.mac,
        push_url=args.push_url, multi_sim=args.multi_sim, drp=args.drp, send_delay=args.send_delay,
        register_delay=args.register_delay, incoming_every=args.incoming_every,
        first_incoming_id=args.first_sms_id,
    )  # fmt: skip


async def run(config: SimulatorConfig) -> None:
    """Serve until interrupted, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(config) as sim:
        print(
            f"Dinstar simulator: {sim.url} (serial {sim.state.serial}, {config.ports} ports)",
            flush=True,
        )
        if sim.certificate_fingerprint:
            print(f"Certificate SHA-256: {sim.certificate_fingerprint}", flush=True)
        print(f"Control API: {sim.url}/_sim/state", flush=True)
        await stop.wait()


def main() -> None:
    """Entry point."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
