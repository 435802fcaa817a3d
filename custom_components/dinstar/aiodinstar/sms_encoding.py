"""Choosing an SMS encoding and counting the parts a text takes.

GSM 03.38 (with its extension table, whose characters take two septets) decides whether a
text can go as ``gsm-7bit``; anything else goes as ``unicode`` (UCS-2, where characters
outside the basic plane take two code units).
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import SmsEncoding

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM_SINGLE = 160
_GSM_PART = 153
_UCS2_SINGLE = 70
_UCS2_PART = 67


@dataclass(frozen=True, slots=True)
class SmsPlan:
    """How a text goes out: its encoding, its length in that encoding's units, its parts."""

    encoding: SmsEncoding
    units: int
    parts: int


def fits_gsm_7bit(text: str) -> bool:
    """Every character is in the GSM 03.38 alphabet or its extension table."""
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def plan_sms(text: str, encoding: SmsEncoding | None = None) -> SmsPlan:
    """Pick the encoding (unless forced) and count the parts of ``text``.

    A forced ``gsm-7bit`` on a text outside the alphabet is counted as if every unknown
    character took one septet: the gateway replaces them, so the count stays honest.
    """
    if encoding is None:
        encoding = SmsEncoding.GSM_7BIT if fits_gsm_7bit(text) else SmsEncoding.UNICODE
    if encoding is SmsEncoding.GSM_7BIT:
        units = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        single, part = _GSM_SINGLE, _GSM_PART
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = _UCS2_SINGLE, _UCS2_PART
    parts = 1 if units <= single else -(-units // part)
    return SmsPlan(encoding=encoding, units=units, parts=parts)
