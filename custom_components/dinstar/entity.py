"""Base entities: of the gateway's device, or of a SIM port's or a contact's device linked to it."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigSubentry,
)
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .aiodinstar import DinstarClient, PortInfo
from .const import DOMAIN
from .coordinator import DinstarCoordinator
from .devices import gateway_device_info
from .errors import gateway_errors
from .runtime import DinstarConfigEntry
from .subentries import contacts


class DinstarEntity(CoordinatorEntity[DinstarCoordinator]):
    """An entity of the gateway itself."""

    _attr_has_entity_name = True

    def __init__(self, entry: DinstarConfigEntry, description: EntityDescription) -> None:
        """Attach to the gateway device."""
        super().__init__(entry.runtime_data.coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{entry.unique_id}-{description.key}"
        self._attr_device_info = gateway_device_info(self.coordinator)


class DinstarContactEntity(DinstarEntity):
    """An entity of one contact (a config subentry): a device of its own, via the gateway's."""

    def __init__(
        self, entry: DinstarConfigEntry, subentry: ConfigSubentry, description: EntityDescription
    ) -> None:
        """Attach to the contact's device, named as the contact is."""
        super().__init__(entry, description)
        self.subentry_id = subentry.subentry_id
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{entry.unique_id or ''}-contact-{subentry.subentry_id}")},
            name=subentry.title,
            entry_type=DeviceEntryType.SERVICE,
            via_device_id=entry.runtime_data.ports.gateway_device_id,
        )

    @callback
    def async_follow(self, subentry: ConfigSubentry) -> None:
        """The contact changed: its device takes its new name (the entity's name follows it)."""
        if self.device_entry is not None and self.device_entry.name != subentry.title:
            dr.async_get(self.hass).async_update_device(self.device_entry.id, name=subentry.title)


@callback
def async_add_contact_entities(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[DinstarConfigEntry, ConfigSubentry], DinstarContactEntity],
) -> None:
    """Add a platform's entity for every contact; follow contacts added, changed and deleted.

    None of it reloads the gateway. A deleted contact's entities and device go with its
    subentry (Home Assistant removes what belongs to it).
    """
    entities: dict[str, DinstarContactEntity] = {}

    @callback
    def follow_contacts() -> None:
        now = contacts(entry)
        for subentry_id in entities.keys() - now.keys():
            del entities[subentry_id]
        for subentry_id, subentry in now.items():
            if (entity := entities.get(subentry_id)) is not None:
                entity.async_follow(subentry)
                continue
            entities[subentry_id] = make(entry, subentry)
            async_add_entities([entities[subentry_id]], config_subentry_id=subentry_id)

    follow_contacts()

    @callback
    def on_entry_changed(change: ConfigEntryChange, changed: ConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED and changed.entry_id == entry.entry_id:
            follow_contacts()

    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, on_entry_changed)
    )


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

    async def async_port_command(
        self, command: Callable[[DinstarClient, int], Awaitable[None]]
    ) -> None:
        """Ask the gateway for a change of this port, then read the port again.

        The gateway's errors become Home Assistant's, named after this entity's key.
        """
        with gateway_errors(self.hass, self.coordinator.config_entry, self.entity_description.key):
            await command(self.coordinator.client, self.port)
        await self.coordinator.async_request_refresh()


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


@callback
def async_add_balance_entities(
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    description: EntityDescription,
    make: Callable[[DinstarConfigEntry, int], Entity],
) -> None:
    """Add an entity for each shown port a balance check names; drop those no check names.

    They live on the port's device, which belongs to the gateway, not to a subentry: when a
    check is added, changed or deleted, its ports' entities come and go here, the gateway
    running on.
    """
    checker = entry.runtime_data.balance
    shown = entry.runtime_data.ports
    registry = er.async_get(entry.runtime_data.coordinator.hass)
    suffix = f"-{description.key}"

    @callback
    def remove_unchecked() -> None:
        checked = {f"{entry.unique_id or ''}-{port}{suffix}" for port in checker.groups}
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.unique_id.endswith(suffix) and entity.unique_id not in checked:
                registry.async_remove(entity.entity_id)

    @callback
    def add_ports(ports: set[int]) -> None:
        async_add_entities(make(entry, port) for port in sorted(ports & set(checker.groups)))

    @callback
    def follow_checks(newly_checked: set[int]) -> None:
        remove_unchecked()
        add_ports(newly_checked & shown.visible)

    remove_unchecked()
    shown.async_add_listener(add_ports)
    checker.async_add_listener(follow_checks)


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
