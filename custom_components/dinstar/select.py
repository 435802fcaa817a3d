"""Selects: the active SIM slot of each port, on multi-SIM gateways only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import MAX_SLOT, DinstarClient, PortInfo
from .entity import DinstarPortEntity, async_add_port_entities
from .runtime import DinstarConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class DinstarSelectEntityDescription(SelectEntityDescription):
    """A port's select: which ports have it, its option, and how to choose another."""

    exists_fn: Callable[[PortInfo], bool]
    current_fn: Callable[[PortInfo], str | None]
    select_fn: Callable[[DinstarClient, int, str], Awaitable[None]]


SELECTS: tuple[DinstarSelectEntityDescription, ...] = (
    DinstarSelectEntityDescription(
        key="sim_slot",
        translation_key="sim_slot",
        entity_category=EntityCategory.CONFIG,
        options=[str(slot) for slot in range(MAX_SLOT + 1)],
        # A gateway with one SIM per port reports no slot (255 in the API).
        exists_fn=lambda info: info.slot is not None,
        current_fn=lambda info: None if info.slot is None else str(info.slot),
        select_fn=lambda client, port, option: client.set_slot(port, int(option)),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's selects, where the port has them."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, info: [
            DinstarPortSelect(entry, port, description)
            for description in SELECTS
            if description.exists_fn(info)
        ],
    )


class DinstarPortSelect(DinstarPortEntity, SelectEntity):
    """A select of one SIM port."""

    entity_description: DinstarSelectEntityDescription

    @property
    def current_option(self) -> str | None:
        """The option from the latest refresh."""
        info = self.port_info
        return None if info is None else self.entity_description.current_fn(info)

    async def async_select_option(self, option: str) -> None:
        """Ask the gateway for another option, then read the port again."""
        select_fn = self.entity_description.select_fn
        await self.async_port_command(lambda client, port: select_fn(client, port, option))
