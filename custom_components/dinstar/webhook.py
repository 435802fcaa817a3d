"""The webhook the gateway pushes to (its "push" settings point here), and who hears what."""

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

from .aiodinstar import (
    DeliveryReportEvent,
    DeviceEvent,
    DevicePowerStatus,
    DinstarPushError,
    PushEvent,
    RegisterEvent,
    SmsReceivedEvent,
    SmsResultEvent,
    UssdEvent,
    parse_push,
)
from .bus_events import FireEvent, event_for
from .const import CONF_DRP_USERNAME, CONF_WEBHOOK_LOCAL_ONLY, DOMAIN, LOGGER
from .coordinator import DinstarCoordinator
from .inbox_sync import InboxSync
from .outbox_sync import OutboxSync
from .recent_keys import RecentKeys
from .repairs import async_check_push_silence
from .ussd import UssdSessions

MAX_PUSH_BYTES = 256 * 1024
# Serials refused lately, each logged once; bounded, since a forger can send any number.
REFUSED_SERIALS = 64
_REFRESHING_EVENTS = (RegisterEvent, DeviceEvent)


class PushReceiver:
    """Takes the gateway's pushes on the entry's webhook and hands each event to its owner.

    Received SMS go to the inbox, sending results and delivery reports to the outbox, USSD
    replies to the USSD sessions, power changes to the coordinator; every kind but the SMS
    ones is fired on the bus as it comes.
    """

    def __init__(  # noqa: PLR0913 - the owners it hands events to
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        coordinator: DinstarCoordinator,
        inbox: InboxSync,
        outbox: OutboxSync,
        ussd: UssdSessions,
        fire: FireEvent,
        pushed_state: Debouncer[None],
    ) -> None:
        """Nothing is heard until :meth:`async_register`."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._inbox = inbox
        self._outbox = outbox
        self._ussd = ussd
        self._fire = fire
        # Pushes change only the push-fed gateway sensors (last push, SMS counters); they are
        # written at most once a second, not every entity on every push.
        self._pushed_state = pushed_state
        self._refused: RecentKeys[str] = RecentKeys(REFUSED_SERIALS)
        self.last_push: datetime | None = None
        # A gateway that never pushed is silent since pushes were first expected.
        self.watching_since = dt_util.utcnow()

    @callback
    def async_register(self) -> None:
        """Listen on the entry's webhook (POST only) until the entry unloads.

        Only the local network reaches it, unless the options open it to the internet (the
        default for a gateway reached through a DRP server, which may push from elsewhere).
        """
        webhook_id: str = self._entry.data[CONF_WEBHOOK_ID]
        webhook.async_register(
            self._hass,
            DOMAIN,
            self._entry.title,
            webhook_id,
            self._async_handle,
            local_only=webhook_local_only(self._entry),
            allowed_methods=["POST"],
        )
        self._entry.async_on_unload(lambda: webhook.async_unregister(self._hass, webhook_id))

    @callback
    def async_check_silence(self) -> None:
        """Raise the repair issue when pushes are expected and none came for a day."""
        async_check_push_silence(self._hass, self._entry, self.last_push or self.watching_since)

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
            LOGGER.debug("Refused a push that is not the gateway's: %s", err)  # pragma: no mutate
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
            LOGGER.debug(  # pragma: no mutate
                "Push: %s",  # pragma: no mutate
                ", ".join(type(event).__name__ for event in batch.events),  # pragma: no mutate
            )
        for event in batch.events:
            self._dispatch(event)
        self._inbox.async_pushed(
            sorted(
                (event.sms for event in batch.events if isinstance(event, SmsReceivedEvent)),
                key=lambda sms: sms.incoming_sms_id,
            )
        )
        if any(isinstance(event, _REFRESHING_EVENTS) for event in batch.events):
            # The gateway waits for the answer: it gets it now, the refresh (debounced) follows.
            self._entry.async_create_background_task(
                self._hass,
                self._coordinator.async_request_refresh(),
                "dinstar pushed refresh",  # pragma: no mutate
            )
        self._pushed_state.async_schedule_call()
        return web.Response()

    @callback
    def _dispatch(self, event: PushEvent) -> None:
        match event:
            case SmsReceivedEvent():
                pass  # the inbox takes a batch's messages together, in id order
            case SmsResultEvent(result=result):
                self._outbox.async_result(result, pushed=True)
            case DeliveryReportEvent(report=report):
                self._outbox.async_report(report, pushed=True)
            case DeviceEvent():
                # Its MAC is not learned: anyone with the URL can push one (DHCP tells it).
                self._fire(*event_for(event))
                if event.status is DevicePowerStatus.POWER_OFF:
                    self._coordinator.async_set_powered(False)
                elif event.status is DevicePowerStatus.POWER_ON:
                    self._coordinator.async_set_powered(True)
                    # Pushes made while it restarted may be lost: read what came meanwhile.
                    self._entry.async_create_background_task(
                        self._hass,
                        self._inbox.async_catch_up(),
                        "dinstar inbox catch-up",  # pragma: no mutate
                    )
            case UssdEvent(reply=reply):
                self._fire(*event_for(event))
                self._ussd.async_pushed(reply)
            case _:
                self._fire(*event_for(event))


def webhook_local_only(entry: ConfigEntry) -> bool:
    """Whether only the local network may push: by default unless reached through DRP."""
    return bool(entry.options.get(CONF_WEBHOOK_LOCAL_ONLY, CONF_DRP_USERNAME not in entry.data))
