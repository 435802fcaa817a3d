"""SIM health in Home Assistant: each port's problems, and one repair issue per gateway.

The rules are ``health``'s; this feeds them each refresh and each balance, and tells the
problem sensors and the repair issue. A failed refresh is no reading at all, so it neither
starts nor ends a problem.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.devices import visible_ports
from custom_components.dinstar.repairs import async_set_sim_problems
from custom_components.dinstar.signals import health_signal

from .balance import BalanceChecker
from .health import PortHealth, Problem, gateway_problems


class SimWatch:
    """Keeps a ``PortHealth`` per shown port."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        coordinator: DinstarCoordinator,
        balance: BalanceChecker,
    ) -> None:
        """No port has a problem until the first update."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._balance = balance
        self._health: dict[int, PortHealth] = {}

    def problems(self, port: int) -> frozenset[Problem]:
        """The port's problems as of the last update."""
        health = self._health.get(port)
        return frozenset() if health is None else health.problems

    @callback
    def async_update(self) -> None:
        """Take the latest refresh and balances, then tell the sensors and the repair issue."""
        data = self._coordinator.data
        answered = self._coordinator.last_update_success
        now = dt_util.utcnow()
        for port in visible_ports(self._entry, data.ports):
            info = data.ports[port] if answered else None
            health = self._health.setdefault(port, PortHealth())
            health.follow_sim(None if info is None else info.iccid or None)
            health.update(
                now,
                None if info is None else info.registration,
                None if info is None else info.signal_dbm,
                self._balance.amount(port),
                self._balance.threshold(port),
            )
        async_set_sim_problems(self._hass, self._entry, gateway_problems(self._health))
        async_dispatcher_send(self._hass, health_signal(self._entry.entry_id))
