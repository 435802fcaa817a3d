"""The one port picker of the forms: each port by its device's name, number and registration.

The options' ports to show, a balance check's ports and a contact's port all offer the ports
the running gateway answered, so that none is chosen blind: a port reads as its device is
named (the user's name if they gave one), with its number where that name lacks it, and its
registration in the words of the Registration sensor; a port without a SIM says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.helpers.translation import async_get_translations

from .aiodinstar import PortInfo, RegistrationState
from .const import DOMAIN
from .devices import port_identifier
from .runtime import DinstarConfigEntry

# Where the labels' words are: the port device's name, the Registration sensor's states, and
# the label itself (a selector's strings, as it is an option's label).
_CATEGORIES = ("device", "entity", "selector")


async def async_port_selector(
    hass: HomeAssistant, entry: DinstarConfigEntry, *, multiple: bool
) -> selector.SelectSelector:
    """A picker of the gateway's ports: a list of boxes to tick for several, else a menu."""
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=await async_port_options(hass, entry),
            multiple=multiple,
            mode=selector.SelectSelectorMode.LIST
            if multiple
            else selector.SelectSelectorMode.DROPDOWN,
        )
    )


async def async_port_options(
    hass: HomeAssistant, entry: DinstarConfigEntry, *, away: Iterable[int] = ()
) -> list[selector.SelectOptionDict]:
    """Every port of the gateway's last answer, its number as the value, labelled.

    While the gateway is not loaded it answered nothing: ``away`` (ports saved in the form)
    are offered, their registration unknown, so that saving the form keeps them.
    """
    strings: dict[str, str] = {}
    for category in _CATEGORIES:
        strings |= await async_get_translations(hass, hass.config.language, category, [DOMAIN])

    def text(key: str) -> str:
        return strings[f"component.{DOMAIN}.{key}"]

    answered: dict[int, PortInfo] = {}
    if entry.state is ConfigEntryState.LOADED:
        answered = entry.runtime_data.coordinator.data.ports
        away = ()
    registry = dr.async_get(hass)
    options: list[selector.SelectOptionDict] = []
    for port in sorted({*answered, *away}):
        default_name = text("device.port.name").format(gateway=entry.title, port=port)
        device = registry.async_get_device_by_identifier(
            port_identifier(entry.unique_id or "", port), entry.entry_id
        )
        name = default_name
        if device is not None:
            name = device.name_by_user or device.name or default_name
        # The default name has the number in it already; a name of the user's may not.
        label = "default_name" if name == default_name else "own_name"
        options.append(
            selector.SelectOptionDict(
                value=str(port),
                label=text(f"selector.port_label.options.{label}").format(
                    device=name, port=port, registration=_registration(text, answered.get(port))
                ),
            )
        )
    return options


def _registration(text: Callable[[str], str], info: PortInfo | None) -> str:
    """The port's registration as its sensor shows it; "No SIM" wherever no SIM was seen."""
    if info is None:
        return text("selector.port_label.options.unknown_registration")
    if not info.has_sim:
        return text("entity.sensor.registration.state.no_sim")
    registration = info.registration
    if registration is None or registration is RegistrationState.UNKNOWN:
        return text("selector.port_label.options.unknown_registration")
    return text(f"entity.sensor.registration.state.{registration.value}")
