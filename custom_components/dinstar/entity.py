"""Base entities: the gateway device and one device per SIM port linked to it."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .aiodinstar import DinstarError, PortInfo
from .const import CONF_MAC, DOMAIN, MANUFACTURER
from .coordinator import DinstarCoordinator


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


def pushed_state_signal(entry_id: str) -> str:
    """Dispatcher signal: the push-fed gateway sensors have news."""
    return f"{DOMAIN}_{entry_id}_pushed_state"


def port_identifier(serial: str, port: int) -> tuple[str, str]:
    """The registry identifier of a port's device."""
    return (DOMAIN, f"{serial}-port-{port}")


class DinstarEntity(CoordinatorEntity[DinstarCoordinator]):
    """An entity of the gateway itself."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: DinstarCoordinator, key: str) -> None:
        """Attach to the gateway device."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}-{key}"
        self._attr_device_info = gateway_device_info(coordinator)

    @property
    def available(self) -> bool:
        """Unavailable while the gateway does not answer or said it is powering off."""
        return self.coordinator.gateway_available


class DinstarPortEntity(CoordinatorEntity[DinstarCoordinator]):
    """An entity of one SIM port, on the port's own device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: DinstarCoordinator, port: int, key: str) -> None:
        """Attach to the port's device, linked to the gateway's."""
        super().__init__(coordinator)
        self.port = port
        serial = coordinator.config_entry.unique_id or ""
        self._attr_unique_id = f"{serial}-{port}-{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={port_identifier(serial, port)},
            manufacturer=MANUFACTURER,
            translation_key="port",
            translation_placeholders={"port": str(port)},
            via_device_id=coordinator.config_entry.runtime_data.ports.gateway_device_id,
        )

    @property
    def port_info(self) -> PortInfo | None:
        """This port's latest information."""
        return self.coordinator.data.ports.get(self.port)

    @property
    def available(self) -> bool:
        """Unavailable with the gateway, or when the port is gone from its answer."""
        return self.coordinator.gateway_available and self.port_info is not None


async def async_gateway_call(call: Awaitable[None], action: str) -> None:
    """Run a gateway call for an entity; a failure becomes a translated error."""
    try:
        await call
    except DinstarError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_failed",
            translation_placeholders={"action": action, "error": str(err)},
        ) from err
