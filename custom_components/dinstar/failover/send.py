"""A send through the pool: the action's and the contacts' way in, checked and answered."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.dinstar.aiodinstar import SmsEncoding, fits_gsm_7bit
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.errors import invalid_input
from custom_components.dinstar.runtime import DinstarConfigEntry
from custom_components.dinstar.sending import check_request, filled

from .pool import DEFAULT_ATTEMPTS, DEFAULT_CONFIRM_WITHIN, async_pool
from .report import answer
from .snapshot import loaded_entry

POOL_ALL = "all"
CONF_CONFIG_ENTRY_ID = "config_entry_id"
CONF_PORT = "port"

type PoolMember = tuple[str, list[int]]


def pool_members(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    pool: str | list[str | dict[str, Any]] | None,
) -> list[PoolMember]:
    """The gateways (and their ports) a message may go from, ``entry`` first.

    ``pool``: ``"all"`` (every gateway), or a list of gateways (a config entry id, or
    ``{"config_entry_id", "port"}``: only those ports). Every gateway named must exist; one
    not loaded now is kept (it is skipped while it is not), ports are checked against a
    loaded one's. ``entry``'s ``ports`` are a preference, not a limit: every port of a
    gateway may take over unless the pool names its ports.
    """
    members: dict[str, list[int]] = {entry.entry_id: []}
    if pool == POOL_ALL:
        others = sorted(hass.config_entries.async_entries(DOMAIN), key=lambda e: e.title)
        members.update((other.entry_id, []) for other in others if other.entry_id not in members)
    elif pool is not None:
        for item in pool:
            entry_id, chosen = (
                (item, [])
                if isinstance(item, str)
                else (item[CONF_CONFIG_ENTRY_ID], list(item.get(CONF_PORT, [])))
            )
            other = hass.config_entries.async_get_entry(entry_id)
            if other is None or other.domain != DOMAIN:
                raise invalid_input("unknown_pool_gateway", value=str(entry_id))
            if (loaded := loaded_entry(hass, entry_id)) is not None and (
                unknown := sorted(set(chosen) - set(loaded.runtime_data.coordinator.data.ports))
            ):
                raise invalid_input(
                    "invalid_pool_port",
                    gateway=loaded.title,
                    port=", ".join(map(str, unknown)),
                )
            members[entry_id] = chosen
    return list(members.items())


async def async_send_pooled(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    numbers: list[str],
    message: str,
    *,
    members: list[PoolMember],
    preferred: tuple[str, int] | None,
    encoding: SmsEncoding | None,
    status_report: bool,
    params: dict[str, list[str]],
    wait: str | None = None,
    wait_seconds: float = 0,
    attempts: int = DEFAULT_ATTEMPTS,
    confirm_within: float = DEFAULT_CONFIRM_WITHIN,
    contact: str | None = None,
) -> dict[str, Any]:
    """Send each number its own intent; answer at once, or once ``wait`` (sent, delivered) is.

    The checks are the ones of a plain send, made against ``entry`` (the gateway named).
    ``contact``: the subentry id of the contact whose SMS it is, counted in its pool's sensor.
    """
    numbers, params = check_request(entry, numbers, message, ports=[], params=params)
    texts = [(number, filled(message, tuple(params.get(number, ())))) for number in numbers]
    encoding = encoding or (
        SmsEncoding.GSM_7BIT
        if all(fits_gsm_7bit(text) for _number, text in texts)
        else SmsEncoding.UNICODE
    )
    pool = async_pool(hass)
    intents = await pool.async_send(
        texts,
        members=members,
        preferred=preferred,
        encoding=encoding,
        status_report=status_report,
        max_attempts=attempts,
        confirm_within=confirm_within,
        contact=contact,
    )
    if wait is not None:
        await pool.async_wait(intents, delivered=wait == "delivered", seconds=wait_seconds)
    return {
        "encoding": encoding.name.lower(),
        "messages": [answer(intent) for intent in intents],
    }
