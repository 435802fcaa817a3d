"""Event entities per port, so the automation editor can trigger on received SMS and USSD."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DinstarConfigEntry, DinstarCoordinator
from .entity import DinstarPortEntity
from .events import EVENT_SMS_RECEIVED, EVENT_USSD_RECEIVED
from .ports import async_add_port_entities

PARALLEL_UPDATES = 0
_BOOKKEEPING = ("config_entry_id", "device_id", "port")


@dataclass(frozen=True, kw_only=True)
class DinstarEventDescription(EventEntityDescription):
    """Which bus event an event entity mirrors, as which of its event types."""

    bus_event: str
    entity_event: str


EVENTS = (
    DinstarEventDescription(
        key="sms_received",
        translation_key="sms_received",
        event_types=["sms_received"],
        bus_event=EVENT_SMS_RECEIVED,
        entity_event="sms_received",
    ),
    DinstarEventDescription(
        key="ussd_reply",
        translation_key="ussd_reply",
        event_types=["ussd_reply"],
        bus_event=EVENT_USSD_RECEIVED,
        entity_event="ussd_reply",
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's event entities."""
    coordinator = entry.runtime_data.coordinator
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port: [DinstarPortEvent(coordinator, port, description) for description in EVENTS],
    )


class DinstarPortEvent(DinstarPortEntity, EventEntity):
    """The last SMS or USSD reply a port received."""

    entity_description: DinstarEventDescription

    def __init__(
        self,
        coordinator: DinstarCoordinator,
        port: int,
        description: DinstarEventDescription,
    ) -> None:
        """Describe the entity."""
        super().__init__(coordinator, port, description.key)
        self.entity_description = description

    async def async_added_to_hass(self) -> None:
        """Follow this port's events on the bus."""
        await super().async_added_to_hass()
        entry_id = self.coordinator.config_entry.entry_id

        @callback
        def mine(event_data: Mapping[str, Any]) -> bool:
            return (
                event_data.get("config_entry_id") == entry_id
                and event_data.get("port") == self.port
            )

        self.async_on_remove(
            self.hass.bus.async_listen(
                self.entity_description.bus_event, self._handle, event_filter=mine
            )
        )

    @callback
    def _handle(self, event: Event[Mapping[str, Any]]) -> None:
        attributes = {key: value for key, value in event.data.items() if key not in _BOOKKEEPING}
        self._trigger_event(self.entity_description.entity_event, attributes)
        self.async_write_ha_state()
