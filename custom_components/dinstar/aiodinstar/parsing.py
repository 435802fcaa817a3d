"""Typed readers for the loosely typed values in the gateway's JSON.

The gateway mixes strings and numbers for the same field ("1000.00", "2", 2), so every reader
accepts both and raises :class:`DinstarResponseError` for anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import DinstarResponseError

GATEWAY_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# Values a gateway writes where it means "nothing" (an absent SIM's ICCID, for one).
_NO_VALUE = {"", "<NULL>", "NULL", "null"}


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """Return ``value`` as a JSON object or fail."""
    if not isinstance(value, Mapping):
        raise DinstarResponseError(f"{what}: expected an object, got {type(value).__name__}")
    return value


def as_list(value: Any, what: str) -> list[Any]:
    """Return ``value`` as a JSON array (absent counts as empty) or fail."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise DinstarResponseError(f"{what}: expected an array, got {type(value).__name__}")
    return value


def as_int(value: Any, what: str) -> int:
    """Read an integer written as a number or a string."""
    if isinstance(value, bool):
        raise DinstarResponseError(f"{what}: expected an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise DinstarResponseError(f"{what}: expected an integer, got {value!r}")


def opt_int(value: Any, what: str) -> int | None:
    """Read an optional integer; absent or empty is ``None``."""
    if value is None or (isinstance(value, str) and value.strip() in _NO_VALUE):
        return None
    return as_int(value, what)


def opt_float(value: Any, what: str) -> float | None:
    """Read an optional decimal such as a credit written as ``"1000.00"``."""
    if value is None or (isinstance(value, str) and value.strip() in _NO_VALUE):
        return None
    if isinstance(value, bool):
        raise DinstarResponseError(f"{what}: expected a number, got a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise DinstarResponseError(f"{what}: expected a number, got {value!r}")


def as_str(value: Any, what: str) -> str:
    """Read a string; numbers are accepted and written out, absent is empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise DinstarResponseError(f"{what}: expected a string, got {value!r}")


def opt_str(value: Any, what: str) -> str | None:
    """Read a string where the gateway's "no value" markers become ``None``."""
    text = as_str(value, what)
    return None if text.strip() in _NO_VALUE else text


def opt_time(value: Any, what: str) -> datetime | None:
    """Read the gateway's local, zone-less ``YYYY-MM-DD HH:MM:SS``; unparseable is ``None``."""
    text = as_str(value, what).strip()
    if len(text) != len("YYYY-MM-DD HH:MM:SS"):
        return None
    try:
        # fromisoformat reads "YYYY-MM-DD HH:MM:SS" ten times faster than strptime; the
        # gateway sends no zone, so the result is naive like its clock.
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def format_time(value: datetime) -> str:
    """Write a time the way the gateway's filters expect it."""
    return value.strftime(GATEWAY_TIME_FORMAT)


def extra_fields(item: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """Keep the fields a newer firmware may add, so nothing is silently lost."""
    return {key: value for key, value in item.items() if key not in known}
