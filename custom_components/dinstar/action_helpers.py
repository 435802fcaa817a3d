"""What every action shares: finding its gateway, and its translated errors."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import DinstarError
from .const import DOMAIN
from .coordinator import DinstarConfigEntry


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Bad input: nothing was sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def gateway_failed(err: DinstarError, action: str) -> HomeAssistantError:
    """The gateway failed an action; the message names the action and the cause."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="gateway_failed",
        translation_placeholders={"action": action, "error": str(err)},
    )


def loaded_entry(hass: HomeAssistant, entry_id: str) -> DinstarConfigEntry:
    """The loaded Dinstar entry an action names."""
    entry: DinstarConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid_input("unknown_gateway", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise invalid_input("gateway_not_loaded", name=entry.title)
    return entry


def check_port(entry: DinstarConfigEntry, port: int) -> int:
    """A port this gateway has, or a translated error."""
    if port not in entry.runtime_data.coordinator.data.ports:
        raise invalid_input("invalid_port", port=str(port))
    return port
