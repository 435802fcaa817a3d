"""Every dispatcher signal of the integration, so each sender and listener names the same one."""

from __future__ import annotations

from .const import DOMAIN


def pushed_state_signal(entry_id: str) -> str:
    """The push-fed gateway sensors (last push, SMS counters) have news."""
    return f"{DOMAIN}_{entry_id}_pushed_state"


def balance_signal(entry_id: str) -> str:
    """A port's balance (or its last reply) changed."""
    return f"{DOMAIN}_{entry_id}_balance"


def health_signal(entry_id: str) -> str:
    """The ports' problems were worked out again."""
    return f"{DOMAIN}_{entry_id}_health"


def failover_signal() -> str:
    """Today's failover counts changed (one pool for every gateway)."""
    return f"{DOMAIN}_failover_counts"
