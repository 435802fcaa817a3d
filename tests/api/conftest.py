"""Fixtures of the client's tests beyond the shared ones."""

from __future__ import annotations

# The simulator's push receiver: the client's tests read what a firmware variant pushes too.
from tests.simulator.conftest import pushes  # noqa: F401 - a fixture, found by its name
