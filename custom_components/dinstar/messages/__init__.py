"""Messages: the sidebar panel's SMS history, its websocket commands, and the panel itself.

One history for every gateway, set up with the integration (before any gateway) and kept
while Home Assistant runs; the panel follows the gateways as they load, change and go.
"""

from __future__ import annotations

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util.hass_dict import HassKey

from custom_components.dinstar.const import CONF_PRIVATE_SMS, DOMAIN

from .feed import MessageFeed
from .panel import async_setup_panel_script, async_update_panel
from .store import MessageStore
from .websocket import async_register_commands

DATA_MESSAGES: HassKey[MessageStore] = HassKey(f"{DOMAIN}_messages")


async def async_setup_messages(hass: HomeAssistant) -> None:
    """Load the history, feed it from the bus, register the commands and the panel's script."""
    store = MessageStore(hass)
    await store.async_load()
    hass.data[DATA_MESSAGES] = store
    MessageFeed(hass, store).async_listen()
    async_register_commands(hass, store)
    await async_setup_panel_script(hass)

    @callback
    def on_entry_changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain != DOMAIN:
            return
        if entry.state is ConfigEntryState.LOADED and entry.options.get(CONF_PRIVATE_SMS, False):
            # Turned on later, the option also takes out the texts kept before.
            store.async_forget_texts(entry.entry_id)
        hass.async_create_task(async_update_panel(hass), eager_start=True)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, on_entry_changed)


async def async_remove_messages(hass: HomeAssistant, entry_id: str) -> None:
    """A deleted gateway's messages go with it.

    Without the history set up (the integration failed to), the next start drops them.
    """
    if (store := hass.data.get(DATA_MESSAGES)) is not None:
        await store.async_remove_entry(entry_id)
