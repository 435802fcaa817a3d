"""Buttons: reset each SIM port's module; check the balance of those a balance check names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import DinstarClient
from .entity import DinstarPortEntity, async_add_balance_entities, async_add_port_entities
from .errors import gateway_errors
from .runtime import DinstarConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class DinstarButtonEntityDescription(ButtonEntityDescription):
    """A port's button and what pressing it asks of the gateway."""

    press_fn: Callable[[DinstarClient, int], Awaitable[None]]


BUTTONS: tuple[DinstarButtonEntityDescription, ...] = (
    DinstarButtonEntityDescription(
        key="module_reset",
        translation_key="module_reset",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda client, port: client.reset_port(port),
    ),
)
CHECK_BUTTON = ButtonEntityDescription(key="check_balance", translation_key="check_balance")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's buttons, and a balance button where a balance check names it."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            DinstarPortButton(entry, port, description) for description in BUTTONS
        ],
    )
    async_add_balance_entities(entry, async_add_entities, CHECK_BUTTON, DinstarCheckBalanceButton)


class DinstarPortButton(DinstarPortEntity, ButtonEntity):
    """A button of one SIM port."""

    entity_description: DinstarButtonEntityDescription

    async def async_press(self) -> None:
        """Ask the gateway, then read the port again."""
        await self.async_port_command(self.entity_description.press_fn)


class DinstarCheckBalanceButton(DinstarPortEntity, ButtonEntity):
    """Ask a port's balance now."""

    def __init__(self, entry: DinstarConfigEntry, port: int) -> None:
        """A button of the port's device."""
        super().__init__(entry, port, CHECK_BUTTON)
        self._checker = entry.runtime_data.balance

    async def async_press(self) -> None:
        """Send the balance code and wait for the reply (after the user's own USSD codes)."""
        with gateway_errors(self.hass, self.coordinator.config_entry, CHECK_BUTTON.key):
            await self._checker.async_check(self.port)
