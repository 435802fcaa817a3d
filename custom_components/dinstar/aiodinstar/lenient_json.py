"""Decoding of the gateway's JSON, which is not always well formed.

The spec's own examples carry a trailing ``{}``, an extra ``]`` or ``}`` (after the value, or
inside it: ``[{...}]]}``), a dangling comma (``[{...},]``) and a doubled comma (``"a",`` newline
``,"b"``). The first complete JSON value is taken and what follows it is ignored; stray commas
and closers that close nothing open are dropped only where the value would not decode
otherwise. Anything else is a :class:`DinstarResponseError`.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import DinstarResponseError

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"
_CLOSERS = "]}"
_OPENERS = {"[": "]", "{": "}"}


def decode_json(text: str | bytes) -> Any:
    """Return the first JSON value in ``text``, tolerating the gateway's malformations."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise DinstarResponseError(f"response is not UTF-8: {err}") from err
    start = len(text) - len(text.lstrip(_WHITESPACE + "\ufeff"))
    if start == len(text):
        raise DinstarResponseError("empty response where JSON was expected")
    try:
        value, _end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as first_error:
        repaired = _repair(text[start:])
        try:
            value, _end = _DECODER.raw_decode(repaired)
        except json.JSONDecodeError, RecursionError:
            raise DinstarResponseError(f"response is not JSON: {first_error}") from first_error
    except RecursionError as err:
        # No gateway nests that deep; the decoder's stack ran out on junk.
        raise DinstarResponseError("response is nested too deeply to decode") from err
    return value


def _repair(text: str) -> str:
    """Drop, outside strings, stray commas and closers that close nothing open.

    A comma is stray when it ends a value and precedes a closer or another comma; a closer is
    stray when it does not match the innermost open bracket.
    """
    out: list[str] = []
    open_brackets: list[str] = []
    in_string = False
    escaped = False
    length = len(text)
    for index, char in enumerate(text):
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in _OPENERS:
            open_brackets.append(_OPENERS[char])
        elif char in _CLOSERS and open_brackets:
            if char != open_brackets[-1]:
                continue
            open_brackets.pop()
        elif char == "," and _after_a_value(out):
            following = index + 1
            while following < length and text[following] in _WHITESPACE:
                following += 1
            if following < length and text[following] in _CLOSERS + ",":
                continue
        out.append(char)
    return "".join(out)


def _after_a_value(out: list[str]) -> bool:
    """The comma follows a value, not an opener, a colon or another comma."""
    for char in reversed(out):
        if char not in _WHITESPACE:
            return char not in "{[:,"
    return False
