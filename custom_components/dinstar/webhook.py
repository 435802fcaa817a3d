"""The webhook the gateway pushes to (its "push" settings point here)."""

from __future__ import annotations

from http import HTTPStatus
import logging
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, format_mac
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JSON_DECODE_EXCEPTIONS, json_loads

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
from .const import CONF_MAC, DOMAIN, LOGGER
from .coordinator import DinstarConfigEntry
from .events import async_fire, event_for

MAX_PUSH_BYTES = 256 * 1024
_REFRESHING_EVENTS = (RegisterEvent, DeviceEvent)


@callback
def async_register_webhook(hass: HomeAssistant, entry: DinstarConfigEntry) -> None:
    """Listen on the entry's webhook (POST only) until the entry unloads."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        webhook_id,
        _handler(entry),
        allowed_methods=["POST"],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))


def _handler(entry: DinstarConfigEntry) -> webhook.HandlerType:
    refused: set[str] = set()

    async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        if (request.content_length or 0) > MAX_PUSH_BYTES:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = await request.content.read(MAX_PUSH_BYTES + 1)
        if len(body) > MAX_PUSH_BYTES:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            batch = parse_push(_strict_object(body))
        except DinstarPushError as err:
            LOGGER.debug("Refused a push that is not the gateway's: %s", err)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if batch.sn != entry.unique_id:
            if batch.sn not in refused:
                refused.add(batch.sn)
                LOGGER.warning(
                    "Refused a push from gateway %s on the webhook of %s", batch.sn, entry.title
                )
            return web.Response(status=HTTPStatus.FORBIDDEN)
        runtime = entry.runtime_data
        runtime.last_push = dt_util.utcnow()
        if LOGGER.isEnabledFor(logging.DEBUG):
            LOGGER.debug("Push: %s", ", ".join(type(event).__name__ for event in batch.events))
        refresh = False
        for event in batch.events:
            _dispatch(hass, entry, event)
            refresh = refresh or isinstance(event, _REFRESHING_EVENTS)
        if refresh:
            await runtime.coordinator.async_request_refresh()
        runtime.pushed_state.async_schedule_call()
        return web.Response(status=HTTPStatus.OK)

    return handle


def _strict_object(body: bytes) -> bytes | dict[str, Any]:
    """The body as an object when it is strict JSON, which decodes faster; else as it came.

    Anything else (the gateway's malformed JSON, or JSON that is no object) is left to
    parse_push's lenient decoder, which accepts or refuses it as always.
    """
    try:
        value = json_loads(body)
    except JSON_DECODE_EXCEPTIONS:
        return body
    return value if isinstance(value, dict) else body


@callback
def _dispatch(hass: HomeAssistant, entry: DinstarConfigEntry, event: PushEvent) -> None:
    """Hand one pushed item to whoever owns its kind."""
    runtime = entry.runtime_data
    match event:
        case SmsReceivedEvent(sms=sms):
            runtime.inbox.async_pushed(sms)
        case SmsResultEvent(result=result):
            runtime.outbox.async_result(result)
        case DeliveryReportEvent(report=report):
            runtime.outbox.async_report(report)
        case DeviceEvent():
            async_fire(hass, entry, *event_for(event))
            if event.mac:
                _async_learn_mac(hass, entry, format_mac(event.mac.replace("-", ":")))
            if event.status is DevicePowerStatus.POWER_OFF:
                runtime.coordinator.async_set_powered(False)
            elif event.status is DevicePowerStatus.POWER_ON:
                runtime.coordinator.async_set_powered(True)
                # Pushes made while it restarted may be lost: read what came meanwhile.
                entry.async_create_background_task(
                    hass, runtime.inbox.async_catch_up(), "dinstar inbox catch-up"
                )
        case UssdEvent(reply=reply):
            async_fire(hass, entry, *event_for(event))
            if (waiter := runtime.ussd_waiters.get(reply.port)) and not waiter.done():
                waiter.set_result(reply.text)
        case _:
            async_fire(hass, entry, *event_for(event))


@callback
def _async_learn_mac(hass: HomeAssistant, entry: DinstarConfigEntry, mac: str) -> None:
    """The API tells the MAC only in device pushes: keep it for DHCP and the device."""
    if entry.data.get(CONF_MAC) == mac:
        return
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_MAC: mac})
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, entry.unique_id or ""), entry.entry_id
    )
    if device is not None:
        registry.async_update_device(
            device.id, new_connections=device.connections | {(CONNECTION_NETWORK_MAC, mac)}
        )
