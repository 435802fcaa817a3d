"""A change of a running entry, applied where it belongs: only a new connection reloads it.

A reload makes every entity unavailable and then back, two logbook lines each (hundreds for a
gateway of many ports). So the options (polling interval, how SMS arrive, the ports shown,
private SMS, who may push) and the subentries (contacts, balance checks, Assist by SMS) change
what runs in place, adding or removing only the entities concerned: here, or, for contacts
and Assist by SMS, where they are read (notify.py, assist/responder.py). Only the data the client is
built from (address, login, certificate; see connection.py) needs a new client: that reloads
the entry.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .connection import connection_data
from .runtime import DinstarConfigEntry


@callback
def async_follow_entry_updates(entry: DinstarConfigEntry) -> None:
    """Apply each change of the entry until it unloads (set up with the data it has now)."""
    connected_with = connection_data(entry.data)

    async def async_updated(hass: HomeAssistant, changed: ConfigEntry) -> None:
        if connection_data(changed.data) != connected_with:
            hass.config_entries.async_schedule_reload(changed.entry_id)
            return
        runtime = entry.runtime_data
        runtime.ports.async_follow_options()
        runtime.push.async_follow_options()
        runtime.balance.async_follow_subentries()
        # The "pushes are not arriving" repair follows the incoming mode at once.
        runtime.messaging.async_check_silence()
        await runtime.coordinator.async_follow_options()

    entry.async_on_unload(entry.add_update_listener(async_updated))
