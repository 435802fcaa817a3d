"""Logbook lines for the gateway's events, in words.

Received SMS, USSD replies and SIM registrations are not described: the port's "Last SMS",
"Last USSD reply" and "Registration" sensors already write one line each, naming the port's
device (gateway and port) and what happened. A second line for the same thing is noise.
Nor is a queued SMS: the line of its outcome (sent or failed) follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .bus_events import (
    EVENT_ASSIST_EXCHANGE,
    EVENT_ASSIST_LIMIT,
    EVENT_CALL_RECORD,
    EVENT_DEVICE_POWER,
    EVENT_LOW_BALANCE,
    EVENT_PORT_EXCEPTION,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FINAL,
    EVENT_SMS_SENT,
)
from .const import DOMAIN
from .failover.report import logbook_line

# Each event's line and its icon: without one the logbook shows an empty space.
_LINES: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    EVENT_SMS_SENT: lambda d: (
        (f"sent an SMS to {d.get('number')} on port {d.get('port')}", "mdi:message-arrow-right")
        if d.get("outcome") == "sent"
        else (f"failed to send an SMS to {d.get('number')}", "mdi:message-alert")
    ),
    EVENT_SMS_DELIVERY: lambda d: (
        (f"delivered an SMS to {d.get('number')}", "mdi:message-check")
        if d.get("delivered")
        else (
            f"could not deliver an SMS to {d.get('number')} (status {d.get('status_code')})",
            "mdi:message-alert-outline",
        )
    ),
    EVENT_SMS_FINAL: lambda d: (
        logbook_line(d),
        "mdi:message-fast" if d.get("outcome") == "sent" else "mdi:message-alert",
    ),
    EVENT_CALL_RECORD: lambda d: (
        f"recorded a {d.get('duration')} s call from {d.get('caller')} to {d.get('callee')}",
        "mdi:phone-log",
    ),
    EVENT_DEVICE_POWER: lambda d: (
        ("powered on", "mdi:power")
        if d.get("status") == "power_on"
        else ("is powering off", "mdi:power-off")
    ),
    EVENT_PORT_EXCEPTION: lambda d: (
        f"handled a {d.get('type')} on port {d.get('port')} ({d.get('action')})",
        "mdi:alert-circle-outline",
    ),
    EVENT_LOW_BALANCE: lambda d: (
        f"reported a low balance on port {d.get('port')}: {d.get('balance')} {d.get('currency')}",
        "mdi:cash-minus",
    ),
    # Assist's own icon (the conversation integration's), and the same crossed out.
    EVENT_ASSIST_EXCHANGE: lambda d: (
        f"answered {d.get('contact') or d.get('sender')} by SMS with Assist on port {d.get('port')}",
        "mdi:forum-outline",
    ),
    EVENT_ASSIST_LIMIT: lambda d: (
        f"did not answer {d.get('sender')} with Assist: {d.get('limit')}",
        "mdi:comment-off-outline",
    ),
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe each event the integration fires."""

    @callback
    def describe(event: Event) -> dict[str, str]:
        # Named after the gateway the user named, so that two gateways' lines differ.
        entry = hass.config_entries.async_get_entry(str(event.data.get("config_entry_id")))
        message, icon = _LINES[str(event.event_type)](dict(event.data))
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry is not None else "Dinstar",
            LOGBOOK_ENTRY_MESSAGE: message,
            LOGBOOK_ENTRY_ICON: icon,
        }

    for event_type in _LINES:
        async_describe_event(DOMAIN, event_type, describe)
