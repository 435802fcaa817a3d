"""Device identity: the gateway's device, one device per shown SIM port, and which are shown.

A port is hardware: once shown, its device stays while SIMs come and go. Only the user removes
it (the options' port choice, or deleting the device), and a removed port stays away until it is
chosen again.
"""

from __future__ import annotations

from collections.abc import Callable, Set as AbstractSet

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo

from .aiodinstar import NetworkType, PortInfo
from .const import CONF_MAC, CONF_PORTS, CONF_REMOVED_PORTS, DOMAIN, MANUFACTURER
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


def _port_model(info: PortInfo | None) -> str:
    """What the API tells of a port's hardware: the radio of its module, GSM to LTE.

    That is the port information's ``type``. The IMEI names one module, not a model, and no
    call answers a module or firmware version; the port count is the gateway's model.
    """
    if info is None or info.network_type in (None, NetworkType.UNKNOWN):
        return "SIM port"
    return f"{info.network_type.value.upper()} SIM port"


@callback
def async_learn_mac(hass: HomeAssistant, entry: ConfigEntry, mac: str) -> None:
    """Keep the MAC DHCP saw at the gateway's address: its device gets it as a connection.

    Only DHCP is believed: a push carries a MAC too, but anyone can write a push.
    """
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
    """The ports the options name, or by default every port with a SIM or shown before.

    Ports the user removed stay away by default until chosen again.
    """
    chosen = entry.options.get(CONF_PORTS)
    if chosen:
        return {int(port) for port in chosen} & set(ports)
    removed = {int(port) for port in entry.options.get(CONF_REMOVED_PORTS, ())}
    return {
        number
        for number, info in ports.items()
        if (info.has_sim or number in shown) and number not in removed
    }


@callback
def async_forget_port(hass: HomeAssistant, entry: ConfigEntry, port: int) -> None:
    """Remember that the user removed a port: out of their choice, or on the removed list."""
    options = dict(entry.options)
    if chosen := [p for p in options.get(CONF_PORTS, ()) if int(p) != port]:
        options[CONF_PORTS] = chosen
    else:
        options.pop(CONF_PORTS, None)
        options[CONF_REMOVED_PORTS] = sorted(
            {int(p) for p in options.get(CONF_REMOVED_PORTS, ())} | {port}
        )
    hass.config_entries.async_update_entry(entry, options=options)


class PortTracker:
    """Tells platforms of new ports; removes port devices only when the user chose so."""

    def __init__(
        self, hass: HomeAssistant, coordinator: DinstarCoordinator, gateway_device_id: str
    ) -> None:
        """Start from the first refresh's ports, under the gateway's registered device."""
        self._hass = hass
        self._coordinator = coordinator
        self._entry = coordinator.config_entry
        self.gateway_device_id = gateway_device_id
        # Ports that had a device before (a restart) count as shown: they stay without a SIM.
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
            model=_port_model(self._coordinator.data.ports.get(port)),
            translation_key="port",
            translation_placeholders={"gateway": self._entry.title, "port": str(port)},
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
        # Shown ports leave only by the user's choice (see async_follow_options).
        self._async_show(now - self.visible)

    @callback
    def async_follow_options(self) -> None:
        """Apply the options' port choice in place.

        Ports left out lose their devices (and their entities with them); ports chosen get
        theirs.
        """
        now = visible_ports(self._entry, self._coordinator.data.ports, self.visible)
        added, self.visible = now - self.visible, now & self.visible
        self.async_remove_stale_devices()
        self._async_show(added)

    @callback
    def _async_show(self, added: set[int]) -> None:
        """Tell the platforms of ports shown from now on."""
        if added:
            self.visible |= added
            for listener in self._listeners:
                listener(added)

    @callback
    def async_forget(self, port: int) -> None:
        """The user deleted the port's device: it no longer counts as shown."""
        self.visible.discard(port)

    @callback
    def async_remove_stale_devices(self) -> None:
        """Drop devices of ports the options no longer show (at set-up, or when they change)."""
        registry = dr.async_get(self._hass)
        serial = self._entry.unique_id or ""
        wanted = {port_identifier(serial, port) for port in self.visible}
        wanted.add((DOMAIN, serial))
        for device in dr.async_entries_for_config_entry(registry, self._entry.entry_id):
            # Contacts' devices belong to their subentries, which remove them.
            if device.config_subentry_id is None and not device.identifiers & wanted:
                registry.async_remove_device(device.id)
