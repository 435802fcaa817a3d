"""Phone numbers however the network writes them, in the one form they are compared in."""

from __future__ import annotations

import pytest

from aiodinstar import normalize_number, number_key


@pytest.mark.parametrize(
    ("number", "country", "key"),
    [
        ("+4917612345678", None, "+4917612345678"),
        ("+49 176 1234 5678", None, "+4917612345678"),
        ("+49 (0)176 12345678", "DE", "+4917612345678"),
        ("004917612345678", "DE", "+4917612345678"),
        ("017612345678", "DE", "+4917612345678"),
        ("0176-1234 5678", "DE", "+4917612345678"),
        ("0712345678", "RO", "+40712345678"),
        ("0040712345678", "RO", "+40712345678"),
        ("011 49 176 12345678", "US", "+4917612345678"),  # the US's own international prefix
        ("(415) 555-0123", "US", "+14155550123"),
    ],
)
def test_every_notation_gives_one_key(number: str, country: str | None, key: str) -> None:
    assert number_key(number, country) == key


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("017612345678", None),  # national: only the country tells which
        ("004917612345678", None),  # "00" is an international prefix only in some countries
        ("VODAFONE", "DE"),
        ("", "DE"),
        ("+12345", None),  # too short for any country
        ("+491", "DE"),
    ],
)
def test_what_cannot_be_read_has_no_key(number: str, country: str | None) -> None:
    assert number_key(number, country) is None


def test_numbers_lose_their_formatting() -> None:
    assert normalize_number("0040 (712) 345-678") == "+40712345678"
    assert normalize_number("+40.712/345\u00a0678") == "+40712345678"
    # A national number stays national: only number_key knows the country.
    assert normalize_number("0712 345 678") == "0712345678"
    assert normalize_number("VODAFONE") == "VODAFONE"
