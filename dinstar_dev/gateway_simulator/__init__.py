"""A simulated Dinstar GSM/LTE gateway (HTTP API v1.2) for tests, the demo and benchmarks."""

from .config import SimulatorConfig
from .server import Simulator
from .state import GatewayState

__all__ = ["GatewayState", "Simulator", "SimulatorConfig"]
