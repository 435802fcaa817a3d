"""Buttons: reset each SIM port's module (``set_port_info`` action ``reset``)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DinstarConfigEntry
from .entity import DinstarPortEntity, async_gateway_call
from .ports import async_add_port_entities

PARALLEL_UPDATES = 1

RESET = ButtonEntityDescription(
    key="module_reset",
    translation_key="module_reset",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's reset button."""
    coordinator = entry.runtime_data.coordinator
    async_add_port_entities(
        entry, async_add_entities, lambda port: [DinstarResetButton(coordinator, port, RESET.key)]
    )


class DinstarResetButton(DinstarPortEntity, ButtonEntity):
    """Restart the port's module."""

    entity_description = RESET

    async def async_press(self) -> None:
        """Reset the module, then read the port again."""
        await async_gateway_call(self.coordinator.client.reset_port(self.port), "reset the module")
        await self.coordinator.async_request_refresh()
