"""Balance checks: each is a config subentry naming a group of ports on one operator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.helpers import selector
import probatio as vol

from .aiodinstar import MAX_USSD_BYTES, compile_pattern
from .port_picker import async_port_selector
from .runtime import DinstarConfigEntry
from .subentries import (
    CONF_BALANCE_PORTS as CONF_PORTS,
    CONF_CODE,
    CONF_CURRENCY,
    CONF_INTERVAL,
    CONF_PATTERN,
    CONF_REPLY_SENDER,
    CONF_REPLY_WAIT,
    CONF_THRESHOLD,
    SUBENTRY_BALANCE,
)

DEFAULT_CODE: Final = "*100#"
DEFAULT_INTERVAL_HOURS: Final = 24
DEFAULT_REPLY_WAIT_MINUTES: Final = 10


def _number(minimum: float, maximum: float, unit: str | None = None) -> selector.NumberSelector:
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step="any", mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["step"] = 1
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)


def _schema(ports: selector.SelectSelector, currency: str) -> vol.Schema:
    return vol.Schema(
        {
            # Not "required" to the form, which would tick the first port by itself: none
            # chosen is refused below, by name.
            vol.Optional(CONF_PORTS): ports,
            vol.Required(CONF_CODE, default=DEFAULT_CODE): str,
            vol.Required(CONF_INTERVAL, default=DEFAULT_INTERVAL_HOURS): _number(1, 720, "h"),
            vol.Required(CONF_CURRENCY, default=currency): str,
            vol.Optional(CONF_THRESHOLD): _number(-1_000_000, 1_000_000),
            vol.Optional(CONF_PATTERN): str,
            vol.Optional(CONF_REPLY_SENDER): str,
            vol.Required(CONF_REPLY_WAIT, default=DEFAULT_REPLY_WAIT_MINUTES): _number(
                1, 60, "min"
            ),
        }
    )


class BalanceSubentryFlow(ConfigSubentryFlow):
    """Check the money left on a group of SIMs with their operator's USSD code."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Which ports, the code, how often, the currency, the threshold, unusual replies."""
        return await self._async_step("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a check in place: its balance sensors keep their history."""
        return await self._async_step("reconfigure", user_input)

    async def _async_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry: DinstarConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            # The ports to choose from are what the running gateway answered.
            return self.async_abort(reason="not_loaded")
        subentry = self._get_reconfigure_subentry() if step_id == "reconfigure" else None
        errors: dict[str, str] = {}
        if user_input is not None:
            data = dict(user_input)
            data[CONF_PORTS] = sorted(int(port) for port in data.get(CONF_PORTS, []))
            errors = self._errors(entry, data, subentry)
            if not errors:
                title = f"{data[CONF_CODE]} on {', '.join(map(str, data[CONF_PORTS]))}"
                if subentry is None:
                    return self.async_create_entry(title=title, data=data)
                return self.async_update_and_abort(entry, subentry, title=title, data=data)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and subentry is not None:
            suggested = {
                **subentry.data,
                CONF_PORTS: [str(port) for port in subentry.data[CONF_PORTS]],
            }
        schema = _schema(
            await async_port_selector(self.hass, entry, multiple=True), self.hass.config.currency
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    @staticmethod
    def _errors(
        entry: DinstarConfigEntry, data: dict[str, Any], editing: ConfigSubentry | None
    ) -> dict[str, str]:
        """What is wrong with the form, by field."""
        errors: dict[str, str] = {}
        if not data[CONF_PORTS]:
            errors[CONF_PORTS] = "no_ports"
        taken = {
            port
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_BALANCE
            and (editing is None or subentry.subentry_id != editing.subentry_id)
            for port in subentry.data[CONF_PORTS]
        }
        if taken & set(data[CONF_PORTS]):
            errors[CONF_PORTS] = "port_taken"
        code: str = data[CONF_CODE].strip()
        if not code or len(code.encode()) > MAX_USSD_BYTES:
            errors[CONF_CODE] = "invalid_ussd"
        if pattern := data.get(CONF_PATTERN):
            try:
                compile_pattern(pattern)
            except ValueError:
                errors[CONF_PATTERN] = "invalid_pattern"
        return errors
