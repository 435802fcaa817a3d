"""Selects: the active SIM slot of each port, on multi-SIM gateways only."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar.limits import MAX_SLOT
from .coordinator import DinstarConfigEntry
from .entity import DinstarPortEntity, async_gateway_call
from .ports import async_add_port_entities

PARALLEL_UPDATES = 1

SLOT = SelectEntityDescription(
    key="sim_slot",
    translation_key="sim_slot",
    entity_category=EntityCategory.CONFIG,
    options=[str(slot) for slot in range(MAX_SLOT + 1)],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a slot select for each shown port that has slots (255 means none)."""
    coordinator = entry.runtime_data.coordinator

    def make(port: int) -> list[DinstarSlotSelect]:
        info = coordinator.data.ports.get(port)
        return (
            []
            if info is None or info.slot is None
            else [DinstarSlotSelect(coordinator, port, SLOT.key)]
        )

    async_add_port_entities(entry, async_add_entities, make)


class DinstarSlotSelect(DinstarPortEntity, SelectEntity):
    """Which of the port's SIM slots is in use."""

    entity_description = SLOT

    @property
    def current_option(self) -> str | None:
        """The slot in use."""
        info = self.port_info
        return None if info is None or info.slot is None else str(info.slot)

    async def async_select_option(self, option: str) -> None:
        """Switch to another slot, then read the port again."""
        await async_gateway_call(
            self.coordinator.client.set_slot(self.port, int(option)), "switch the SIM slot"
        )
        await self.coordinator.async_request_refresh()
