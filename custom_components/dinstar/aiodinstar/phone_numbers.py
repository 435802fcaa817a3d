"""Phone numbers however they are written: one form to compare them in.

The network writes a sender as it likes: international with or without spaces, with the
international call prefix ("0049..."), or in the national form it uses for domestic senders
("0176..."). Which prefix and which national form depend on the country, so the reading is
libphonenumber's, with the caller's country for numbers that do not say their own.
"""

from __future__ import annotations

import phonenumbers

# What people and networks put between digits; none of it is part of the number.
_FORMATTING = str.maketrans("", "", " -.()/\u00a0")


def normalize_number(number: str) -> str:
    """``number`` without spaces, dashes, dots or brackets, a leading "00" written as "+".

    For numbers that :func:`number_key` cannot read (short codes, national numbers with no
    country known), so that two spellings of one number still compare equal; it does not
    check that the number exists.
    """
    compact = number.translate(_FORMATTING)
    return "+" + compact[2:] if compact.startswith("00") else compact


def number_key(number: str, country: str | None) -> str | None:
    """``number`` in E.164 ("+4917612345678"), or ``None`` when it cannot be read as one.

    A number without its country code needs ``country`` (ISO 3166 alpha-2, such as
    ``"DE"``); without one, only international numbers ("+49...") can be read.
    """
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
