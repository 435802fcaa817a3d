"""The gateway's config subentry types and the keys of their data.

Apart from the flows that write them, so the modules that read them (the balance checks,
Assist by SMS, notify) need no flow, and no flow's import of the entry's runtime type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry, ConfigSubentry

SUBENTRY_CONTACT: Final = "contact"
CONF_NUMBER: Final = "number"
CONF_ASSIST: Final = "assist"  # a contact's choice: may talk to Assist
# A contact's failover: the gateways its SMS may go from, each a config entry id (every port
# of it) or single ports of it ("<entry id>:<port>", see ``pool_port``), or "all" among them
# (every gateway, also those added later); absent, every gateway when there are several, else
# none (as before failover existed). Saved before gateways could be listed: "all" or
# "this_gateway" alone, as a string.
CONF_POOL: Final = "pool"
POOL_ALL_GATEWAYS: Final = "all"
POOL_THIS_GATEWAY: Final = "this_gateway"
# Config entry ids are ULIDs: letters and digits, never this.
_PORT_SEPARATOR: Final = ":"


def contacts(entry: ConfigEntry) -> dict[str, ConfigSubentry]:
    """The gateway's contacts, by subentry id."""
    return {
        subentry_id: subentry
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_CONTACT
    }


def saved_pool(stored: str | list[str] | None, own_entry_id: str) -> list[str]:
    """A contact's saved ``CONF_POOL`` as a list, a word saved before lists included."""
    if stored is None:
        return []
    if isinstance(stored, str):
        return [own_entry_id if stored == POOL_THIS_GATEWAY else stored]
    return list(stored)


def pool_port(entry_id: str, port: int) -> str:
    """A single port of a gateway, as a contact's ``CONF_POOL`` holds it."""
    return f"{entry_id}{_PORT_SEPARATOR}{port}"


def pool_by_gateway(chosen: list[str]) -> dict[str, list[int]]:
    """A contact's gateways (not "all"), in the order chosen, each with the ports it may use.

    An empty list: every port. A gateway chosen whole keeps every port, whatever single ports
    of it were ticked too.
    """
    ports: dict[str, list[int]] = {}
    whole: set[str] = set()
    for value in chosen:
        entry_id, separator, port = value.partition(_PORT_SEPARATOR)
        ports.setdefault(entry_id, [])
        if separator:
            ports[entry_id].append(int(port))
        else:
            whole.add(entry_id)
    return {entry_id: [] if entry_id in whole else listed for entry_id, listed in ports.items()}


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
