"""The data update coordinator: one per gateway, two requests per refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .aiodinstar import (
    DeviceStatus,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarClient,
    DinstarError,
    PortInfo,
)
from .const import DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER
from .errors import update_failed
from .repairs import async_set_certificate_changed


@dataclass(frozen=True, slots=True)
class DinstarData:
    """What one refresh learned of the gateway."""

    serial: str
    ports: dict[int, PortInfo]
    status: DeviceStatus
    sms_in_queue: int


class DinstarCoordinator(DataUpdateCoordinator[DinstarData]):
    """Polls port information and device status.

    A refresh is two requests whatever the port count: ``get_port_info`` for every port with
    every info type at once, and ``get_status``.
    """

    # The entry's runtime data holds this coordinator: its type is not known here.
    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, config_entry: ConfigEntry, client: DinstarClient
    ) -> None:
        """Poll at the interval the options set."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=DOMAIN,
            update_interval=_interval(config_entry),
        )
        self.client = client
        # The queue is read on the first refresh and then only while it may hold messages
        # (it did last time, or something was sent since): two requests a refresh otherwise.
        self.queue_may_have_messages = True
        # Refreshes begun so far: a pushed state change is checked against a refresh that
        # began after it came.
        self.refreshes_begun = 0

    async def async_follow_options(self) -> None:
        """Poll at the interval the options set now, starting with a refresh at once.

        Only the next refresh would otherwise be scheduled by the new interval, which may be
        an hour away.
        """
        interval = _interval(self.config_entry)
        if interval != self.update_interval:
            self.update_interval = interval
            await self.async_request_refresh()

    async def _async_update_data(self) -> DinstarData:
        self.refreshes_begun += 1
        try:
            ports = await self.client.get_port_info()
            status = await self.client.get_status()
            in_queue = self.data.sms_in_queue if self.data else 0
            if self.queue_may_have_messages:
                in_queue = await self.client.query_sms_in_queue()
                self.queue_may_have_messages = in_queue > 0
        except DinstarAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except DinstarError as err:
            LOGGER.debug("Refreshing %s failed: %s", self.config_entry.title, err)
            if isinstance(err, DinstarCertificateError):
                async_set_certificate_changed(self.hass, self.config_entry, changed=True)
            raise update_failed(err) from err
        async_set_certificate_changed(self.hass, self.config_entry, changed=False)
        return DinstarData(
            serial=self.client.serial or self.config_entry.unique_id or "",
            ports={info.port: info for info in ports},
            status=status,
            sms_in_queue=in_queue,
        )


def _interval(entry: ConfigEntry) -> timedelta:
    """The polling interval the entry's options set."""
    return timedelta(seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
