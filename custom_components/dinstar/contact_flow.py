"""Contacts: each is a config subentry and becomes a notify entity."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import CONF_NAME, CONF_PORT
from homeassistant.helpers import selector
import probatio as vol

from .aiodinstar import DinstarValidationError
from .aiodinstar.limits import MAX_PORT, check_number
from .assist_policy import normalize_number
from .phone_numbers import number_key
from .runtime import DinstarConfigEntry
from .subentries import CONF_ASSIST, CONF_NUMBER

CONTACT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): str,
        vol.Required(CONF_NUMBER): selector.TextSelector(
            selector.TextSelectorConfig(type=selector.TextSelectorType.TEL)
        ),
        vol.Optional(CONF_PORT): selector.NumberSelector(
            selector.NumberSelectorConfig(min=0, max=MAX_PORT, mode=selector.NumberSelectorMode.BOX)
        ),
        # Off unless chosen: an SMS from this number then reaches Assist (see assist_flow).
        vol.Optional(CONF_ASSIST): bool,
    }
)


class ContactSubentryFlow(ConfigSubentryFlow):
    """Add a contact that automations can notify by SMS."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Name, number, and optionally the port to send from."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = dict(user_input)
            if CONF_PORT in data:
                data[CONF_PORT] = int(data[CONF_PORT])
            # Saved in one form however it was typed ("+49 30 123-456", "030 123456"), so a
            # contact is one contact: international, read with Home Assistant's country.
            typed = data[CONF_NUMBER].strip()
            data[CONF_NUMBER] = number_key(typed, self.hass.config.country) or normalize_number(
                typed
            )
            try:
                check_number(data[CONF_NUMBER])
            except DinstarValidationError:
                errors[CONF_NUMBER] = "invalid_number"
            entry: DinstarConfigEntry = self._get_entry()
            if (
                CONF_PORT in data
                and entry.state is ConfigEntryState.LOADED
                and data[CONF_PORT] not in entry.runtime_data.coordinator.data.ports
            ):
                errors[CONF_PORT] = "invalid_port"
            if not errors:
                return self.async_create_entry(
                    title=data[CONF_NAME], data=data, unique_id=data[CONF_NUMBER]
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(CONTACT_SCHEMA, user_input),
            errors=errors,
        )
