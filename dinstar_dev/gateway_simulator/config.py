"""Settings of a simulated gateway."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PORTS = 32  # the API numbers ports 0 to 31


@dataclass(slots=True)
class SimulatorConfig:
    """How the simulated gateway looks and behaves; every field has a sensible default.

    The delays are read live, so tests may change them on a running simulator
    (``sim.config.send_delay = 60``).
    """

    ports: int = 8
    seed: int = 1
    https: bool = False
    username: str = "admin"
    password: str = "admin"  # noqa: S105 - the gateway's factory default
    serial: str = "da00-0030-1901-2817"
    mac: str = "F8-A0-3D-48-E5-19"
    push_url: str | None = None
    send_delay: float = 0.05  # seconds per SMS part on a port
    ussd_delay: float = 0.05  # seconds until the network answers a USSD code
    register_delay: float = 0.05  # seconds a module searches the network after power-on/reset
    multi_sim: bool = False
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free TCP port
    drp: bool = False
    incoming_every: float | None = None  # receive a random SMS every N seconds (the demo)
    # A real gateway's ids keep growing across restarts; a restarted simulator continues here.
    first_incoming_id: int = 1

    def __post_init__(self) -> None:
        """Refuse a gateway that cannot exist."""
        if not 1 <= self.ports <= MAX_PORTS:
            raise ValueError(f"ports must be 1 to {MAX_PORTS}, not {self.ports}")
        if self.first_incoming_id < 1:
            raise ValueError(f"first_incoming_id must be at least 1, not {self.first_incoming_id}")
        for name in ("send_delay", "ussd_delay", "register_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.incoming_every is not None and self.incoming_every <= 0:
            raise ValueError("incoming_every must be positive")
