"""The gateway's subentry flows: contacts, balance checks, and Assist by SMS.

A contact becomes a notify entity; a balance check names a group of ports on one operator;
Assist by SMS is one subentry per gateway with the agent, the PIN and the limits. Which contacts
may talk to Assist is each contact's own choice (its subentry); without the Assist subentry no
SMS is ever answered. A sender's number can be forged, so Assist cannot be saved without a PIN
of at least six characters, or the explicit choice to go without one (which keeps a repair issue
up, saying what that exposes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.helpers.selector import SelectOptionDict
import probatio as vol

from .aiodinstar import (
    MAX_USSD_BYTES,
    DinstarValidationError,
    check_number,
    compile_pattern,
    normalize_number,
    number_key,
)
from .assist.config import MIN_PIN_LENGTH
from .const import DOMAIN
from .flow_forms import PASSWORD_FIELD
from .port_picker import async_port_options, async_port_selector
from .runtime import DinstarConfigEntry
from .subentries import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_BALANCE_PORTS,
    CONF_CODE,
    CONF_CONTACT_DAILY_CAP,
    CONF_CURRENCY,
    CONF_DAILY_CAP,
    CONF_DENIED_ENTITIES,
    CONF_INTERVAL,
    CONF_MAX_PARTS,
    CONF_NO_PIN,
    CONF_NUMBER,
    CONF_PATTERN,
    CONF_PIN,
    CONF_POOL,
    CONF_RATE_LIMIT,
    CONF_REPLY_SENDER,
    CONF_REPLY_WAIT,
    CONF_THRESHOLD,
    DEFAULT_CONTACT_DAILY_CAP,
    POOL_ALL_GATEWAYS,
    SUBENTRY_ASSIST,
    SUBENTRY_BALANCE,
    pool_by_gateway,
    pool_port,
    saved_pool,
)


async def _async_contact_schema(
    hass: HomeAssistant, entry: DinstarConfigEntry, pool_options: list[SelectOptionDict]
) -> vol.Schema:
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
                    options=pool_options,
                    multiple=True,
                    translation_key="contact_pool",
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
            # Off unless chosen: an SMS from this number then reaches Assist (see AssistSubentryFlow).
            vol.Optional(CONF_ASSIST): bool,
        }
    )


async def _async_pool_options(
    hass: HomeAssistant, entry: DinstarConfigEntry, saved: list[str]
) -> list[SelectOptionDict]:
    """Each gateway by name (the contact's own first) followed by its ports, then "all".

    A gateway ticked means every port of it; its ports are there for a contact that may use
    only some (the one SIM with a cheap plan, say). A gateway away shows the ports saved for
    it, so that saving keeps them. Only "all" has a translated label: the frontend keeps a
    gateway's name and a port's, as no translation has their config entry ids.
    """
    saved_ports = pool_by_gateway([value for value in saved if value != POOL_ALL_GATEWAYS])
    others = sorted(
        (other for other in hass.config_entries.async_entries(DOMAIN) if other is not entry),
        key=lambda other: other.title,
    )
    options: list[SelectOptionDict] = []
    for gateway in (entry, *others):
        options.append(SelectOptionDict(value=gateway.entry_id, label=gateway.title))
        options.extend(
            SelectOptionDict(
                value=pool_port(gateway.entry_id, int(port["value"])), label=port["label"]
            )
            for port in await async_port_options(
                hass, gateway, away=saved_ports.get(gateway.entry_id, ())
            )
        )
    options.append(SelectOptionDict(value=POOL_ALL_GATEWAYS, label=POOL_ALL_GATEWAYS))
    return options


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
        pool = saved_pool(
            None if subentry is None else subentry.data.get(CONF_POOL), entry.entry_id
        )
        pool_options = await _async_pool_options(self.hass, entry, pool)
        schema = await _async_contact_schema(self.hass, entry, pool_options)
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
            # A gateway removed since, or a port it no longer has, is no longer offered.
            offered = {option["value"] for option in pool_options}
            suggested.pop(CONF_POOL, None)
            if pool := [value for value in pool if value in offered]:
                suggested[CONF_POOL] = pool
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
        if not data.get(CONF_POOL):
            data.pop(CONF_POOL, None)  # none chosen: the default, which follows the gateways
        # Saved in one form however it was typed ("+49 30 123-456", "030 123456"), so a
        # contact is one contact: international, read with Home Assistant's country.
        typed = data[CONF_NUMBER].strip()
        data[CONF_NUMBER] = number_key(typed, self.hass.config.country) or normalize_number(typed)
        try:
            check_number(data[CONF_NUMBER])
        except DinstarValidationError:
            errors[CONF_NUMBER] = "invalid_number"
        return data, errors


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


def _balance_schema(ports: selector.SelectSelector, currency: str) -> vol.Schema:
    return vol.Schema(
        {
            # Not "required" to the form, which would tick the first port by itself: none
            # chosen is refused below, by name.
            vol.Optional(CONF_BALANCE_PORTS): ports,
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
            data[CONF_BALANCE_PORTS] = sorted(
                int(port) for port in data.get(CONF_BALANCE_PORTS, [])
            )
            errors = self._errors(entry, data, subentry)
            if not errors:
                title = f"{data[CONF_CODE]} on {', '.join(map(str, data[CONF_BALANCE_PORTS]))}"
                if subentry is None:
                    return self.async_create_entry(title=title, data=data)
                return self.async_update_and_abort(entry, subentry, title=title, data=data)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and subentry is not None:
            suggested = {
                **subentry.data,
                CONF_BALANCE_PORTS: [str(port) for port in subentry.data[CONF_BALANCE_PORTS]],
            }
        schema = _balance_schema(
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
        if not data[CONF_BALANCE_PORTS]:
            errors[CONF_BALANCE_PORTS] = "no_ports"
        taken = {
            port
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_BALANCE
            and (editing is None or subentry.subentry_id != editing.subentry_id)
            for port in subentry.data[CONF_BALANCE_PORTS]
        }
        if taken & set(data[CONF_BALANCE_PORTS]):
            errors[CONF_BALANCE_PORTS] = "port_taken"
        code: str = data[CONF_CODE].strip()
        if not code or len(code.encode()) > MAX_USSD_BYTES:
            errors[CONF_CODE] = "invalid_ussd"
        if pattern := data.get(CONF_PATTERN):
            try:
                compile_pattern(pattern)
            except ValueError:
                errors[CONF_PATTERN] = "invalid_pattern"
        return errors


def _count(maximum: int) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(min=1, max=maximum, mode=selector.NumberSelectorMode.BOX)
    )


def _assist_schema() -> vol.Schema:
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
            data, errors = _assist_data(user_input, stored)
            if not errors and subentry is None:
                return self.async_create_entry(title="Assist by SMS", data=data, unique_id="assist")
            if not errors and subentry is not None:
                return self.async_update_and_abort(self._get_entry(), subentry, data=data)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and subentry is not None:
            # Never the stored PIN: it is not shown again, like a password.
            suggested = {key: value for key, value in subentry.data.items() if key != CONF_PIN}
        return self.async_show_form(
            data_schema=self.add_suggested_values_to_schema(_assist_schema(), suggested),
            errors=errors,
        )


def _assist_data(
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
