"""Phone numbers however they are written: one form to compare them in.

The network writes a sender as it likes: international with or without spaces, with the
international call prefix ("0049..."), or in the national form it uses for domestic senders
("0176..."). Which prefix and which national form depend on the country, so the reading is
libphonenumber's, with the caller's country for numbers that do not say their own.
"""

from __future__ import annotations

import phonenumbers


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
