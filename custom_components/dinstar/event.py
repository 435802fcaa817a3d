"""Event entities per port, so the automation editor can trigger on received SMS and USSD.

Disabled by default: the "Last SMS" and "Last USSD reply" sensors show the message, and the bus
events and device triggers serve automations; enabled, each message would log a second line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bus_events import EVENT_SMS_RECEIVED, EVENT_USSD_RECEIVED
from .entity import DinstarPortEntity, async_add_port_entities
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
    # One listener per entry that finds the port's entity costs a dictionary lookup per event;
    # a listener per entity would run every port's filter for every event.
    followers: dict[str, dict[int, DinstarPortEvent]] = {
        description.key: {} for description in EVENTS
    }
    for description in EVENTS:
        entry.async_on_unload(
            hass.bus.async_listen(
                description.bus_event, _router(entry.entry_id, followers[description.key])
            )
        )
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            DinstarPortEvent(entry, port, description, followers[description.key])
            for description in EVENTS
        ],
    )


def _router(
    entry_id: str, by_port: dict[int, DinstarPortEvent]
) -> Callable[[Event[Mapping[str, Any]]], None]:
    @callback
    def route(event: Event[Mapping[str, Any]]) -> None:
        data = event.data
        if (
            data.get("config_entry_id") == entry_id
            and "port" in data
            and (entity := by_port.get(data["port"]))
        ):
            entity.async_handle(event)

    return route


class DinstarPortEvent(DinstarPortEntity, EventEntity):
    """The last SMS or USSD reply a port received."""

    entity_description: DinstarEventDescription

    def __init__(
        self,
        entry: DinstarConfigEntry,
        port: int,
        description: DinstarEventDescription,
        followers: dict[int, DinstarPortEvent],
    ) -> None:
        """Join the followers of this kind of event, once added."""
        super().__init__(entry, port, description)
        self._followers = followers

    async def async_added_to_hass(self) -> None:
        """Follow this port's events on the bus."""
        await super().async_added_to_hass()
        self._followers[self.port] = self

    async def async_will_remove_from_hass(self) -> None:
        """Stop following (a port's entity is re-added when its port comes back)."""
        await super().async_will_remove_from_hass()
        del self._followers[self.port]

    @callback
    def async_handle(self, event: Event[Mapping[str, Any]]) -> None:
        """Mirror one bus event; the state change shares its context, as the event caused it."""
        attributes = {key: value for key, value in event.data.items() if key not in _BOOKKEEPING}
        self._trigger_event(self.entity_description.key, attributes)
        self.async_set_context(event.context)
        self.async_write_ha_state()
