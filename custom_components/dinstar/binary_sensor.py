"""Binary sensors: whether each SIM port's data connection (GPRS) is attached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import PortInfo
from .entity import DinstarPortEntity, async_add_port_entities
from .runtime import DinstarConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DinstarBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor of one port, read from its port information."""

    is_on_fn: Callable[[PortInfo], bool | None]


BINARY_SENSORS: tuple[DinstarBinarySensorEntityDescription, ...] = (
    DinstarBinarySensorEntityDescription(
        key="gprs",
        translation_key="gprs",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda info: info.gprs_attached,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's binary sensors."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            DinstarPortBinarySensor(entry, port, description) for description in BINARY_SENSORS
        ],
    )


class DinstarPortBinarySensor(DinstarPortEntity, BinarySensorEntity):
    """A binary sensor of one SIM port."""

    entity_description: DinstarBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The state from the latest refresh."""
        info = self.port_info
        return None if info is None else self.entity_description.is_on_fn(info)
