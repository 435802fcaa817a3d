"""Device identity: the gateway's device, one device per shown SIM port, and which are shown."""

from __future__ import annotations

from collections.abc import Callable, Set as AbstractSet

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo

from .aiodinstar import PortInfo, RegistrationState
from .const import CONF_MAC, CONF_PORTS, DOMAIN, MANUFACTURER
from .coordinator import DinstarCoordinator

type PortsAdded = Callable[[set[int]], None]

_PORT_INFIX = "-port-"


def port_identifier(serial: str, port: int) -> tuple[str, str]:
    """The registry identifier of a port's device."""
    return (DOMAIN, f"{serial}{_PORT_INFIX}{port}")


def port_from_identifiers(identifiers: AbstractSet[tuple[str, str]]) -> int | None:
    """The port a device's identifiers name; ``None`` for the gateway's and contacts' devices."""
    for domain, identifier in identifiers:
        _, infix, port = identifier.rpartition(_PORT_INFIX)
        if domain == DOMAIN and infix and port.isdigit():
            return int(port)
    return None


def gateway_device_info(coordinator: DinstarCoordinator) -> DeviceInfo:
    """The gateway's device: serial as identifier, MAC as connection, link to its web UI."""
    entry = coordinator.config_entry
    serial = entry.unique_id or ""
    info = DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer=MANUFACTURER,
        model=f"{len(coordinator.data.ports)}-port SMS gateway",
        serial_number=serial,
        name=entry.title,
        configuration_url=coordinator.client.base_url,
    )
    if mac := entry.data.get(CONF_MAC):
        info["connections"] = {(CONNECTION_NETWORK_MAC, mac)}
    return info


@callback
def async_learn_mac(hass: HomeAssistant, entry: ConfigEntry, mac: str) -> None:
    """Keep a MAC the gateway told (only its device pushes do) for DHCP and its device."""
    if entry.data.get(CONF_MAC) == mac:
        return
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_MAC: mac})
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, entry.unique_id or ""), entry.entry_id
    )
    if device is not None:
        registry.async_update_device(
            device.id, new_connections=device.connections | {(CONNECTION_NETWORK_MAC, mac)}
        )


def visible_ports(
    entry: ConfigEntry, ports: dict[int, PortInfo], shown: AbstractSet[int] = frozenset()
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

    def __init__(
        self, hass: HomeAssistant, coordinator: DinstarCoordinator, gateway_device_id: str
    ) -> None:
        """Start from the first refresh's ports, under the gateway's registered device."""
        self._hass = hass
        self._coordinator = coordinator
        self._entry = coordinator.config_entry
        self.gateway_device_id = gateway_device_id
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

    def port_device_info(self, port: int) -> DeviceInfo:
        """A port's device, linked to the gateway's."""
        return DeviceInfo(
            identifiers={port_identifier(self._entry.unique_id or "", port)},
            manufacturer=MANUFACTURER,
            translation_key="port",
            translation_placeholders={"port": str(port)},
            via_device_id=self.gateway_device_id,
        )

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
