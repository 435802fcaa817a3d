"""Contacts: each is a config subentry and becomes a notify entity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
import probatio as vol

from .aiodinstar import DinstarValidationError, check_number, number_key
from .assist_policy import normalize_number
from .port_picker import async_port_selector
from .runtime import DinstarConfigEntry
from .subentries import CONF_ASSIST, CONF_NUMBER, CONF_POOL, POOL_ALL_GATEWAYS, POOL_THIS_GATEWAY


async def _async_schema(hass: HomeAssistant, entry: DinstarConfigEntry) -> vol.Schema:
    """The contact form; the port is offered while the gateway runs, as it answered them.

    A gateway not connected has no ports to offer: its contacts are added without one, and
    keep the one they have (see ``_data``).
    """
    port: dict[vol.Marker, Any] = {}
    if entry.state is ConfigEntryState.LOADED:
        port[vol.Optional(CONF_PORT)] = await async_port_selector(hass, entry, multiple=False)
    return vol.Schema(
        {
            vol.Required(CONF_NAME): str,
            vol.Required(CONF_NUMBER): selector.TextSelector(
                selector.TextSelectorConfig(type=selector.TextSelectorType.TEL)
            ),
            **port,
            vol.Optional(CONF_POOL): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[POOL_ALL_GATEWAYS, POOL_THIS_GATEWAY],
                    translation_key="contact_pool",
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
            # Off unless chosen: an SMS from this number then reaches Assist (see assist_flow).
            vol.Optional(CONF_ASSIST): bool,
        }
    )


class ContactSubentryFlow(ConfigSubentryFlow):
    """Add or change a contact that automations can notify by SMS."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Name, number, and optionally the port to send from."""
        return await self._async_step("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a contact in place: its notify entity keeps its id and history."""
        return await self._async_step("reconfigure", user_input)

    async def _async_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """The form of both steps; ``step_id`` says which one runs."""
        subentry = self._get_reconfigure_subentry() if step_id == "reconfigure" else None
        entry: DinstarConfigEntry = self._get_entry()
        schema = await _async_schema(self.hass, entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = self._data(user_input, subentry, port_asked=CONF_PORT in schema.schema)
            if not errors:
                return self._async_save(data, subentry)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and subentry is not None:
            suggested = dict(subentry.data)
            if CONF_PORT in subentry.data:
                suggested[CONF_PORT] = str(subentry.data[CONF_PORT])
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    @callback
    def _async_save(
        self, data: dict[str, Any], subentry: ConfigSubentry | None
    ) -> SubentryFlowResult:
        """A new contact, or the changed one (a number taken by another aborts, as on adding).

        Its notify entity follows a change in place (see notify.py); Assist reads the choice
        at each SMS.
        """
        if subentry is None:
            return self.async_create_entry(
                title=data[CONF_NAME], data=data, unique_id=data[CONF_NUMBER]
            )
        return self.async_update_and_abort(
            self._get_entry(),
            subentry,
            title=data[CONF_NAME],
            data=data,
            unique_id=data[CONF_NUMBER],
        )

    def _data(
        self, user_input: dict[str, Any], subentry: ConfigSubentry | None, *, port_asked: bool
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The subentry's data from the form, and what is wrong with it (by field).

        Without the port in the form (the gateway is not connected), a changed contact keeps
        the port it has.
        """
        errors: dict[str, str] = {}
        data = dict(user_input)
        if CONF_PORT in data:
            data[CONF_PORT] = int(data[CONF_PORT])
        elif not port_asked and subentry is not None and CONF_PORT in subentry.data:
            data[CONF_PORT] = subentry.data[CONF_PORT]
        # Saved in one form however it was typed ("+49 30 123-456", "030 123456"), so a
        # contact is one contact: international, read with Home Assistant's country.
        typed = data[CONF_NUMBER].strip()
        data[CONF_NUMBER] = number_key(typed, self.hass.config.country) or normalize_number(typed)
        try:
            check_number(data[CONF_NUMBER])
        except DinstarValidationError:
            errors[CONF_NUMBER] = "invalid_number"
        return data, errors
