"""Event entities per port, so the automation editor can trigger on received SMS and USSD.

Disabled by default: the "Last SMS" and "Last USSD reply" sensors show the message, and the bus
events and device triggers serve automations; enabled, each message would log a second line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bus_events import EVENT_SMS_RECEIVED, EVENT_USSD_RECEIVED
from .entity import DinstarPortEventEntity, PortEventRouter, async_add_port_entities
from .runtime import DinstarConfigEntry

PARALLEL_UPDATES = 0
_BOOKKEEPING = ("config_entry_id", "device_id", "port")


@dataclass(frozen=True, kw_only=True)
class DinstarEventDescription(EventEntityDescription):
    """Which bus event an event entity mirrors (as its one event type, the key)."""

    bus_event: str


EVENTS = (
    DinstarEventDescription(
        key="sms_received",
        translation_key="sms_received",
        event_types=["sms_received"],
        bus_event=EVENT_SMS_RECEIVED,
        entity_registry_enabled_default=False,
    ),
    DinstarEventDescription(
        key="ussd_reply",
        translation_key="ussd_reply",
        event_types=["ussd_reply"],
        bus_event=EVENT_USSD_RECEIVED,
        entity_registry_enabled_default=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's event entities, fed by one bus listener per kind of event."""
    routers = {
        description.key: PortEventRouter(hass, entry, description.bus_event)
        for description in EVENTS
    }
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            DinstarPortEvent(entry, port, description, routers[description.key])
            for description in EVENTS
        ],
    )


class DinstarPortEvent(DinstarPortEventEntity, EventEntity):
    """The last SMS or USSD reply a port received."""

    entity_description: DinstarEventDescription

    @callback
    def async_handle(self, event: Event[Mapping[str, Any]]) -> None:
        """Mirror one bus event; the state change shares its context, as the event caused it."""
        attributes = {key: value for key, value in event.data.items() if key not in _BOOKKEEPING}
        self._trigger_event(self.entity_description.key, attributes)
        self.async_set_context(event.context)
        self.async_write_ha_state()
