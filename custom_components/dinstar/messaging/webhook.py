"""The webhook the gateway pushes to (its "push" settings point here).

It answers at once and hands what the push announces to the messaging path, which reads it
back from the gateway before acting (pushes carry no signature: see readback.py).
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.util import dt as dt_util

from custom_components.dinstar.aiodinstar import DinstarPushError, parse_push
from custom_components.dinstar.const import (
    CONF_DRP_USERNAME,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    LOGGER,
)

from .readback import Messaging
from .recent_keys import RecentKeys

MAX_PUSH_BYTES = 256 * 1024
# Serials refused lately, each logged once; bounded, since a forger can send any number.
REFUSED_SERIALS = 64


class PushReceiver:
    """Takes the gateway's pushes on the entry's webhook and rings the messaging path."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        messaging: Messaging,
        pushed_state: Debouncer[None],
    ) -> None:
        """Nothing is heard until :meth:`async_register`."""
        self._hass = hass
        self._entry = entry
        self._messaging = messaging
        # Pushes change only the push-fed gateway sensors (last push, SMS counters); they are
        # written at most once a second, not every entity on every push.
        self._pushed_state = pushed_state
        self._refused: RecentKeys[str] = RecentKeys(REFUSED_SERIALS)
        # When a push carrying the entry's serial last came (anyone can write one: this only
        # feeds the diagnostic "Last push" sensor).
        self.last_push: datetime | None = None
        # Whether only the local network may push, as the webhook is (or will be) registered.
        self._local_only = webhook_local_only(entry)

    @callback
    def async_register(self) -> None:
        """Listen on the entry's webhook (POST only) until the entry unloads.

        Only the local network reaches it, unless the options open it to the internet (the
        default for a gateway reached through a DRP server, which may push from elsewhere).
        """
        webhook_id: str = self._entry.data[CONF_WEBHOOK_ID]
        self._async_listen()
        self._entry.async_on_unload(lambda: webhook.async_unregister(self._hass, webhook_id))

    @callback
    def async_follow_options(self) -> None:
        """Listen again if the options changed who may push; the URL stays the same."""
        if (local_only := webhook_local_only(self._entry)) != self._local_only:
            webhook.async_unregister(self._hass, self._entry.data[CONF_WEBHOOK_ID])
            self._local_only = local_only
            self._async_listen()

    @callback
    def _async_listen(self) -> None:
        webhook.async_register(
            self._hass,
            DOMAIN,
            self._entry.title,
            self._entry.data[CONF_WEBHOOK_ID],
            self._async_handle,
            local_only=self._local_only,
            allowed_methods=["POST"],
        )

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_PUSH_BYTES:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # The body may come in several TCP writes (or chunks): read it to its end, or until it
        # passes the cap (an endless chunked body is not waited for).
        body = bytearray()
        async for chunk in request.content.iter_any():
            body += chunk
            if len(body) > MAX_PUSH_BYTES:
                return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            batch = parse_push(bytes(body))
        except DinstarPushError as err:
            LOGGER.debug("Refused a push that is not the gateway's: %s", err)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if batch.sn != self._entry.unique_id:
            if batch.sn not in self._refused:
                LOGGER.warning(
                    "Refused a push from gateway %s on the webhook of %s",
                    batch.sn,
                    self._entry.title,
                )
            self._refused.add(batch.sn)
            return web.Response(status=HTTPStatus.FORBIDDEN)
        self.last_push = dt_util.utcnow()
        if LOGGER.isEnabledFor(logging.DEBUG):
            LOGGER.debug("Push: %s", ", ".join(type(event).__name__ for event in batch.events))
        self._messaging.async_ring(batch.events, request.remote)
        self._pushed_state.async_schedule_call()
        return web.Response()


def webhook_local_only(entry: ConfigEntry) -> bool:
    """Whether only the local network may push: by default unless reached through DRP."""
    return bool(entry.options.get(CONF_WEBHOOK_LOCAL_ONLY, CONF_DRP_USERNAME not in entry.data))
