"""Assist by SMS: one config subentry per gateway with the agent, the PIN and the limits.

Which contacts may talk to Assist is each contact's own choice (its subentry); without this
subentry no SMS is ever answered.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import selector
import probatio as vol

from .flow_forms import PASSWORD_FIELD
from .subentries import (
    CONF_AGENT_ID,
    CONF_DAILY_CAP,
    CONF_MAX_PARTS,
    CONF_PIN,
    CONF_RATE_LIMIT,
    SUBENTRY_ASSIST,
)


def _count(maximum: int) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(min=1, max=maximum, mode=selector.NumberSelectorMode.BOX)
    )


ASSIST_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_AGENT_ID): selector.ConversationAgentSelector(),
        vol.Optional(CONF_PIN): PASSWORD_FIELD,
        vol.Required(CONF_MAX_PARTS, default=3): _count(10),
        vol.Required(CONF_RATE_LIMIT, default=5): _count(100),
        vol.Required(CONF_DAILY_CAP, default=50): _count(1000),
    }
)


class AssistSubentryFlow(ConfigSubentryFlow):
    """Let allowed contacts talk to Home Assistant's Assist by SMS."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """The conversation agent, an optional PIN, and the limits on replies."""
        if any(
            subentry.subentry_type == SUBENTRY_ASSIST
            for subentry in self._get_entry().subentries.values()
        ):
            return self.async_abort(reason="already_configured")
        if user_input is not None:
            data = {
                key: int(value) if key in _COUNTS else value for key, value in user_input.items()
            }
            return self.async_create_entry(title="Assist by SMS", data=data, unique_id="assist")
        return self.async_show_form(step_id="user", data_schema=ASSIST_SCHEMA)


_COUNTS = (CONF_MAX_PARTS, CONF_RATE_LIMIT, CONF_DAILY_CAP)
