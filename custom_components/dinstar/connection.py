"""Building a gateway client from an entry's data, on a session of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession

from .aiodinstar import AuthScheme, DinstarClient, DrpLogin, auth_middlewares
from .const import (
    CONF_AUTH_SCHEME,
    CONF_CERTIFICATE,
    CONF_DRP_PASSWORD,
    CONF_DRP_USERNAME,
    CONF_FINGERPRINT,
    CONF_SERIAL,
    CONF_USE_HTTPS,
    CertificateMode,
)

# What the client and its session are made of: a change of any of these needs new ones (a
# reload). The rest of the data (the webhook, a MAC learnt from DHCP) changes nothing here.
CONNECTION_KEYS = (
    CONF_HOST,
    CONF_PORT,
    CONF_USE_HTTPS,
    CONF_USERNAME,
    CONF_PASSWORD,
    CONF_CERTIFICATE,
    CONF_FINGERPRINT,
    CONF_AUTH_SCHEME,
    CONF_DRP_USERNAME,
    CONF_DRP_PASSWORD,
    CONF_SERIAL,
)


def connection_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an entry's data that the client and its session are built from."""
    return {key: data[key] for key in CONNECTION_KEYS if key in data}


def create_session(
    hass: HomeAssistant, data: Mapping[str, Any], *, auto_cleanup: bool = True
) -> aiohttp.ClientSession:
    """A session whose digest middleware is bound to this gateway.

    The middleware keeps per-origin state, so every entry (and every connection test in a
    flow) gets its own session; Home Assistant's own redirect guard stays in front of it.
    """
    return async_create_clientsession(
        hass,
        auto_cleanup=auto_cleanup,
        middlewares=auth_middlewares(data[CONF_USERNAME], data[CONF_PASSWORD]),
    )


def create_client(session: aiohttp.ClientSession, data: Mapping[str, Any]) -> DinstarClient:
    """The client for an entry's (or a flow's) data.

    Data without a scheme is a gateway being set up: the client learns it from the answer.
    """
    drp = None
    if data.get(CONF_DRP_USERNAME):
        drp = DrpLogin(data[CONF_DRP_USERNAME], data[CONF_DRP_PASSWORD], data[CONF_SERIAL])
    pinned = data.get(CONF_CERTIFICATE) == CertificateMode.PIN
    return DinstarClient(
        session,
        data[CONF_HOST],
        port=data.get(CONF_PORT),
        use_https=data.get(CONF_USE_HTTPS, False),
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        fingerprint=data.get(CONF_FINGERPRINT) if pinned else None,
        drp=drp,
        auth_scheme=AuthScheme(data[CONF_AUTH_SCHEME]) if CONF_AUTH_SCHEME in data else None,
    )
