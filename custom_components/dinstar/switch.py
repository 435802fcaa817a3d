"""Switches: each SIM port's module power (``set_port_info`` action ``power``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import DinstarClient, PortInfo, RegistrationState
from .entity import DinstarPortEntity, async_add_port_entities
from .runtime import DinstarConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class DinstarSwitchEntityDescription(SwitchEntityDescription):
    """A port's switch: its state in the port information, and how to set it."""

    is_on_fn: Callable[[PortInfo], bool | None]
    set_fn: Callable[[DinstarClient, int, bool], Awaitable[None]]


def _powered(info: PortInfo) -> bool | None:
    """Powered, unless the gateway reports the module off."""
    if info.registration is None:
        return None
    return info.registration is not RegistrationState.POWER_OFF


SWITCHES: tuple[DinstarSwitchEntityDescription, ...] = (
    DinstarSwitchEntityDescription(
        key="module_power",
        translation_key="module_power",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=_powered,
        set_fn=lambda client, port, on: client.set_power(port, on=on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's switches."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            DinstarPortSwitch(entry, port, description) for description in SWITCHES
        ],
    )


class DinstarPortSwitch(DinstarPortEntity, SwitchEntity):
    """A switch of one SIM port."""

    entity_description: DinstarSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The state from the latest refresh."""
        info = self.port_info
        return None if info is None else self.entity_description.is_on_fn(info)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, then read the port again."""
        await self._async_set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off, then read the port again."""
        await self._async_set(on=False)

    async def _async_set(self, *, on: bool) -> None:
        set_fn = self.entity_description.set_fn
        await self.async_port_command(lambda client, port: set_fn(client, port, on))
