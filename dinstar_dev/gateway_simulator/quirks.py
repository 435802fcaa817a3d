"""Malformed JSON (the ``malformed`` switch) and firmware spellings.

See docs/protocol.md, "Malformed JSON" and "Spellings that vary".
"""

from __future__ import annotations

import json
from typing import Any

# What each endpoint's example in the vendor's document appends after the value.
_TRAILERS = {
    "get_cdr": "{}",
    "get_port_info_callforward": "{}",
    "send_ussd": " }",
    "set_config": "]",
}
# The vendor's push examples print these kinds with one "]" too many at the end.
_PUSH_TRAILER_KINDS = ("ussd", "register", "cdr")


def bech_spelling(record: dict[str, Any]) -> dict[str, Any]:
    """A call record with ``bcch`` written ``bech``, as some firmware has it (same order)."""
    return {("bech" if key == "bcch" else key): value for key, value in record.items()}


def dumps(value: Any) -> str:
    """Compact JSON with non-ASCII text as is, as the gateway writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(endpoint: str, value: Any, *, malformed: bool) -> str:
    """Write an answer as the gateway would, malformed as the vendor's examples are when asked."""
    text = dumps(value)
    if not malformed:
        return text
    if endpoint == "query_incoming_sms" and value.get("sms"):
        # A dangling comma after the last message.
        head, _, tail = text.rpartition("}]")
        return f"{head}}},]{tail}"
    if endpoint == "query_ussd_reply":
        # One "]" too many inside the object, before its closing brace.
        return text.removesuffix("}") + "]}"
    if endpoint == "GetSTKView":
        # A doubled comma across a line break after the title.
        head = '{"title":' + dumps(value["title"]) + ","
        return head + "\n," + text.removeprefix(head)
    return text + _TRAILERS.get(endpoint, "")


def render_push(body: dict[str, Any], *, malformed: bool) -> str:
    """Write a push body, with the extra "]" of the kinds printed that way when asked."""
    text = dumps(body)
    if malformed and any(kind in body for kind in _PUSH_TRAILER_KINDS):
        return text + "]"
    return text
