"""The Dinstar SMS Gateway integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from .connection import create_client, create_session
from .coordinator import DinstarConfigEntry, DinstarCoordinator, DinstarRuntimeData
from .entity import gateway_device_info
from .ports import PortTracker
from .repairs import async_check_default_password, async_check_push_silence
from .webhook import async_register_webhook

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """Connect, read the gateway once, then set up its devices and entities."""
    client = create_client(create_session(hass, entry.data), entry.data)
    coordinator = DinstarCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()

    tracker = PortTracker(hass, coordinator)
    entry.runtime_data = DinstarRuntimeData(
        client=client,
        coordinator=coordinator,
        ports=tracker,
        watching_pushes_since=dt_util.utcnow(),
    )
    gateway = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **gateway_device_info(coordinator)
    )
    tracker.gateway_device_id = gateway.id
    tracker.async_remove_stale_devices()
    entry.async_on_unload(coordinator.async_add_listener(tracker.async_update))
    entry.async_on_unload(
        coordinator.async_add_listener(lambda: async_check_push_silence(hass, entry))
    )
    async_check_default_password(hass, entry)
    async_register_webhook(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """Unload the platforms; the webhook and listeners go with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
