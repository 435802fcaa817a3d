"""Which ports are shown, following SIMs plugged, pulled and slots changed at run time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set as AbstractSet

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import PortInfo, RegistrationState
from .const import CONF_PORTS, DOMAIN
from .coordinator import DinstarConfigEntry, DinstarCoordinator
from .entity import port_identifier

type PortsAdded = Callable[[set[int]], None]


def visible_ports(
    entry: DinstarConfigEntry, ports: dict[int, PortInfo], shown: AbstractSet[int] = frozenset()
) -> set[int]:
    """The ports the options name, or by default every port with a SIM.

    A shown port whose module is powered off stays shown even if the gateway no longer
    reads its SIM: its power switch is the only way back.
    """
    chosen = entry.options.get(CONF_PORTS)
    if chosen:
        return {int(port) for port in chosen} & set(ports)
    return {
        number
        for number, info in ports.items()
        if info.has_sim or (number in shown and info.registration is RegistrationState.POWER_OFF)
    }


class PortTracker:
    """Tells platforms of new ports and removes the devices of ports that are gone."""

    def __init__(self, hass: HomeAssistant, coordinator: DinstarCoordinator) -> None:
        """Start from the first refresh's ports."""
        self._hass = hass
        self._coordinator = coordinator
        self._entry = coordinator.config_entry
        self.gateway_device_id = ""
        # Ports that had a device before (a restart) count as shown: a powered-off one stays.
        registry = dr.async_get(hass)
        serial = self._entry.unique_id or ""
        had_device = {
            port
            for port in coordinator.data.ports
            if registry.async_get_device_by_identifier(
                port_identifier(serial, port), self._entry.entry_id
            )
        }
        self.visible = visible_ports(self._entry, coordinator.data.ports, had_device)
        self._listeners: list[PortsAdded] = []

    @callback
    def async_add_listener(self, listener: PortsAdded) -> None:
        """Call ``listener`` with the ports shown now, then with each port that appears."""
        self._listeners.append(listener)
        listener(set(self.visible))

    @callback
    def async_update(self) -> None:
        """Compare with the latest refresh (a coordinator listener)."""
        if not self._coordinator.last_update_success:
            return
        now = visible_ports(self._entry, self._coordinator.data.ports, self.visible)
        added, removed = now - self.visible, self.visible - now
        self.visible = now
        if added:
            for listener in self._listeners:
                listener(added)
        if removed:
            self.async_remove_devices(removed)

    @callback
    def async_remove_devices(self, ports: set[int]) -> None:
        """Drop the devices (and so the entities) of ports no longer shown."""
        registry = dr.async_get(self._hass)
        serial = self._entry.unique_id or ""
        for port in ports:
            device = registry.async_get_device_by_identifier(
                port_identifier(serial, port), self._entry.entry_id
            )
            if device is not None:
                registry.async_remove_device(device.id)

    @callback
    def async_remove_stale_devices(self) -> None:
        """At set-up: drop devices of ports that went away while Home Assistant was down."""
        registry = dr.async_get(self._hass)
        serial = self._entry.unique_id or ""
        wanted = {port_identifier(serial, port) for port in self.visible}
        wanted.add((DOMAIN, serial))
        for device in dr.async_entries_for_config_entry(registry, self._entry.entry_id):
            # Contacts' devices belong to their subentries, which remove them.
            if device.config_subentry_id is None and not device.identifiers & wanted:
                registry.async_remove_device(device.id)


@callback
def async_add_port_entities(
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[int], Iterable[Entity]],
) -> None:
    """Add a platform's entities for every port shown now, and for each port that appears."""

    @callback
    def add_ports(ports: set[int]) -> None:
        async_add_entities(entity for port in sorted(ports) for entity in make(port))

    entry.runtime_data.ports.async_add_listener(add_ports)
