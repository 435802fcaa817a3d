"""Switches: each SIM port's module power (``set_port_info`` action ``power``)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import RegistrationState
from .coordinator import DinstarConfigEntry
from .entity import DinstarPortEntity, async_gateway_call
from .ports import async_add_port_entities

PARALLEL_UPDATES = 1

POWER = SwitchEntityDescription(
    key="module_power",
    translation_key="module_power",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's power switch."""
    coordinator = entry.runtime_data.coordinator
    async_add_port_entities(
        entry, async_add_entities, lambda port: [DinstarPowerSwitch(coordinator, port, POWER.key)]
    )


class DinstarPowerSwitch(DinstarPortEntity, SwitchEntity):
    """The port's GSM/LTE module, powered or not."""

    entity_description = POWER

    @property
    def is_on(self) -> bool | None:
        """Powered, unless the gateway reports the module off."""
        info = self.port_info
        if info is None or info.registration is None:
            return None
        return info.registration is not RegistrationState.POWER_OFF

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Power the module on."""
        await self._set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Power the module off."""
        await self._set(on=False)

    async def _set(self, *, on: bool) -> None:
        await async_gateway_call(
            self.coordinator.client.set_power(self.port, on=on), "switch the module power"
        )
        await self.coordinator.async_request_refresh()
