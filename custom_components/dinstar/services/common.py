"""What every action shares: its gateway, its ports, its fields, its errors, its registration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_get_config_entry
import probatio as vol

from custom_components.dinstar.aiodinstar.limits import MAX_PORT
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.errors import gateway_errors, invalid_input
from custom_components.dinstar.runtime import DinstarConfigEntry

ATTR_PORT = "port"
_PORT_NUMBER = vol.All(vol.Coerce(int), vol.Range(min=0, max=MAX_PORT))
PORT_FIELD: dict[vol.Marker, Any] = {vol.Required(ATTR_PORT): _PORT_NUMBER}
PORTS_FIELD: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_PORT): vol.All(cv.ensure_list, [_PORT_NUMBER])
}
TIME_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional("start"): cv.datetime,
    vol.Optional("end"): cv.datetime,
}

type ActionHandler = Callable[[ServiceCall, DinstarConfigEntry], Awaitable[ServiceResponse]]
type ActionTable = dict[str, tuple[ActionHandler, dict[vol.Marker, Any], SupportsResponse]]


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


def _run_on_entry(
    name: str, handler: ActionHandler
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def run(call: ServiceCall) -> ServiceResponse:
        entry: DinstarConfigEntry = async_get_config_entry(
            call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
        )
        with gateway_errors(call.hass, entry, name):
            return await handler(call, entry)

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
