"""Settings of a simulated gateway."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class SimulatorConfig:
    """How the simulated gateway looks and behaves; every field has a sensible default."""

    ports: int = 8
    seed: int = 1
    https: bool = False
    username: str = "admin"
    password: str = "admin"  # noqa: S105 - the gateway's factory default
    serial: str = "da00-0030-1901-2817"
    mac: str = "F8-A0-3D-48-E5-19"
    push_url: str | None = None
    send_delay: float = 0.05
    ussd_delay: float = 0.05
    multi_sim: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    drp: bool = False
    incoming_every: float | None = None
