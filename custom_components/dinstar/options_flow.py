"""The options of a gateway: reading, SMS, ports shown, and the Messages panel's.

How often it is read, how SMS arrive, which ports are shown, how long the Messages panel keeps
messages and who sees them.

Saved options apply to the running gateway in place (see entry_updates.py): none of them
needs a new connection.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.helpers import selector
import probatio as vol

from .const import (
    CONF_INCOMING_MODE,
    CONF_MESSAGES_ALL_USERS,
    CONF_MESSAGES_DAYS,
    CONF_PORTS,
    CONF_PRIVATE_SMS,
    CONF_REMOVED_PORTS,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_MESSAGES_DAYS,
    DEFAULT_SCAN_INTERVAL,
    MAX_MESSAGES_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    IncomingMode,
)
from .port_picker import async_port_selector
from .runtime import DinstarConfigEntry
from .webhook import webhook_local_only


class DinstarOptionsFlow(OptionsFlow):
    """Options of a gateway."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Polling interval, how incoming SMS arrive, which ports to show."""
        entry: DinstarConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            # The ports to choose from are what the running gateway answered.
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            # Left as shown now, the choice is not stored: the ports shown keep following SIMs
            # plugged, and ports the user deleted stay away.
            shown = entry.runtime_data.ports.visible
            if {int(port) for port in user_input.get(CONF_PORTS, [])} in (set(), shown):
                user_input = {k: v for k, v in user_input.items() if k != CONF_PORTS}
                if removed := entry.options.get(CONF_REMOVED_PORTS):
                    user_input[CONF_REMOVED_PORTS] = removed
            return self.async_create_entry(data=user_input)
        options = entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_SCAN_INTERVAL,
                    default=options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=MIN_SCAN_INTERVAL,
                        max=MAX_SCAN_INTERVAL,
                        unit_of_measurement="s",
                        mode=selector.NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_INCOMING_MODE,
                    default=options.get(CONF_INCOMING_MODE, IncomingMode.PUSH),
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[mode.value for mode in IncomingMode],
                        translation_key=CONF_INCOMING_MODE,
                    )
                ),
                vol.Optional(
                    CONF_PORTS,
                    default=[str(port) for port in sorted(entry.runtime_data.ports.visible)],
                ): await async_port_selector(self.hass, entry, multiple=True),
                vol.Required(
                    CONF_PRIVATE_SMS, default=options.get(CONF_PRIVATE_SMS, False)
                ): selector.BooleanSelector(),
                vol.Required(
                    CONF_WEBHOOK_LOCAL_ONLY, default=webhook_local_only(entry)
                ): selector.BooleanSelector(),
                vol.Required(
                    CONF_MESSAGES_DAYS,
                    default=options.get(CONF_MESSAGES_DAYS, DEFAULT_MESSAGES_DAYS),
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1,
                        max=MAX_MESSAGES_DAYS,
                        unit_of_measurement="d",
                        mode=selector.NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_MESSAGES_ALL_USERS, default=options.get(CONF_MESSAGES_ALL_USERS, False)
                ): selector.BooleanSelector(),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
