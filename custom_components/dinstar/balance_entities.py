"""The balance sensor and the "check balance" button of each port a balance check names.

The sensor keeps its balance, reply and check time across restarts, so a restart does not
ask again early, and the ICCID of the SIM they are of (not as an attribute: it stays out of the
history), so a SIM swapped meanwhile does not inherit them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorExtraStoredData,
    SensorStateClass,
)
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .balance import balance_signal
from .entity import DinstarPortEntity
from .errors import gateway_errors
from .runtime import DinstarConfigEntry

ATTR_REPLY = "reply"
ATTR_CHECKED_AT = "checked_at"
STORED_ICCID = "iccid"

BALANCE_SENSOR = SensorEntityDescription(
    key="balance",
    translation_key="balance",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)
CHECK_BUTTON = ButtonEntityDescription(key="check_balance", translation_key="check_balance")


@callback
def async_add_balance_entities(
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    description: EntityDescription,
    make: Callable[[DinstarConfigEntry, int], Entity],
) -> None:
    """Add an entity for each shown port a balance check names; drop those no check names.

    They live on the port's device, which belongs to the gateway, not to a subentry: when a
    check is added, changed or deleted, its ports' entities come and go here, the gateway
    running on.
    """
    checker = entry.runtime_data.balance
    shown = entry.runtime_data.ports
    registry = er.async_get(entry.runtime_data.coordinator.hass)
    suffix = f"-{description.key}"

    @callback
    def remove_unchecked() -> None:
        checked = {f"{entry.unique_id or ''}-{port}{suffix}" for port in checker.groups}
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.unique_id.endswith(suffix) and entity.unique_id not in checked:
                registry.async_remove(entity.entity_id)

    @callback
    def add_ports(ports: set[int]) -> None:
        async_add_entities(make(entry, port) for port in sorted(ports & set(checker.groups)))

    @callback
    def follow_checks(newly_checked: set[int]) -> None:
        remove_unchecked()
        add_ports(newly_checked & shown.visible)

    remove_unchecked()
    shown.async_add_listener(add_ports)
    checker.async_add_listener(follow_checks)


@dataclass
class BalanceStoredData(SensorExtraStoredData):
    """The sensor's value, and the SIM it was read from."""

    iccid: str | None

    def as_dict(self) -> dict[str, Any]:
        """The sensor's stored data and the ICCID."""
        return {**super().as_dict(), STORED_ICCID: self.iccid}


class DinstarBalanceSensor(DinstarPortEntity, RestoreSensor):
    """The money left on a port's SIM, as its operator last answered."""

    def __init__(self, entry: DinstarConfigEntry, port: int) -> None:
        """A sensor of the port's device."""
        super().__init__(entry, port, BALANCE_SENSOR)
        self._checker = entry.runtime_data.balance

    async def async_added_to_hass(self) -> None:
        """Take the balance from before a restart, then follow the checks."""
        await super().async_added_to_hass()
        entry_id = self.coordinator.config_entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(self.hass, balance_signal(entry_id), self.async_write_ha_state)
        )
        if self._checker.reading(self.port).checked_at is not None:
            return
        last = await self.async_get_last_state()
        extra = await self.async_get_last_extra_data()
        stored = None if extra is None else extra.as_dict()
        data = None if stored is None else SensorExtraStoredData.from_dict(stored)
        if last is None or stored is None or data is None:
            return
        checked_at = last.attributes.get(ATTR_CHECKED_AT)
        iccid = stored.get(STORED_ICCID)
        self._checker.async_restore(
            self.port,
            _decimal(data.native_value),
            last.attributes.get(ATTR_REPLY),
            None if checked_at is None else dt_util.parse_datetime(str(checked_at)),
            None if iccid is None else str(iccid),
        )

    @property
    def extra_restore_state_data(self) -> BalanceStoredData:
        """What the sensor keeps across a restart, with the SIM it is of."""
        return BalanceStoredData(
            self.native_value, self.native_unit_of_measurement, self._checker.iccid(self.port)
        )

    @property
    def native_value(self) -> Decimal | None:
        """The last balance read; unknown when the last reply had none."""
        return self._checker.amount(self.port)

    @property
    def native_unit_of_measurement(self) -> str | None:
        """The currency of the check that names the port (it may be changed while running)."""
        group = self._checker.groups.get(self.port)
        return None if group is None else group.currency

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The operator's last reply as it came, and when it came."""
        balance = self._checker.reading(self.port)
        checked_at: datetime | None = balance.checked_at
        return {
            ATTR_REPLY: balance.reply,
            ATTR_CHECKED_AT: None if checked_at is None else checked_at.isoformat(),
        }


class DinstarCheckBalanceButton(DinstarPortEntity, ButtonEntity):
    """Ask a port's balance now."""

    def __init__(self, entry: DinstarConfigEntry, port: int) -> None:
        """A button of the port's device."""
        super().__init__(entry, port, CHECK_BUTTON)
        self._checker = entry.runtime_data.balance

    async def async_press(self) -> None:
        """Send the balance code and wait for the reply (after the user's own USSD codes)."""
        with gateway_errors(self.hass, self.coordinator.config_entry, CHECK_BUTTON.key):
            await self._checker.async_check(self.port)


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
