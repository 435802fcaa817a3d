"""How an intent is told: the action's answer, the final event's fields, the logbook's words.

No Home Assistant import.
"""

from __future__ import annotations

from typing import Any

from .intent import Attempt, Intent, Step


def _final_attempt(intent: Intent) -> Attempt | None:
    """The attempt that went (the first, if more did), else the last one made."""
    sent = intent.sent_attempts
    if sent:
        return sent[0]
    return intent.attempts[-1] if intent.attempts else None


def outcome(intent: Intent) -> str:
    """``pending`` until decided, then ``sent`` or ``failed``."""
    return "pending" if intent.final is None else intent.final.value


def answer(intent: Intent) -> dict[str, Any]:
    """One number's part of the action's answer, and of the final event."""
    final = _final_attempt(intent) if intent.final is Step.SENT else None
    first = intent.attempts[0] if intent.attempts else None
    return {
        "number": intent.number,
        "outcome": outcome(intent),
        "user_id": None if first is None else first.user_id,
        "parts": None if first is None else first.parts,
        "final_port": None
        if final is None
        else {"config_entry_id": final.entry_id, "gateway": final.gateway, "port": final.port},
        "delivered": intent.delivered,
        "attempts": [attempt.as_response() for attempt in intent.attempts],
        "both_went": len(intent.sent_attempts) > 1,
    }


def final_event(intent: Intent, *, revised: bool) -> tuple[str, int | None, dict[str, Any]]:
    """The gateway and port the final event names, and its fields.

    The gateway it went from (or was last tried on); with no attempt at all, the gateway the
    message was asked of. ``revised``: an earlier final event of this message told otherwise
    (a late "sent").
    """
    attempt = _final_attempt(intent)
    data = answer(intent)
    data["revised"] = revised
    if attempt is None:
        return intent.members[0][0], None, data
    return attempt.entry_id, attempt.port, data


def _where(attempt: dict[str, Any], gateway: str | None) -> str:
    """The port ("port 1"), with its gateway when not the one already named ("B port 1")."""
    if attempt.get("gateway") == gateway:
        return f"port {attempt.get('port')}"
    return f"{attempt.get('gateway')} port {attempt.get('port')}"


def _why(attempt: dict[str, Any]) -> str:
    reason = attempt.get("reason")
    words = str(attempt.get("outcome", "failed")).replace("_", " ")
    return f"{words} ({reason})" if reason else words


def logbook_line(data: dict[str, Any]) -> str:
    """The final event in words, every attempt before the one that went named.

    For example: sent to +49... via gateway B port 3 after port 1 failed (no credit).
    """
    attempts: list[dict[str, Any]] = list(data.get("attempts") or [])
    final = data.get("final_port")
    number = data.get("number")
    if data.get("outcome") == "sent" and final:
        gateway = final.get("gateway")
        before = [
            a
            for a in attempts
            if (a.get("config_entry_id"), a.get("port"))
            != (final.get("config_entry_id"), final.get("port"))
        ]
        line = f"sent to {number} via {gateway} port {final.get('port')}"
        if before:
            line += " after " + ", ".join(f"{_where(a, gateway)} {_why(a)}" for a in before)
        if data.get("both_went"):
            line += "; it went more than once"
        return line
    tried = ", ".join(f"{_where(a, None)} {_why(a)}" for a in attempts) or "no port could send it"
    return f"could not send to {number}: {tried}"
