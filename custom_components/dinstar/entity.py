"""Base entities: of the gateway's device, or of one SIM port's device linked to it."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .aiodinstar import PortInfo
from .coordinator import DinstarCoordinator
from .devices import gateway_device_info
from .runtime import DinstarConfigEntry


class DinstarEntity(CoordinatorEntity[DinstarCoordinator]):
    """An entity of the gateway itself."""

    _attr_has_entity_name = True

    def __init__(self, entry: DinstarConfigEntry, description: EntityDescription) -> None:
        """Attach to the gateway device."""
        super().__init__(entry.runtime_data.coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{entry.unique_id}-{description.key}"
        self._attr_device_info = gateway_device_info(self.coordinator)


class DinstarPortEntity(CoordinatorEntity[DinstarCoordinator]):
    """An entity of one SIM port, on the port's own device."""

    _attr_has_entity_name = True

    def __init__(
        self, entry: DinstarConfigEntry, port: int, description: EntityDescription
    ) -> None:
        """Attach to the port's device, linked to the gateway's."""
        super().__init__(entry.runtime_data.coordinator)
        self.entity_description = description
        self.port = port
        self._attr_unique_id = f"{entry.unique_id or ''}-{port}-{description.key}"
        self._attr_device_info = entry.runtime_data.ports.port_device_info(port)

    @property
    def port_info(self) -> PortInfo | None:
        """This port's latest information."""
        return self.coordinator.data.ports.get(self.port)

    @property
    def available(self) -> bool:
        """Unavailable with the gateway, or when the port is gone from its answer."""
        return super().available and self.port_info is not None


class DinstarPortEventEntity(DinstarPortEntity):
    """A port entity that shows what this port received, as bus events hand it over."""

    def __init__(
        self,
        entry: DinstarConfigEntry,
        port: int,
        description: EntityDescription,
        router: PortEventRouter,
    ) -> None:
        """Follow one kind of event through the entry's router, once added."""
        super().__init__(entry, port, description)
        self._router = router

    async def async_added_to_hass(self) -> None:
        """Follow this port's events until removed (a port's entity comes back with its port)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._router.follow(self.port, self.async_handle))

    @abstractmethod
    @callback
    def async_handle(self, event: Event[Mapping[str, Any]]) -> None:
        """Show one event of this port."""


@callback
def async_add_port_entities(
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[int, PortInfo], Iterable[Entity]],
) -> None:
    """Add a platform's entities for every port shown now, and for each port that appears."""
    coordinator = entry.runtime_data.coordinator

    @callback
    def add_ports(ports: set[int]) -> None:
        async_add_entities(
            entity
            for port in sorted(ports)
            if (info := coordinator.data.ports.get(port)) is not None
            for entity in make(port, info)
        )

    entry.runtime_data.ports.async_add_listener(add_ports)


class PortEventRouter:
    """One bus listener per entry and event type, handing each event to its port's entity.

    A listener per entity would run every port's filter for every event; this costs one
    dictionary lookup.
    """

    def __init__(self, hass: HomeAssistant, entry: DinstarConfigEntry, event_type: str) -> None:
        """Listen for as long as the entry is loaded."""
        self._entry_id = entry.entry_id
        self._by_port: dict[int, Callable[[Event[Mapping[str, Any]]], None]] = {}
        entry.async_on_unload(hass.bus.async_listen(event_type, self._route))

    @callback
    def follow(
        self, port: int, handle: Callable[[Event[Mapping[str, Any]]], None]
    ) -> CALLBACK_TYPE:
        """Hand this port's events to ``handle``; the returned callback stops it."""
        self._by_port[port] = handle

        @callback
        def stop() -> None:
            del self._by_port[port]

        return stop

    @callback
    def _route(self, event: Event[Mapping[str, Any]]) -> None:
        data = event.data
        if (
            data.get("config_entry_id") == self._entry_id
            and "port" in data
            and (handle := self._by_port.get(data["port"]))
        ):
            handle(event)
