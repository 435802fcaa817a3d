"""A simulated Dinstar gateway (HTTP API v1.2) for tests, the demo and benchmarks."""

from .config import SimulatorConfig
from .server import Simulator

__all__ = ["Simulator", "SimulatorConfig"]
