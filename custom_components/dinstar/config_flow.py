"""Config flow: direct or through a DRP server, DHCP discovery, reauth, reconfigure, options.

The options (how often the gateway is read, how SMS arrive, which ports are shown, how long
the Messages panel keeps messages and who sees them) apply to the running gateway in place
(see entry_updates.py): none of them needs a new connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.util.network import is_ip_address, is_link_local, is_loopback
import probatio as vol
from yarl import URL

from .aiodinstar import (
    AuthScheme,
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarConnectionError,
    DinstarDrpAuthenticationError,
    DinstarError,
    fetch_certificate_fingerprint,
)
from .connection import create_client, create_session
from .const import (
    CONF_AUTH_SCHEME,
    CONF_CERTIFICATE,
    CONF_DRP_PASSWORD,
    CONF_DRP_USERNAME,
    CONF_FINGERPRINT,
    CONF_INCOMING_MODE,
    CONF_MAC,
    CONF_MESSAGES_ALL_USERS,
    CONF_MESSAGES_DAYS,
    CONF_PORTS,
    CONF_PRIVATE_SMS,
    CONF_REMOVED_PORTS,
    CONF_USE_HTTPS,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_MESSAGES_DAYS,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_MESSAGES_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    CertificateMode,
    IncomingMode,
)
from .devices import async_learn_mac
from .flow_forms import (
    CERTIFICATE_FIELD,
    CONF_ACCEPT_BASIC,
    PASSWORD_FIELD,
    direct_schema,
    drp_schema,
    webhook_schema,
)
from .messaging.webhook import webhook_local_only
from .port_picker import async_port_selector
from .runtime import DinstarConfigEntry
from .subentries import SUBENTRY_ASSIST, SUBENTRY_BALANCE, SUBENTRY_CONTACT
from .subentry_flows import AssistSubentryFlow, BalanceSubentryFlow, ContactSubentryFlow

# Real gateways answer everything with 403 while they block an address after failed logins;
# how long varies by firmware, so the user is told a wait that outlasts the usual block.
LOCKOUT_WAIT_MINUTES = 10
_LOCKOUT_PLACEHOLDERS = {"minutes": str(LOCKOUT_WAIT_MINUTES)}
_HTTP_FORBIDDEN = 403


def _unreachable(url: str) -> bool:
    """Whether the gateway, another machine, cannot reach this URL (Home Assistant's own name)."""
    host = (URL(url).host or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    if not is_ip_address(host):
        return False
    address = ip_address(host)
    return is_loopback(address) or is_link_local(address) or address.is_unspecified


class DinstarConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Dinstar gateway."""

    VERSION = 1
    # 1.2: the gateway's authentication scheme is stored (entries before it used digest).
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with no data: each step adds what it asked for."""
        self._data: dict[str, Any] = {}

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: DinstarConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Contacts to notify by SMS, balance checks, Assist by SMS."""
        return {
            SUBENTRY_CONTACT: ContactSubentryFlow,
            SUBENTRY_BALANCE: BalanceSubentryFlow,
            SUBENTRY_ASSIST: AssistSubentryFlow,
        }

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: DinstarConfigEntry) -> DinstarOptionsFlow:
        """Polling interval, incoming SMS mode, ports shown."""
        return DinstarOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Reach the gateway directly, or through a DRP server (gateway behind NAT)."""
        return self.async_show_menu(step_id="user", menu_options=["direct", "drp"])

    async def async_step_direct(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The gateway's address and credentials."""
        if user_input is not None:
            self._data.update(user_input)
            return await self._async_connection_entered()
        return self._async_show_connection_form()

    async def async_step_drp(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A gateway behind NAT, reached through a DRP server (see docs/protocol.md).

        Asks for the server, its account, and the gateway's serial and credentials.
        """
        if user_input is not None:
            self._data.update(user_input, **{CONF_CERTIFICATE: CertificateMode.NO_VERIFY})
            return await self._async_connection_entered()
        return self.async_show_form(
            step_id="drp",
            data_schema=drp_schema({}),
            description_placeholders=_LOCKOUT_PLACEHOLDERS,
        )

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A Dinstar MAC on the network: update a known gateway, else offer to add it."""
        mac = format_mac(discovery_info.macaddress)
        for entry in self._async_current_entries(include_ignore=False):
            if (
                CONF_MAC not in entry.data
                and CONF_DRP_USERNAME not in entry.data
                and entry.data.get(CONF_HOST) == discovery_info.ip
            ):
                # Added by hand: its MAC is learned here, the only source trusted for it.
                async_learn_mac(self.hass, entry, mac)
                return self.async_abort(reason="already_configured")
            if entry.data.get(CONF_MAC) == mac:
                if CONF_DRP_USERNAME in entry.data:
                    # Reached through its DRP server, whose address is the entry's host.
                    return self.async_abort(reason="already_configured")
                # A new address needs a new session (its digest state is bound to the old
                # origin): a running entry's update listener reloads it (entry_updates.py);
                # one retrying its set-up tries again at once, at the new address.
                if (
                    self.hass.config_entries.async_update_entry(
                        entry, data={**entry.data, CONF_HOST: discovery_info.ip}
                    )
                    and entry.state is ConfigEntryState.SETUP_RETRY
                ):
                    self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return self.async_abort(reason="already_configured")
        self._async_abort_entries_match({CONF_HOST: discovery_info.ip})
        await self.async_set_unique_id(mac)
        self._abort_if_unique_id_configured()
        self._data = {CONF_HOST: discovery_info.ip, CONF_MAC: mac}
        self.context["title_placeholders"] = {"host": discovery_info.ip}
        return await self.async_step_dhcp_confirm()

    async def async_step_dhcp_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm a discovered gateway, with its address filled in."""
        if user_input is not None:
            self._data.update(user_input)
            return await self._async_connection_entered()
        return self._async_show_connection_form()

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the certificate's fingerprint: pin it (trust on first use), or do not verify it.

        Asked only with HTTPS, once the certificate is read: the choice is made knowing it.
        """
        if user_input is not None:
            self._data[CONF_CERTIFICATE] = user_input[CONF_CERTIFICATE]
            if user_input[CONF_CERTIFICATE] != CertificateMode.PIN:
                del self._data[CONF_FINGERPRINT]
            return await self._async_connect_and_finish()
        try:
            fingerprint = await fetch_certificate_fingerprint(
                self._data[CONF_HOST], self._data.get(CONF_PORT) or 443
            )
        except DinstarConnectionError:
            return self._async_show_connection_form({CONF_HOST: "cannot_connect"})
        self._data[CONF_FINGERPRINT] = fingerprint
        return self.async_show_form(
            step_id="certificate",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_CERTIFICATE,
                        default=self._data.get(CONF_CERTIFICATE, CertificateMode.PIN),
                    ): CERTIFICATE_FIELD
                }
            ),
            description_placeholders={
                "host": self._data[CONF_HOST],
                "fingerprint": ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper(),
            },
        )

    async def async_step_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URL to enter in the gateway's push settings, then create the entry.

        Firmware that offers nothing but Basic (the password in clear) also gets a box that
        accepts it, ticked: the gateway cannot be used otherwise.
        """
        self._data.setdefault(CONF_WEBHOOK_ID, webhook.async_generate_id())
        basic = self._data[CONF_AUTH_SCHEME] == AuthScheme.BASIC
        errors: dict[str, str] = {}
        if user_input is not None:
            if basic and not user_input[CONF_ACCEPT_BASIC]:
                errors[CONF_ACCEPT_BASIC] = "basic_declined"
            else:
                # The name is the entry's title: the gateway's device and its ports are named
                # by it.
                return self.async_create_entry(title=user_input[CONF_NAME], data=self._data)
        url = webhook.async_generate_url(
            self.hass, self._data[CONF_WEBHOOK_ID], prefer_external=False
        )
        name = user_input[CONF_NAME] if user_input else self._default_name()
        return self.async_show_form(
            # One form; its description adds a note where the gateway, another machine, cannot
            # reach the URL. Only a note: pushes may still be set up later, polling works.
            step_id="webhook_unreachable" if _unreachable(url) else "webhook",
            data_schema=webhook_schema(name, basic=basic),
            errors=errors,
            description_placeholders={"url": url},
        )

    async def async_step_webhook_unreachable(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The webhook form, shown with its note on the URL."""
        return await self.async_step_webhook(user_input)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The gateway refused the credentials."""
        self._data = dict(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials and check them against the same gateway."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data.update(user_input)
            if not (errors := await self._async_connect()):
                entry = self._get_reauth_entry()
                return self._async_update_connection(entry, {**entry.data, **user_input})
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(
                {
                    # Behind a DRP server either login may be the one refused: both are asked.
                    **(
                        {
                            vol.Required(
                                CONF_DRP_USERNAME, default=self._data[CONF_DRP_USERNAME]
                            ): str,
                            vol.Required(CONF_DRP_PASSWORD): PASSWORD_FIELD,
                        }
                        if CONF_DRP_USERNAME in self._data
                        else {}
                    ),
                    vol.Required(CONF_USERNAME, default=self._data[CONF_USERNAME]): str,
                    vol.Required(CONF_PASSWORD): PASSWORD_FIELD,
                }
            ),
            errors=errors,
            description_placeholders={
                "name": self._get_reauth_entry().title,
                **_LOCKOUT_PLACEHOLDERS,
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address, HTTPS or credentials of the same gateway."""
        entry = self._get_reconfigure_entry()
        if user_input is None:
            # Its stored certificate choice is the certificate step's default.
            self._data = dict(entry.data)
            return self._async_show_connection_form()
        self._data.update(user_input)
        # A password left empty keeps the stored one (not one typed before a failed try).
        for key in (CONF_PASSWORD, CONF_DRP_PASSWORD):
            if key in entry.data and not user_input.get(key):
                self._data[key] = entry.data[key]
        return await self._async_connection_entered()

    async def _async_connection_entered(self) -> ConfigFlowResult:
        """After the address and login: the certificate step with HTTPS, else connect."""
        if CONF_DRP_USERNAME not in self._data:
            if self._data.get(CONF_USE_HTTPS):
                return await self.async_step_certificate()
            # Nothing to trust over HTTP: a choice made before HTTPS was turned off goes.
            self._data.pop(CONF_CERTIFICATE, None)
            self._data.pop(CONF_FINGERPRINT, None)
        return await self._async_connect_and_finish()

    async def _async_connect_and_finish(self) -> ConfigFlowResult:
        """Connect; on failure, back to the address and login form, where most causes are."""
        if errors := await self._async_connect():
            return self._async_show_connection_form(errors)
        if self.source == SOURCE_RECONFIGURE:
            return self._async_update_connection(self._get_reconfigure_entry(), self._data)
        return await self.async_step_webhook()

    @callback
    def _async_update_connection(
        self, entry: ConfigEntry, data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Store the new address or login, and let the gateway connect with it.

        A running entry's update listener reloads it when its connection data changed
        (entry_updates.py). Here only what it cannot see: an entry that is not running (its
        set-up was refused), and, after reauthentication, the same login accepted again (a
        refused login stopped the polling: only a reload starts it again).
        """
        reload = entry.state is not ConfigEntryState.LOADED or (
            self.source != SOURCE_RECONFIGURE and data == entry.data
        )
        result = self.async_update_and_abort(entry, data=data)
        if reload:  # after the update: the reload starts at once, with the data as it is
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return result

    @callback
    def _async_show_connection_form(self, errors: dict[str, str] | None = None) -> ConfigFlowResult:
        """The address and login form this flow started from, filled in as last entered."""
        drp = CONF_DRP_USERNAME in self._data
        schema = drp_schema if drp else direct_schema
        placeholders = dict(_LOCKOUT_PLACEHOLDERS)
        if self.source == SOURCE_RECONFIGURE:
            step_id = "reconfigure"
        elif drp:
            step_id = "drp"
        elif CONF_MAC in self._data:
            step_id = "dhcp_confirm"
            placeholders["host"] = self._data[CONF_HOST]
        else:
            step_id = "direct"
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema(self._data, stored=self.source == SOURCE_RECONFIGURE),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _default_name(self) -> str:
        """The brand and the serial's last group: short, and distinct between gateways."""
        return f"Dinstar {(self.unique_id or '').rpartition('-')[2]}".strip()

    async def _async_connect(self) -> dict[str, str]:  # one answer per failure
        """Read the gateway once; set its serial as the unique id. Returns field errors."""
        session = create_session(self.hass, self._data, auto_cleanup=False)
        client = create_client(session, self._data)
        try:
            await client.get_port_info()
        except DinstarDrpAuthenticationError:
            return {CONF_DRP_PASSWORD: "invalid_drp_auth"}
        except DinstarAuthenticationError:
            return {CONF_PASSWORD: "invalid_auth"}
        except DinstarCertificateError:
            return {"base": "certificate_mismatch"}
        except DinstarConnectionError:
            return {CONF_HOST: "cannot_connect"}
        except DinstarApiError as err:
            # The connection test is a GET the gateway knows: 403 is the login lockout.
            return {"base": "locked_out" if err.error_code == _HTTP_FORBIDDEN else "cannot_connect"}
        except DinstarError:
            return {"base": "cannot_connect"}
        except Exception:  # any surprise must leave the flow usable
            LOGGER.exception("Unexpected error talking to %s", self._data.get(CONF_HOST))
            return {"base": "unknown"}
        finally:
            session.detach()
        if not (serial := client.serial):
            # The serial is the entry's identity: without it two gateways would be one.
            return {"base": "no_serial"}
        # Learnt at set-up; reauthentication and reconfiguring keep (never downgrade) it.
        self._data[CONF_AUTH_SCHEME] = client.auth_scheme
        if self.source in ("reauth", SOURCE_RECONFIGURE):
            await self.async_set_unique_id(serial)
            self._abort_if_unique_id_mismatch(reason="different_device")
            return {}
        await self.async_set_unique_id(serial, raise_on_progress=False)
        # A known gateway found again (by hand or by DHCP): its address, and its MAC when
        # discovery told it, so that the next discovery recognises it at once.
        updates = {CONF_HOST: self._data[CONF_HOST]}
        if CONF_MAC in self._data:
            updates[CONF_MAC] = self._data[CONF_MAC]
        # Not reloaded by the abort: a running entry's update listener does it, only if the
        # address changed (entry_updates.py).
        self._abort_if_unique_id_configured(updates=updates, reload_on_update=False)
        return {}


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
