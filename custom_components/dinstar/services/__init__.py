"""The integration's actions, registered once for every gateway; each names its gateway."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .common import async_register_actions
from .config import CONFIG_ACTIONS
from .ports import PORT_ACTIONS
from .sms import SMS_ACTIONS


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action."""
    async_register_actions(hass, SMS_ACTIONS | PORT_ACTIONS | CONFIG_ACTIONS)
