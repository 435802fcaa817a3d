"""What the failover pool had stored when Home Assistant stopped: messages with an attempt out.

Written into ``hass_storage`` before the entries are set up, as a restart finds them.
"""

from __future__ import annotations

import time
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import storage_key
from custom_components.dinstar.failover.store import STORAGE_KEY

NUMBER = "+4917612345678"


def pending_attempt(entry: MockConfigEntry, port: int, user_id: int) -> dict[str, Any]:
    """An attempt whose request left (or was about to) a minute before the stop."""
    return {
        "entry_id": entry.entry_id,
        "gateway": entry.title,
        "port": port,
        "user_id": user_id,
        "at": time.time() - 60,
        "outcome": "pending",
        "reason": None,
        "parts": 1,
        "delivered": None,
    }


def intent(
    intent_id: str, entries: list[MockConfigEntry], attempts: list[dict[str, Any]]
) -> dict[str, Any]:
    """An alarm to ``NUMBER`` that may go from ``entries``, with its attempts so far."""
    return {
        "intent_id": intent_id,
        "number": NUMBER,
        "text": "Alarm",
        "encoding": "GSM_7BIT",
        "status_report": False,
        "members": [[entry.entry_id, []] for entry in entries],
        "max_attempts": 3,
        "confirm_within": 120,
        "created": time.time() - 60,
        "preferred": None,
        "attempts": attempts,
        "final": None,
        "both_went_told": False,
    }


def store_intents(
    hass_storage: dict[str, Any],
    *intents: dict[str, Any],
    counts: dict[str, Any] | None = None,
) -> None:
    """The pool's store holding ``intents`` and ``counts`` (none counted by default)."""
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {
            "intents": list(intents),
            "counts": {"day": "", "by_gateway": {}} if counts is None else counts,
        },
    }


def next_user_id(hass_storage: dict[str, Any], entry: MockConfigEntry, user_id: int) -> None:
    """The gateway's next free user_id, as its entry stored it (those before it are taken)."""
    key = storage_key(entry.entry_id, "user_ids")
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {"next": user_id}}
