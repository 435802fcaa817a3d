"""The state of a pool's ports as the ranking reads it, from each gateway's owners."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.dinstar.aiodinstar import PortInfo, RegistrationState
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.devices import visible_ports
from custom_components.dinstar.runtime import DinstarConfigEntry

from .ranking import PortSnapshot


def loaded_entry(hass: HomeAssistant, entry_id: str) -> DinstarConfigEntry | None:
    """The gateway's entry while it is loaded (its client and owners exist)."""
    entry: DinstarConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return None
    return entry


def _allowance_used_up(info: PortInfo) -> bool:
    """One of the gateway's SMS limits on the port is spent (the call limits are not)."""
    limits = (info.remain_credit, info.remain_monthly_credit, info.remain_daily_credit)
    return any(value is not None and value <= 0 for value in limits)


def port_snapshot(entry: DinstarConfigEntry, port: int) -> PortSnapshot:
    """One port as its gateway's last refresh and SIM health (its balance checks included) left it."""
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    info = data.ports.get(port)
    if info is None:
        return PortSnapshot(entry.entry_id, port, registered=False)
    return PortSnapshot(
        entry_id=entry.entry_id,
        port=port,
        registered=info.registration is RegistrationState.REGISTER_OK,
        gateway_available=runtime.coordinator.last_update_success,
        signal_dbm=info.signal_dbm,
        problems=frozenset(problem.value for problem in runtime.sim_watch.problems(port)),
        allowance_used_up=_allowance_used_up(info),
        queue=data.sms_in_queue,
    )


def pool_snapshots(
    hass: HomeAssistant, members: Iterable[tuple[str, list[int]]]
) -> list[PortSnapshot]:
    """Every port of the pool's loaded gateways (``[]`` ports: those the gateway shows)."""
    snapshots: list[PortSnapshot] = []
    for entry_id, ports in members:
        if (entry := loaded_entry(hass, entry_id)) is None:
            continue  # not loaded: skipped at once, as an unavailable gateway
        data = entry.runtime_data.coordinator.data
        chosen = ports or sorted(visible_ports(entry, data.ports))
        snapshots.extend(port_snapshot(entry, port) for port in chosen)
    return snapshots
