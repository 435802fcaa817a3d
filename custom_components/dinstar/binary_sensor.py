"""Binary sensors: whether each SIM port's data connection (GPRS) is attached."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DinstarConfigEntry
from .entity import DinstarPortEntity

PARALLEL_UPDATES = 0

GPRS = BinarySensorEntityDescription(
    key="gprs",
    translation_key="gprs",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's GPRS sensor."""
    coordinator = entry.runtime_data.coordinator
    tracker = entry.runtime_data.ports

    @callback
    def add_ports(ports: set[int]) -> None:
        async_add_entities(
            DinstarGprsSensor(coordinator, port, GPRS.key, tracker.gateway_device_id)
            for port in sorted(ports)
        )

    tracker.async_add_listener(add_ports)


class DinstarGprsSensor(DinstarPortEntity, BinarySensorEntity):
    """GPRS attached or detached."""

    entity_description = GPRS

    @property
    def is_on(self) -> bool | None:
        """Attached."""
        info = self.port_info
        return None if info is None else info.gprs_attached
