"""The spec's limits, checked before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .errors import DinstarValidationError

MAX_NUMBER_BYTES = 24
MAX_TEXT_BYTES = 1500
MAX_USSD_BYTES = 60
MAX_PORT = 31
MAX_RECIPIENTS_PER_REQUEST = 128
MAX_NUMBERS_PER_QUERY = 32
MAX_FILE_ID = 31
MAX_SLOT = 3
# The spec says only "an integer greater than or equal to 0"; the gateway's firmware is C, where
# a larger id would wrap around in an int and match another message's.
MAX_USER_ID = 2**31 - 1
# A SIM Toolkit item identifier is one byte, 1 to 255 (ETSI TS 102 223, "Item").
MAX_STK_ITEM = 255


def check_port(port: int) -> int:
    """A port is 0 to 31."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= MAX_PORT:
        raise DinstarValidationError(f"port {port!r} is not between 0 and {MAX_PORT}")
    return port


def check_ports(ports: Iterable[int]) -> list[int]:
    """Every port is 0 to 31; order kept, duplicates dropped."""
    return list(dict.fromkeys(check_port(port) for port in ports))


def check_number(number: str) -> str:
    """A number is digits (an international ``+`` allowed first), at most 24 bytes."""
    digits = number.removeprefix("+")
    if not digits or not digits.isascii() or not digits.isdigit():
        raise DinstarValidationError(f"{number!r} is not a phone number (digits only)")
    if len(number.encode()) > MAX_NUMBER_BYTES:
        raise DinstarValidationError(f"{number!r} is longer than {MAX_NUMBER_BYTES} bytes")
    return number


def check_text(text: str, limit: int = MAX_TEXT_BYTES, what: str = "text") -> str:
    """A text fits the gateway's byte limit (UTF-8, as it goes in the JSON body)."""
    size = len(text.encode())
    if size > limit:
        raise DinstarValidationError(f"{what} is {size} bytes, over the limit of {limit}")
    return text


def check_range(value: int, low: int, high: int, what: str) -> int:
    """An integer parameter within the spec's range."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DinstarValidationError(f"{what} {value!r} is not between {low} and {high}")
    return value


def chunked[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into runs of at most ``size``."""
    return [items[start : start + size] for start in range(0, len(items), size)]
