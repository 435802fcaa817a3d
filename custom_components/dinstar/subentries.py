"""The gateway's config subentry types and the keys of their data.

Apart from the flows that write them, so the modules that read them (the balance checks,
Assist by SMS, notify) need no flow, and no flow's import of the entry's runtime type.
"""

from __future__ import annotations

from typing import Final

SUBENTRY_CONTACT: Final = "contact"
CONF_NUMBER: Final = "number"
CONF_ASSIST: Final = "assist"  # a contact's choice: may talk to Assist
# A contact's failover: the config entry ids of the gateways its SMS may go from, or "all"
# among them (every gateway, also those added later); absent, every gateway when there are
# several, else none (as before failover existed). Saved before gateways could be listed:
# "all" or "this_gateway" alone, as a string.
CONF_POOL: Final = "pool"
POOL_ALL_GATEWAYS: Final = "all"
POOL_THIS_GATEWAY: Final = "this_gateway"


def saved_pool(stored: str | list[str] | None, own_entry_id: str) -> list[str]:
    """A contact's saved ``CONF_POOL`` as a list, a word saved before lists included."""
    if stored is None:
        return []
    if isinstance(stored, str):
        return [own_entry_id if stored == POOL_THIS_GATEWAY else stored]
    return list(stored)


SUBENTRY_BALANCE: Final = "balance"
CONF_CODE: Final = "code"
CONF_CURRENCY: Final = "currency"
CONF_INTERVAL: Final = "interval"
CONF_PATTERN: Final = "pattern"
CONF_BALANCE_PORTS: Final = "ports"
CONF_REPLY_SENDER: Final = "reply_sender"
CONF_REPLY_WAIT: Final = "reply_wait"
CONF_THRESHOLD: Final = "threshold"

SUBENTRY_ASSIST: Final = "assist"
CONF_AGENT_ID: Final = "agent_id"
CONF_PIN: Final = "pin"
CONF_NO_PIN: Final = "no_pin"  # the user's explicit choice to answer without a PIN
CONF_DENIED_ENTITIES: Final = "denied_entities"
CONF_MAX_PARTS: Final = "max_parts"
CONF_RATE_LIMIT: Final = "rate_limit"
CONF_CONTACT_DAILY_CAP: Final = "contact_daily_cap"
CONF_DAILY_CAP: Final = "daily_cap"
# Assist by SMS set up before the per-contact cap existed has this one.
DEFAULT_CONTACT_DAILY_CAP: Final = 10
