"""Notify entities: one per contact (a config subentry), sending SMS from automations."""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import ATTR_TARGET, ATTR_TITLE
from homeassistant.components.notify.legacy import NOTIFY_SERVICES, BaseNotificationService
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.service import async_get_config_entry
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

from .const import DOMAIN
from .entity import DinstarContactEntity, async_add_contact_entities
from .errors import invalid_input
from .failover.send import (
    CONF_CONFIG_ENTRY_ID,
    POOL_ALL,
    PoolMember,
    async_send_pooled,
    pool_members,
)
from .failover.snapshot import loaded_entry
from .runtime import DinstarConfigEntry
from .sending import async_send_sms
from .subentries import CONF_NUMBER, CONF_POOL, POOL_ALL_GATEWAYS, pool_by_gateway, saved_pool

PARALLEL_UPDATES = 1
DISCOVERY_ENTRY_ID = "entry_id"


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> DinstarNotificationService | None:
    """The legacy ``notify.<gateway>`` service, for ``alert`` and older automations."""
    if discovery_info is None:
        return None
    entry: DinstarConfigEntry | None = hass.config_entries.async_get_entry(
        discovery_info[DISCOVERY_ENTRY_ID]
    )
    if entry is None or entry.state not in (
        ConfigEntryState.SETUP_IN_PROGRESS,
        ConfigEntryState.LOADED,
    ):
        return None  # unloaded before its service came
    service = DinstarNotificationService(entry.entry_id)
    entry.async_on_unload(partial(_async_remove_legacy_service, hass, service))
    return service


async def _async_remove_legacy_service(
    hass: HomeAssistant, service: DinstarNotificationService
) -> None:
    """Unregister an unloading entry's service; notify itself would keep (and reload) it."""
    await service.async_unregister_services()
    services = hass.data.get(NOTIFY_SERVICES, {}).get(DOMAIN, [])
    if service in services:
        services.remove(service)


class DinstarNotificationService(BaseNotificationService):
    """Send an SMS to the ``target`` numbers through one gateway."""

    def __init__(self, entry_id: str) -> None:
        """Bound to the gateway's entry, looked up at each send."""
        self._entry_id = entry_id

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:
        """Send to every target; the title, if any, as the first line."""
        targets: list[str] | None = kwargs.get(ATTR_TARGET)
        if not targets:
            raise invalid_input("no_target")
        title: str | None = kwargs.get(ATTR_TITLE)
        entry: DinstarConfigEntry = async_get_config_entry(self.hass, DOMAIN, self._entry_id)
        await async_send_sms(
            self.hass,
            entry,
            list(targets),
            f"{title}\n{message}" if title else message,
            ports=[],
            encoding=None,
            status_report=True,
            params={},
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for every contact, following contacts without a reload."""
    async_add_contact_entities(hass, entry, async_add_entities, DinstarContactNotify)


class DinstarContactNotify(DinstarContactEntity, NotifyEntity):
    """Send an SMS to one contact, via the gateway (failing over if the contact chose so)."""

    def __init__(self, entry: DinstarConfigEntry, subentry: ConfigSubentry) -> None:
        """Bound to the contact's number, preferred port and pool."""
        super().__init__(
            entry,
            subentry,
            EntityDescription(key=f"contact-{subentry.subentry_id}", translation_key="contact"),
        )
        self._entry = entry
        self._number: str = subentry.data[CONF_NUMBER]
        self._port: int | None = subentry.data.get(CONF_PORT)
        self._pool: str | list[str] | None = subentry.data.get(CONF_POOL)

    @callback
    def async_follow(self, subentry: ConfigSubentry) -> None:
        """The contact changed: its number, port and pool from now on; its device's new name.

        The entity keeps its ID; its name follows the device's, as it is the device's name
        followed by "SMS".
        """
        self._number = subentry.data[CONF_NUMBER]
        self._port = subentry.data.get(CONF_PORT)
        self._pool = subentry.data.get(CONF_POOL)
        super().async_follow(subentry)

    def _pool_members(self) -> list[PoolMember] | None:
        """The gateways and ports this contact's SMS may fail over to; ``None``: no failover.

        See ``CONF_POOL``. A gateway removed since the contact was saved is left out, and so is
        a port its gateway no longer has: the alarm goes from those that are left. The
        contact's own port stays among its gateway's when single ports of it are chosen.
        """
        chosen = saved_pool(self._pool, self._entry.entry_id)
        if not chosen and len(self.hass.config_entries.async_entries(DOMAIN)) > 1:
            chosen = [POOL_ALL_GATEWAYS]
        if not chosen:
            return None
        if POOL_ALL_GATEWAYS in chosen:
            return pool_members(self.hass, self._entry, POOL_ALL)
        pool: list[str | dict[str, Any]] = []
        for entry_id, ports in pool_by_gateway(chosen).items():
            if self.hass.config_entries.async_get_entry(entry_id) is None:
                continue
            usable = ports
            if ports and (loaded := loaded_entry(self.hass, entry_id)) is not None:
                known = loaded.runtime_data.coordinator.data.ports
                if not (usable := [port for port in ports if port in known]):
                    continue
            if usable and entry_id == self._entry.entry_id and self._port is not None:
                usable = sorted({*usable, self._port})
            pool.append({CONF_CONFIG_ENTRY_ID: entry_id, CONF_PORT: usable})
        return pool_members(self.hass, self._entry, pool)

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message (the title, if any, as its first line), failing over if chosen."""
        text = f"{title}\n{message}" if title else message
        members = self._pool_members()
        if members is None:
            await async_send_sms(
                self.hass,
                self._entry,
                [self._number],
                text,
                ports=[] if self._port is None else [self._port],
                encoding=None,
                status_report=True,
                params={},
            )
            return
        await async_send_pooled(
            self.hass,
            self._entry,
            [self._number],
            text,
            members=members,
            preferred=None if self._port is None else (self._entry.entry_id, self._port),
            encoding=None,
            status_report=True,
            params={},
            contact=self.subentry_id,
        )
