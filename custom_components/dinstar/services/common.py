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

from custom_components.dinstar.aiodinstar import (
    DinstarValidationError,
    check_number,
    normalize_number,
)
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.errors import gateway_errors, invalid_input, unknown_port
from custom_components.dinstar.runtime import DinstarConfigEntry

ATTR_PORT = "port"
# Any number: check_port says which ports the gateway has, naming the field and the value.
_PORT_NUMBER = vol.Coerce(int)
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
    """A port this gateway has, or a translated error naming the field, the port and the ports."""
    if port not in (ports := entry.runtime_data.coordinator.data.ports):
        raise unknown_port(ATTR_PORT, str(port), ports)
    return port


def check_numbers(field: str, numbers: list[str]) -> list[str]:
    """The numbers as the gateway takes them; an error names the first it would not."""
    checked: list[str] = []
    for number in numbers:
        try:
            checked.append(check_number(normalize_number(number.strip())))
        except DinstarValidationError:
            raise invalid_input("field_not_a_number", field=field, value=number) from None
    return checked


def check_in_range(field: str, value: int, low: int, high: int) -> int:
    """A number the gateway takes in that field, or a translated error naming it."""
    if not low <= value <= high:
        raise invalid_input(
            "field_out_of_range", field=field, value=str(value), min=str(low), max=str(high)
        )
    return value


def time_range(call: ServiceCall) -> tuple[datetime | None, datetime | None]:
    """The call's start and end; a start after the end would find nothing, so it is refused.

    Compared as the gateway reads them: its wall-clock time, without a zone.
    """
    start: datetime | None = call.data.get("start")
    end: datetime | None = call.data.get("end")
    if start and end and start.replace(tzinfo=None) > end.replace(tzinfo=None):
        raise invalid_input(
            "start_after_end", start=start.isoformat(sep=" "), end=end.isoformat(sep=" ")
        )
    return start, end


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
