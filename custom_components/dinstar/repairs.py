"""Repair issues: the factory password, a push URL that never hears from the gateway, SIMs."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components import webhook
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import CONF_INCOMING_MODE, DEFAULT_PASSWORD, DOMAIN, PUSH_SILENCE_LIMIT, IncomingMode
from .sim.health import Problem

_KINDS = (
    "default_password",
    "no_push",
    "certificate_changed",
    "sim_problems",
    "assist_no_pin",
    "assist_pin_needed",
    "assist_sender_locked",
    "assist_paused",
    "inbox_renumbered",
)


def _issue_id(entry: ConfigEntry, kind: str) -> str:
    return f"{kind}_{entry.entry_id}"


@callback
def async_delete_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A deleted gateway's issues go with it."""
    for kind in _KINDS:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(entry, kind))


@callback
def _async_set_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    kind: str,
    severity: ir.IssueSeverity,
    placeholders: dict[str, str] | None,
) -> None:
    """Raise the entry's issue of this kind with ``placeholders``, or clear it (``None``)."""
    issue_id = _issue_id(entry, kind)
    if placeholders is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=severity,
        translation_key=kind,
        translation_placeholders={"name": entry.title, **placeholders},
    )


@callback
def async_set_certificate_changed(
    hass: HomeAssistant, entry: ConfigEntry, *, changed: bool
) -> None:
    """The pinned certificate is no longer the gateway's: only the user can trust a new one."""
    _async_set_issue(
        hass, entry, "certificate_changed", ir.IssueSeverity.ERROR, {} if changed else None
    )


@callback
def async_check_default_password(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise an issue while the gateway still uses its factory password."""
    factory = entry.data.get(CONF_PASSWORD) == DEFAULT_PASSWORD
    _async_set_issue(
        hass, entry, "default_password", ir.IssueSeverity.WARNING, {} if factory else None
    )


@callback
def async_check_push_silence(
    hass: HomeAssistant, entry: ConfigEntry, heard: datetime, *, missing: bool
) -> None:
    """Raise an issue when pushes are expected and do not arrive.

    Either SMS came that no push announced (``missing``: said at once), or no push was
    confirmed for a day since ``heard``.
    """
    mode = entry.options.get(CONF_INCOMING_MODE, IncomingMode.PUSH)
    silent = mode != IncomingMode.POLLING and (
        missing or dt_util.utcnow() - heard > PUSH_SILENCE_LIMIT
    )
    placeholders = (
        {
            "url": webhook.async_generate_url(
                hass, entry.data[CONF_WEBHOOK_ID], prefer_external=False
            )
        }
        if silent
        else None
    )
    _async_set_issue(hass, entry, "no_push", ir.IssueSeverity.WARNING, placeholders)


@callback
def async_set_sim_problems(
    hass: HomeAssistant, entry: ConfigEntry, problems: dict[int, set[Problem]]
) -> None:
    """One issue for the gateway's SIMs: for each problem, the ports that have it ("-": none)."""
    placeholders = {
        problem.value: ", ".join(str(port) for port, found in problems.items() if problem in found)
        or "-"
        for problem in Problem
    }
    _async_set_issue(
        hass, entry, "sim_problems", ir.IssueSeverity.WARNING, placeholders if problems else None
    )


@callback
def async_raise_inbox_renumbered(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Tell once that the gateway's SMS ids started again (a reset): nothing else can."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry, "inbox_renumbered"),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="inbox_renumbered",
        translation_placeholders={"name": entry.title},
    )


@callback
def async_set_assist_pin_issue(hass: HomeAssistant, entry: ConfigEntry, kind: str | None) -> None:
    """Raise the issue of Assist by SMS's PIN of this ``kind``, or clear both (``None``).

    ``assist_no_pin``: it answers without a PIN, and says what that exposes;
    ``assist_pin_needed``: it is off for want of a PIN or of that explicit choice.
    """
    _async_set_issue(
        hass,
        entry,
        "assist_no_pin",
        ir.IssueSeverity.WARNING,
        {} if kind == "assist_no_pin" else None,
    )
    _async_set_issue(
        hass,
        entry,
        "assist_pin_needed",
        ir.IssueSeverity.ERROR,
        {} if kind == "assist_pin_needed" else None,
    )


@callback
def async_raise_assist_sender_locked(
    hass: HomeAssistant, entry: ConfigEntry, sender: str, until: str
) -> None:
    """A number sent too many wrong PINs: someone may be guessing it, to acknowledge."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry, "assist_sender_locked"),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="assist_sender_locked",
        translation_placeholders={"name": entry.title, "sender": sender, "until": until},
    )


@callback
def async_raise_assist_paused(hass: HomeAssistant, entry: ConfigEntry, until: str) -> None:
    """Too many wrong PINs from any number: Assist by SMS pauses, to acknowledge."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry, "assist_paused"),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="assist_paused",
        translation_placeholders={"name": entry.title, "until": until},
    )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Acknowledging is all the fixable issues (a renumbered inbox, a lockout) take."""
    return ConfirmRepairFlow()
