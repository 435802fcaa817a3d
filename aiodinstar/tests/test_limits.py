"""The gateway's limits on what it is sent, checked before any request."""

from __future__ import annotations

import pytest

from aiodinstar import DinstarValidationError, check_number


@pytest.mark.parametrize("number", ["+4917612345678", "10086", "1" * 24])
def test_digits_are_a_number(number: str) -> None:
    assert check_number(number) == number


@pytest.mark.parametrize(
    "number",
    [
        "",
        "+",
        "call-me",
        "+49 176",
        "١٢٣٤٥",  # Arabic-Indic digits: digits to Python, not to the gateway
        "²³",
        "1" * 25,
    ],
)
def test_anything_else_is_refused(number: str) -> None:
    with pytest.raises(DinstarValidationError, match=r"phone number|longer than 24 bytes"):
        check_number(number)
