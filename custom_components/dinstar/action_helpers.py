"""What every action shares: finding its gateway, and its translated errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
import probatio as vol

from .aiodinstar import DinstarError, DinstarValidationError
from .const import DOMAIN
from .coordinator import DinstarConfigEntry


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Bad input: nothing was sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def gateway_refused(key: str, **placeholders: str) -> HomeAssistantError:
    """The gateway or the network would not do it: not the input's fault."""
    return HomeAssistantError(
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


def as_json(value: Any) -> Any:
    """Records as JSON-friendly dicts for an action's response."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


ATTR_CONFIG_ENTRY_ID = "config_entry_id"

type ActionHandler = Callable[[ServiceCall, DinstarConfigEntry], Awaitable[ServiceResponse]]
type ActionTable = dict[str, tuple[ActionHandler, dict[vol.Marker, Any], SupportsResponse]]


def _run_on_entry(
    name: str, handler: ActionHandler
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def run(call: ServiceCall) -> ServiceResponse:
        entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
        try:
            return await handler(call, entry)
        except DinstarValidationError as err:
            raise invalid_input("invalid_parameter", error=str(err)) from err
        except DinstarError as err:
            raise gateway_failed(err, name) from err

    return run


@callback
def async_register_actions(hass: HomeAssistant, actions: ActionTable) -> None:
    """Register actions that each name their gateway by ``config_entry_id``."""
    for name, (handler, fields, response) in actions.items():
        hass.services.async_register(
            DOMAIN,
            name,
            _run_on_entry(name, handler),
            schema=vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, **fields}),
            supports_response=response,
        )
