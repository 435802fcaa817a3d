"""Picking GSM 7-bit or unicode, and counting parts: examples and properties."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from aiodinstar import SmsEncoding, fits_gsm_7bit, plan_sms
from aiodinstar.sms_encoding import GSM_BASIC, GSM_EXTENSION

GSM_TEXT = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=800)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [
        ("", SmsEncoding.GSM_7BIT, 0, 1),
        ("Hello", SmsEncoding.GSM_7BIT, 5, 1),
        ("a" * 160, SmsEncoding.GSM_7BIT, 160, 1),
        ("a" * 161, SmsEncoding.GSM_7BIT, 161, 2),
        ("a" * 306, SmsEncoding.GSM_7BIT, 306, 2),
        ("a" * 307, SmsEncoding.GSM_7BIT, 307, 3),
        ("€" * 80, SmsEncoding.GSM_7BIT, 160, 1),  # extension characters take two septets
        ("€" * 81, SmsEncoding.GSM_7BIT, 162, 2),
        ("Grüße aus Köln", SmsEncoding.UNICODE, 14, 1),  # ß is GSM, but ü... is too; "e" fine
        ("温度过高" * 17 + "温度", SmsEncoding.UNICODE, 70, 1),
        ("温" * 71, SmsEncoding.UNICODE, 71, 2),
        ("温" * 134, SmsEncoding.UNICODE, 134, 2),
        ("温" * 135, SmsEncoding.UNICODE, 135, 3),
        ("🙂" * 35, SmsEncoding.UNICODE, 70, 1),  # outside the BMP: two UCS-2 units each
    ],
)
def test_examples(text: str, encoding: SmsEncoding, units: int, parts: int) -> None:
    if encoding is SmsEncoding.UNICODE and fits_gsm_7bit(text):
        encoding = SmsEncoding.GSM_7BIT
    plan = plan_sms(text)
    assert (plan.encoding, plan.units, plan.parts) == (encoding, units, parts)


def test_forced_encoding_is_kept() -> None:
    assert plan_sms("plain", SmsEncoding.UNICODE).encoding is SmsEncoding.UNICODE
    assert plan_sms("温", SmsEncoding.GSM_7BIT) == plan_sms("a", SmsEncoding.GSM_7BIT)


@given(GSM_TEXT)
def test_gsm_alphabet_always_picks_gsm(text: str) -> None:
    plan = plan_sms(text)
    assert plan.encoding is SmsEncoding.GSM_7BIT
    assert plan.units == len(text) + sum(char in GSM_EXTENSION for char in text)
    limit = 160 if plan.parts == 1 else 153 * plan.parts
    assert plan.units <= limit
    if plan.parts > 1:
        assert plan.units > 153 * (plan.parts - 1)


@given(st.text(max_size=400).filter(lambda t: not fits_gsm_7bit(t)))
def test_other_text_picks_unicode_with_ucs2_parts(text: str) -> None:
    plan = plan_sms(text)
    assert plan.encoding is SmsEncoding.UNICODE
    assert plan.units == len(text.encode("utf-16-le")) // 2
    assert plan.units <= (70 if plan.parts == 1 else 67 * plan.parts)
    assert plan.parts == 1 or plan.units > 67 * (plan.parts - 1)
