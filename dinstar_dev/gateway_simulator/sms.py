"""How many parts an SMS takes, counted the way the gateway counts them (not the client's way)."""

from __future__ import annotations

GSM7_SINGLE, GSM7_PART = 160, 153  # septets in one SMS, and in each part of a long one
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units likewise

# GSM 03.38: the extension table takes two septets (escape + char), the rest one.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


def gsm7_septets(text: str) -> int:
    """Septets of ``text`` in GSM 7-bit; a character outside the alphabet counts as one ("?")."""
    return sum(2 if char in _GSM7_EXTENSION else 1 for char in text)


def segments(text: str, encoding: str) -> int:
    """Parts a text takes: GSM 7-bit 160/153 septets, UCS-2 70/67 code units."""
    if encoding == "gsm-7bit":
        units, single, part = gsm7_septets(text), GSM7_SINGLE, GSM7_PART
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, UCS2_SINGLE, UCS2_PART
    return 1 if units <= single else -(-units // part)
