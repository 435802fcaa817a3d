"""How Assist by SMS's subentry is read: whether it is there, and how it is protected.

Apart from the flow that writes it, so the received SMS events (which mask the PIN) and the
responder read it without importing either.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry

from custom_components.dinstar.subentries import CONF_NO_PIN, CONF_PIN, SUBENTRY_ASSIST

MIN_PIN_LENGTH: Final = 6


class PinChoice(StrEnum):
    """How Assist by SMS is protected: a PIN, or the user's choice to go without one."""

    PIN = "pin"
    NO_PIN = "no_pin"
    # Neither (a PIN too short, or none, from before they were required): Assist stays off.
    NEEDED = "needed"


def assist_options(entry: ConfigEntry) -> Mapping[str, Any] | None:
    """The entry's Assist by SMS subentry data, or ``None`` when it has none."""
    return next(
        (
            subentry.data
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_ASSIST
        ),
        None,
    )


def pin_choice(options: Mapping[str, Any]) -> PinChoice:
    """Whether Assist by SMS has a PIN long enough, the explicit "no PIN", or neither."""
    pin: str = options.get(CONF_PIN) or ""
    if len(pin) >= MIN_PIN_LENGTH:
        return PinChoice.PIN
    if not pin and options.get(CONF_NO_PIN):
        return PinChoice.NO_PIN
    return PinChoice.NEEDED


def assist_pin(entry: ConfigEntry) -> str | None:
    """The PIN of the entry's Assist by SMS, whatever its length: it is masked wherever shown."""
    options = assist_options(entry)
    return None if options is None else options.get(CONF_PIN) or None
