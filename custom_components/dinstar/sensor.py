"""Sensors: each SIM port's signal, registration, network, credit and last messages; the gateway's load.

A balance sensor, on each port a balance check names, keeps its balance, reply and check time
across restarts, so a restart does not ask again early, and the ICCID of the SIM they are of (not
as an attribute: it stays out of the history), so a SIM swapped meanwhile does not inherit them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorExtraStoredData,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util

from .aiodinstar import CallState, NetworkType, PortInfo, RegistrationState
from .bus_events import EVENT_SMS_RECEIVED, EVENT_USSD_RECEIVED
from .const import CONF_PRIVATE_SMS
from .coordinator import DinstarData
from .entity import (
    DinstarContactEntity,
    DinstarEntity,
    DinstarPortEntity,
    DinstarPortEventEntity,
    PortEventRouter,
    async_add_balance_entities,
    async_add_contact_entities,
    async_add_port_entities,
)
from .failover.pool import async_pool
from .runtime import DinstarConfigEntry
from .signals import balance_signal, failover_signal, pushed_state_signal

PARALLEL_UPDATES = 0

# The firmware's own word for a state it cannot tell, and Home Assistant's for a missing one.
_UNKNOWN = "unknown"
# Home Assistant refuses longer states; the whole text is in the attributes.
_MAX_STATE_LENGTH = 255
ATTR_TEXT = "text"
ATTR_SENDER = "sender"
ATTR_RECEIVED_AT = "received_at"
ATTR_REPLY = "reply"
ATTR_CHECKED_AT = "checked_at"
STORED_ICCID = "iccid"

type StateValue = str | int | float | datetime | None


@dataclass(frozen=True, kw_only=True)
class DinstarPortSensorDescription(SensorEntityDescription):
    """A sensor of one port, read from its port information."""

    value_fn: Callable[[PortInfo], StateValue]
    # What a port without a SIM cannot have is unknown, whatever the firmware still reports.
    needs_sim: bool = True


@dataclass(frozen=True, kw_only=True)
class DinstarMessageSensorDescription(SensorEntityDescription):
    """The last message of one kind a port received, from the integration's bus event."""

    event_type: str
    # The field naming who sent it; USSD replies come from the network.
    sender_field: str | None = None


@dataclass(frozen=True, kw_only=True)
class DinstarGatewaySensorDescription(SensorEntityDescription):
    """A sensor of the gateway, read from the refresh (and the last push time)."""

    value_fn: Callable[[DinstarData, DinstarConfigEntry], StateValue]
    push_fed: bool = False


def _enum(value: RegistrationState | NetworkType | CallState | None) -> str | None:
    """A spelling the firmware has and we do not know is Home Assistant's own unknown state."""
    return None if value is None or value.value == _UNKNOWN else value.value


def _counter(outcome: str) -> Callable[[DinstarData, DinstarConfigEntry], StateValue]:
    """Read one of the outbox's counters (kept across restarts)."""
    return lambda _data, entry: entry.runtime_data.outbox.counters[outcome]


PORT_SENSORS: tuple[DinstarPortSensorDescription, ...] = (
    DinstarPortSensorDescription(
        key="signal_strength",
        translation_key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda info: info.signal_dbm,
    ),
    DinstarPortSensorDescription(
        key="signal_level",
        translation_key="signal_level",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.signal,
    ),
    DinstarPortSensorDescription(
        key="registration",
        translation_key="registration",
        needs_sim=False,
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in RegistrationState if state.value != _UNKNOWN],
        value_fn=lambda info: _enum(info.registration),
    ),
    DinstarPortSensorDescription(
        key="network_type",
        translation_key="network_type",
        device_class=SensorDeviceClass.ENUM,
        options=[kind.value for kind in NetworkType if kind.value != _UNKNOWN],
        value_fn=lambda info: _enum(info.network_type),
    ),
    DinstarPortSensorDescription(
        key="call_state",
        translation_key="call_state",
        needs_sim=False,
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in CallState if state.value != _UNKNOWN],
        value_fn=lambda info: _enum(info.call_state),
    ),
    DinstarPortSensorDescription(
        key="remain_credit",
        translation_key="remain_credit",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda info: info.remain_credit,
    ),
    DinstarPortSensorDescription(
        key="remain_monthly_credit",
        translation_key="remain_monthly_credit",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.remain_monthly_credit,
    ),
    DinstarPortSensorDescription(
        key="remain_daily_credit",
        translation_key="remain_daily_credit",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.remain_daily_credit,
    ),
    DinstarPortSensorDescription(
        key="remain_daily_call_time",
        translation_key="remain_daily_call_time",
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.remain_daily_call_time,
    ),
    DinstarPortSensorDescription(
        key="remain_hourly_call_time",
        translation_key="remain_hourly_call_time",
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.remain_hourly_call_time,
    ),
    DinstarPortSensorDescription(
        key="remain_daily_connected",
        translation_key="remain_daily_connected",
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.remain_daily_connected,
    ),
    DinstarPortSensorDescription(
        key="phone_number",
        translation_key="phone_number",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda info: info.number,
    ),
    DinstarPortSensorDescription(
        key="imei",
        translation_key="imei",
        needs_sim=False,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda info: info.imei,
    ),
    DinstarPortSensorDescription(
        key="imsi",
        translation_key="imsi",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.imsi,
    ),
    DinstarPortSensorDescription(
        key="iccid",
        translation_key="iccid",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda info: info.iccid,
    ),
)

MESSAGE_SENSORS: tuple[DinstarMessageSensorDescription, ...] = (
    DinstarMessageSensorDescription(
        key="last_sms",
        translation_key="last_sms",
        event_type=EVENT_SMS_RECEIVED,
        sender_field="sender",
    ),
    DinstarMessageSensorDescription(
        key="last_ussd", translation_key="last_ussd", event_type=EVENT_USSD_RECEIVED
    ),
)

GATEWAY_SENSORS: tuple[DinstarGatewaySensorDescription, ...] = (
    DinstarGatewaySensorDescription(
        key="cpu_usage",
        translation_key="cpu_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data, _entry: data.status.cpu_used,
    ),
    DinstarGatewaySensorDescription(
        key="memory_used",
        translation_key="memory_used",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data, _entry: data.status.memory_used_percent,
    ),
    DinstarGatewaySensorDescription(
        key="flash_used",
        translation_key="flash_used",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data, _entry: data.status.flash_used_percent,
    ),
    DinstarGatewaySensorDescription(
        key="sms_in_queue",
        translation_key="sms_in_queue",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data, _entry: data.sms_in_queue,
    ),
    *(
        DinstarGatewaySensorDescription(
            key=f"sms_{outcome}",
            translation_key=f"sms_{outcome}",
            state_class=SensorStateClass.TOTAL_INCREASING,
            value_fn=_counter(outcome),
            push_fed=True,
        )
        for outcome in ("sent", "failed", "delivered")
    ),
    DinstarGatewaySensorDescription(
        key="last_push",
        translation_key="last_push",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Changes with every push: enabled, it would add a logbook line to every message.
        entity_registry_enabled_default=False,
        value_fn=lambda _data, entry: entry.runtime_data.push.last_push,
        push_fed=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway's sensors now and each port's as its port is shown."""
    async_add_entities(DinstarGatewaySensor(entry, description) for description in GATEWAY_SENSORS)
    async_add_entities([DinstarFailoverSensor(entry, FAILOVER_SENSOR)])
    async_add_contact_entities(hass, entry, async_add_entities, DinstarContactFailoverSensor)
    routers = {
        description.key: PortEventRouter(hass, entry, description.event_type)
        for description in MESSAGE_SENSORS
    }
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            *(DinstarPortSensor(entry, port, description) for description in PORT_SENSORS),
            *(
                DinstarMessageSensor(entry, port, description, routers[description.key])
                for description in MESSAGE_SENSORS
            ),
        ],
    )
    async_add_balance_entities(entry, async_add_entities, BALANCE_SENSOR, DinstarBalanceSensor)


class DinstarGatewaySensor(DinstarEntity, SensorEntity):
    """A sensor of the gateway."""

    entity_description: DinstarGatewaySensorDescription

    async def async_added_to_hass(self) -> None:
        """Push-fed sensors also follow pushes, not only refreshes."""
        await super().async_added_to_hass()
        if self.entity_description.push_fed:
            self.async_on_remove(
                async_dispatcher_connect(
                    self.hass,
                    pushed_state_signal(self.coordinator.config_entry.entry_id),
                    self.async_write_ha_state,
                )
            )

    @property
    def native_value(self) -> StateValue:
        """The value from the latest refresh (or push)."""
        return self.entity_description.value_fn(
            self.coordinator.data, self.coordinator.config_entry
        )


FAILOVER_SENSOR = SensorEntityDescription(key="failovers_today", translation_key="failovers_today")


class FailoverCountSensor(SensorEntity):
    """A count of today's failovers: Home Assistant's own, so it stays while a gateway is down.

    Written when a failover is counted, and at midnight when the count starts again.
    """

    _attr_state_class = SensorStateClass.TOTAL_INCREASING

    @property
    def available(self) -> bool:
        """The pool counts, not the gateway: an alarm failing over is when it is looked at."""
        return True

    async def async_added_to_hass(self) -> None:
        """Follow the pool's counts and the day."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, failover_signal(), self.async_write_ha_state)
        )
        self.async_on_remove(
            async_track_time_change(self.hass, self._async_midnight, hour=0, minute=0, second=0)
        )

    @callback
    def _async_midnight(self, _now: datetime) -> None:
        """A new day: the count starts again (a callback: it runs in the event loop)."""
        self.async_write_ha_state()


class DinstarFailoverSensor(FailoverCountSensor, DinstarEntity):
    """Messages whose first attempt was on this gateway and that needed another, today.

    The count of every gateway (the "all" pool) is its ``all_gateways`` attribute.
    """

    @property
    def native_value(self) -> int:
        """Today's count of this gateway."""
        return async_pool(self.hass).failovers_today(self.coordinator.config_entry.entry_id)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Today's count of every gateway."""
        return {"all_gateways": async_pool(self.hass).failovers_today()}


class DinstarContactFailoverSensor(FailoverCountSensor, DinstarContactEntity):
    """A contact's messages that needed another attempt today: its pool's count.

    Whichever gateway sent them; only what its notify entity sent (``send_sms`` names no
    contact).
    """

    def __init__(self, entry: DinstarConfigEntry, subentry: ConfigSubentry) -> None:
        """On the contact's device."""
        super().__init__(
            entry,
            subentry,
            SensorEntityDescription(
                key=f"contact-{subentry.subentry_id}-failovers_today",
                translation_key="failovers_today",
            ),
        )

    @property
    def native_value(self) -> int:
        """Today's count of this contact."""
        return async_pool(self.hass).contact_failovers_today(self.subentry_id)


class DinstarPortSensor(DinstarPortEntity, SensorEntity):
    """A sensor of one SIM port."""

    entity_description: DinstarPortSensorDescription

    @property
    def native_value(self) -> StateValue:
        """The value from the latest refresh."""
        info = self.port_info
        if info is None or (self.entity_description.needs_sim and not info.has_sim):
            return None
        return self.entity_description.value_fn(info)


class DinstarMessageSensor(DinstarPortEventEntity, RestoreEntity, SensorEntity):
    """A port's last SMS or USSD reply: the start as its state, the whole text as attributes.

    With the private option on, an SMS's state is its sender only; the text never reaches the
    recorder either way.
    """

    entity_description: DinstarMessageSensorDescription
    _unrecorded_attributes = frozenset({ATTR_TEXT})

    async def async_added_to_hass(self) -> None:
        """Show the message from before a restart, then follow this port's events."""
        if (last := await self.async_get_last_state()) is not None and last.state not in (
            STATE_UNKNOWN,
            STATE_UNAVAILABLE,
        ):
            self._attr_native_value = last.state
            self._attr_extra_state_attributes = {
                key: last.attributes[key]
                for key in (ATTR_TEXT, ATTR_SENDER, ATTR_RECEIVED_AT)
                if key in last.attributes
            }
        await super().async_added_to_hass()

    @callback
    def async_handle(self, event: Event[Mapping[str, Any]]) -> None:
        """Show the port's latest message."""
        text = str(event.data.get(ATTR_TEXT) or "")
        sender_field = self.entity_description.sender_field
        sender = None if sender_field is None else event.data.get(sender_field)
        private = self.coordinator.config_entry.options.get(CONF_PRIVATE_SMS, False)
        if sender is None:
            state = text
        elif private:
            state = str(sender)
        else:
            state = f"{sender}: {text}"
        self._attr_native_value = state[:_MAX_STATE_LENGTH]
        self._attr_extra_state_attributes = {
            ATTR_TEXT: text,
            ATTR_RECEIVED_AT: event.data.get(ATTR_RECEIVED_AT) or dt_util.utcnow().isoformat(),
        }
        if sender is not None:
            self._attr_extra_state_attributes[ATTR_SENDER] = sender
        self.async_write_ha_state()


BALANCE_SENSOR = SensorEntityDescription(
    key="balance",
    translation_key="balance",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)


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


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
