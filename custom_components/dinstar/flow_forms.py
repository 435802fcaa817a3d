"""The config flow's forms: where the gateway is, how to log in, how to trust its certificate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers import selector
import probatio as vol

from .const import (
    CONF_CERTIFICATE,
    CONF_DRP_PASSWORD,
    CONF_DRP_USERNAME,
    CONF_SERIAL,
    CONF_USE_HTTPS,
    DEFAULT_USERNAME,
    CertificateMode,
)

CONF_ACCEPT_BASIC = "accept_basic"  # asked of firmware that offers nothing but Basic
PASSWORD_FIELD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)
_PORT = vol.All(vol.Coerce(int), vol.Range(min=1, max=65535))
CERTIFICATE_FIELD = selector.SelectSelector(
    selector.SelectSelectorConfig(
        options=[mode.value for mode in CertificateMode], translation_key=CONF_CERTIFICATE
    )
)


def _credentials_schema(
    defaults: Mapping[str, Any], *, stored: bool = False
) -> dict[vol.Marker, Any]:
    """The gateway's login; a stored password is never sent back to the form.

    Nothing is suggested for a new gateway (a factory password is for the repair to flag, not
    for us to offer); reconfiguring keeps the stored one when the field is left empty.
    """
    password: vol.Marker = (
        vol.Optional(CONF_PASSWORD)
        if stored
        else vol.Required(
            CONF_PASSWORD, description={"suggested_value": defaults.get(CONF_PASSWORD)}
        )
    )
    return {
        vol.Required(
            CONF_USERNAME,
            description={"suggested_value": defaults.get(CONF_USERNAME, DEFAULT_USERNAME)},
        ): str,
        password: PASSWORD_FIELD,
    }


def _server_schema(defaults: Mapping[str, Any], *, https: bool) -> dict[vol.Marker, Any]:
    """Where to connect: the gateway itself, or the DRP server in front of it."""
    return {
        vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
        vol.Optional(CONF_PORT, description={"suggested_value": defaults.get(CONF_PORT)}): _PORT,
        vol.Required(CONF_USE_HTTPS, default=defaults.get(CONF_USE_HTTPS, https)): bool,
    }


def direct_schema(defaults: Mapping[str, Any], *, stored: bool = False) -> vol.Schema:
    """Reaching the gateway itself."""
    return vol.Schema(
        {**_server_schema(defaults, https=False), **_credentials_schema(defaults, stored=stored)}
    )


def drp_schema(defaults: Mapping[str, Any], *, stored: bool = False) -> vol.Schema:
    """Reaching the gateway behind NAT through a DRP server, which the serial picks it on."""
    drp_password = vol.Optional(CONF_DRP_PASSWORD) if stored else vol.Required(CONF_DRP_PASSWORD)
    return vol.Schema(
        {
            **_server_schema(defaults, https=True),
            vol.Required(
                CONF_DRP_USERNAME, default=defaults.get(CONF_DRP_USERNAME, vol.UNDEFINED)
            ): str,
            drp_password: PASSWORD_FIELD,
            vol.Required(CONF_SERIAL, default=defaults.get(CONF_SERIAL, vol.UNDEFINED)): str,
            **_credentials_schema(defaults, stored=stored),
        }
    )


def webhook_schema(name: str, *, basic: bool) -> vol.Schema:
    """The last form: the gateway's name, and for Basic-only firmware the box accepting it."""
    schema: dict[vol.Marker, Any] = {vol.Required(CONF_NAME, default=name): selector.TextSelector()}
    if basic:
        schema[vol.Required(CONF_ACCEPT_BASIC, default=True)] = bool
    return vol.Schema(schema)
