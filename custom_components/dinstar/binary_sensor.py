"""Binary sensors: whether each SIM port's data connection (GPRS) is attached."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DinstarConfigEntry
from .entity import DinstarPortEntity
from .ports import async_add_port_entities

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
    async_add_port_entities(
        entry, async_add_entities, lambda port: [DinstarGprsSensor(coordinator, port, GPRS.key)]
    )


class DinstarGprsSensor(DinstarPortEntity, BinarySensorEntity):
    """GPRS attached or detached."""

    entity_description = GPRS

    @property
    def is_on(self) -> bool | None:
        """Attached."""
        info = self.port_info
        return None if info is None else info.gprs_attached
