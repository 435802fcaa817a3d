"""The spec's malformed JSON, sent when the quirk switch is on (NOTES.md lists them)."""

from __future__ import annotations

import json
from typing import Any

# What each endpoint's example in the spec appends after the value.
_TRAILERS = {
    "get_cdr": "{}",
    "get_port_info_callforward": "{}",
    "send_ussd": " }",
    "query_ussd_reply": "]",
    "set_config": "]",
}


def render(endpoint: str, value: Any, *, malformed: bool) -> str:
    """Write ``value`` as the gateway would, malformed when asked."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not malformed:
        return text
    if endpoint == "query_incoming_sms" and value.get("sms"):
        # §6: a dangling comma after the last message.
        head, _, tail = text.rpartition("}]")
        return f"{head}}},]{tail}"
    if endpoint == "GetSTKView" and "item" in value:
        # §13: a doubled comma across a line break before "item".
        return text.replace(',"item":', ',\n,"item":', 1)
    return text + _TRAILERS.get(endpoint, "")
