"""Binary sensors: each SIM port's data connection (GPRS), and whether its SIM needs a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .aiodinstar import PortInfo
from .entity import DinstarPortEntity, async_add_port_entities
from .runtime import DinstarConfigEntry
from .signals import health_signal
from .sim.health import Problem

ATTR_PROBLEMS = "problems"

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DinstarBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor of one port, read from its port information."""

    is_on_fn: Callable[[PortInfo], bool | None]


BINARY_SENSORS: tuple[DinstarBinarySensorEntityDescription, ...] = (
    DinstarBinarySensorEntityDescription(
        key="gprs",
        translation_key="gprs",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda info: info.gprs_attached,
    ),
)
PROBLEM_SENSOR = BinarySensorEntityDescription(
    key="sim_problem",
    translation_key="sim_problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each shown port's binary sensors."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port, _info: [
            *(DinstarPortBinarySensor(entry, port, description) for description in BINARY_SENSORS),
            DinstarSimProblemSensor(entry, port, PROBLEM_SENSOR),
        ],
    )


class DinstarPortBinarySensor(DinstarPortEntity, BinarySensorEntity):
    """A binary sensor of one SIM port."""

    entity_description: DinstarBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The state from the latest refresh."""
        info = self.port_info
        return None if info is None else self.entity_description.is_on_fn(info)


class DinstarSimProblemSensor(DinstarPortEntity, BinarySensorEntity):
    """On while the port's SIM needs a person (a PIN, credit, a network, a better signal)."""

    def __init__(
        self, entry: DinstarConfigEntry, port: int, description: BinarySensorEntityDescription
    ) -> None:
        """Read the port's problems from the entry's SIM watch."""
        super().__init__(entry, port, description)
        self._sim_watch = entry.runtime_data.sim_watch

    async def async_added_to_hass(self) -> None:
        """Follow each new reckoning of the problems, after refreshes and balance checks."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                health_signal(self.coordinator.config_entry.entry_id),
                self.async_write_ha_state,
            )
        )

    @property
    def is_on(self) -> bool:
        """Whether the port has any problem."""
        return bool(self._problems)

    @property
    def extra_state_attributes(self) -> dict[str, list[str]]:
        """The problems, by name."""
        return {ATTR_PROBLEMS: sorted(self._problems)}

    @property
    def _problems(self) -> frozenset[Problem]:
        return self._sim_watch.problems(self.port)
