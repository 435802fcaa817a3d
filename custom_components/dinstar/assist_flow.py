"""Assist by SMS: one config subentry per gateway with the agent, the PIN and the limits.

Which contacts may talk to Assist is each contact's own choice (its subentry); without this
subentry no SMS is ever answered. A sender's number can be forged, so it cannot be saved
without a PIN of at least six characters, or the explicit choice to go without one (which
keeps a repair issue up, saying what that exposes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentry, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import selector
import probatio as vol

from .assist_config import MIN_PIN_LENGTH
from .flow_forms import PASSWORD_FIELD
from .subentries import (
    CONF_AGENT_ID,
    CONF_CONTACT_DAILY_CAP,
    CONF_DAILY_CAP,
    CONF_DENIED_ENTITIES,
    CONF_MAX_PARTS,
    CONF_NO_PIN,
    CONF_PIN,
    CONF_RATE_LIMIT,
    DEFAULT_CONTACT_DAILY_CAP,
    SUBENTRY_ASSIST,
)


def _count(maximum: int) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(min=1, max=maximum, mode=selector.NumberSelectorMode.BOX)
    )


def _schema() -> vol.Schema:
    """The form of both steps."""
    return vol.Schema(
        {
            vol.Optional(CONF_AGENT_ID): selector.ConversationAgentSelector(),
            vol.Optional(CONF_PIN): PASSWORD_FIELD,
            vol.Required(CONF_NO_PIN, default=False): bool,
            vol.Optional(CONF_DENIED_ENTITIES): selector.EntitySelector(
                selector.EntitySelectorConfig(multiple=True)
            ),
            vol.Required(CONF_MAX_PARTS, default=3): _count(10),
            vol.Required(CONF_RATE_LIMIT, default=5): _count(100),
            vol.Required(CONF_CONTACT_DAILY_CAP, default=DEFAULT_CONTACT_DAILY_CAP): _count(1000),
            vol.Required(CONF_DAILY_CAP, default=50): _count(1000),
        }
    )


_COUNTS = (CONF_MAX_PARTS, CONF_RATE_LIMIT, CONF_CONTACT_DAILY_CAP, CONF_DAILY_CAP)


class AssistSubentryFlow(ConfigSubentryFlow):
    """Let allowed contacts talk to Home Assistant's Assist by SMS."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """The conversation agent, the PIN, what SMS may never touch, and the limits."""
        if any(
            subentry.subentry_type == SUBENTRY_ASSIST
            for subentry in self._get_entry().subentries.values()
        ):
            return self.async_abort(reason="already_configured")
        return await self._async_step(user_input, None)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the settings; the PIN stays as it is when its field is left empty."""
        return await self._async_step(user_input, self._get_reconfigure_subentry())

    async def _async_step(
        self, user_input: dict[str, Any] | None, subentry: ConfigSubentry | None
    ) -> SubentryFlowResult:
        """The form of both steps (its step is the one running); ``subentry``: reconfigured."""
        errors: dict[str, str] = {}
        if user_input is not None:
            stored = None if subentry is None else subentry.data.get(CONF_PIN)
            data, errors = _data(user_input, stored)
            if not errors and subentry is None:
                return self.async_create_entry(title="Assist by SMS", data=data, unique_id="assist")
            if not errors and subentry is not None:
                return self.async_update_and_abort(self._get_entry(), subentry, data=data)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and subentry is not None:
            # Never the stored PIN: it is not shown again, like a password.
            suggested = {key: value for key, value in subentry.data.items() if key != CONF_PIN}
        return self.async_show_form(
            data_schema=self.add_suggested_values_to_schema(_schema(), suggested),
            errors=errors,
        )


def _data(
    user_input: Mapping[str, Any], stored_pin: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The subentry's data from the form, or what is wrong with it (by field)."""
    data = {key: int(value) if key in _COUNTS else value for key, value in user_input.items()}
    pin = str(data.pop(CONF_PIN, "")).strip()
    if data[CONF_NO_PIN]:
        if pin:
            return data, {CONF_NO_PIN: "pin_and_no_pin"}
        return data, {}
    pin = pin or stored_pin or ""
    if not pin:
        return data, {CONF_PIN: "pin_required"}
    if len(pin) < MIN_PIN_LENGTH:
        return data, {CONF_PIN: "pin_too_short"}
    return {**data, CONF_PIN: pin}, {}
