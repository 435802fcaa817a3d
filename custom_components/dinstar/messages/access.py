"""Who sees which gateway's messages: administrators all, other users those opened to them.

The panel and every websocket command ask here, so the sidebar and the data agree.
"""

from __future__ import annotations

from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import Unauthorized

from custom_components.dinstar.const import CONF_MESSAGES_ALL_USERS, DOMAIN


def opened_to_all(entry: ConfigEntry) -> bool:
    """The gateway's option "Show its messages to every user"."""
    return bool(entry.options.get(CONF_MESSAGES_ALL_USERS, False))


def visible_entries(hass: HomeAssistant, user: User | None) -> dict[str, ConfigEntry]:
    """The gateways whose messages ``user`` may read and send from; none is refused.

    Raises ``Unauthorized`` for a user who may see none: the panel is not theirs.
    """
    entries = hass.config_entries.async_entries(DOMAIN)
    if user is None or not user.is_admin:
        entries = [entry for entry in entries if user is not None and opened_to_all(entry)]
        if not entries:
            raise Unauthorized
    return {entry.entry_id: entry for entry in entries}
