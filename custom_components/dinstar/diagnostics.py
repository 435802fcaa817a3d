"""Diagnostics: the entry and the latest refresh, with everything personal redacted."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_NAME, CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import CONF_DRP_PASSWORD, CONF_DRP_USERNAME, CONF_FINGERPRINT, CONF_MAC, CONF_SERIAL
from .failover.pool import async_pool
from .runtime import DinstarConfigEntry
from .subentries import CONF_PIN, contacts

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_DRP_PASSWORD,
    CONF_DRP_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_SERIAL,
    CONF_MAC,
    CONF_FINGERPRINT,
    "serial",
    "unique_id",
    "imei",
    "imsi",
    "iccid",
    "number",
    "smsc",
    "call_forwarding",
    "text",
    CONF_NAME,
    CONF_PIN,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DinstarConfigEntry
) -> dict[str, Any]:
    """What support needs to see, and nothing that identifies a person or a SIM."""
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    pool = async_pool(hass)
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "gateway": {
                "serial": data.serial,
                "port_count": len(data.ports),
                "ports_shown": sorted(runtime.ports.visible),
                "status": asdict(data.status),
                "sms_in_queue": data.sms_in_queue,
                "last_push": _time(runtime.push.last_push),
            },
            "pushes": {
                "sms_pushes": runtime.inbox.pushes.value,
                "last_confirmed": _time(runtime.messaging.audit.last_confirmed),
                "unconfirmed": runtime.messaging.audit.unconfirmed,
            },
            "ports": [asdict(info) for _, info in sorted(data.ports.items())],
            # Why an alarm went where it went: the messages the pool still sees out that may go
            # from this gateway, each attempt with its port, outcome and reason (the number and
            # the text redacted), and today's counts.
            "failover": {
                "failed_over_today": pool.failovers_today(entry.entry_id),
                "contacts_failed_over_today": {
                    subentry_id: pool.contact_failovers_today(subentry_id)
                    for subentry_id in contacts(entry)
                },
                "messages": [intent.as_dict() for intent in pool.intents_of(entry.entry_id)],
            },
            # What was set up on the gateway: a contact's name and number, and the PIN, are
            # redacted; the rest (ports, limits, choices) is what support asks about.
            "subentries": [
                {
                    "subentry_id": subentry.subentry_id,
                    "subentry_type": subentry.subentry_type,
                    "data": dict(subentry.data),
                }
                for subentry in entry.subentries.values()
            ],
        },
        TO_REDACT,
    )


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
