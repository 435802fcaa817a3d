"""Home Assistant's logbook read as its frontend reads it, for tests of what it shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator


class Logbook:
    """What the logbook shows from a point on, asked as the frontend asks it."""

    def __init__(self, hass: HomeAssistant, ws_client: WebSocketGenerator) -> None:
        """Read from now on."""
        self._hass = hass
        self._ws_client = ws_client
        self.start: datetime = dt_util.utcnow()

    async def lines(self, device_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Every line written since ``start`` (of these devices, as a device page asks)."""
        await self._hass.async_block_till_done(wait_background_tasks=True)
        await async_wait_recording_done(self._hass)
        client = await self._ws_client(self._hass)
        query: dict[str, Any] = {"type": "logbook/get_events", "start_time": self.start.isoformat()}
        if device_ids is not None:
            query["device_ids"] = device_ids
        await client.send_json_auto_id(query)
        response = await client.receive_json()
        assert response["success"], response
        lines: list[dict[str, Any]] = response["result"]
        return lines

    async def unavailable(self) -> list[str]:
        """The entities the logbook says became unavailable."""
        return [
            line["entity_id"]
            for line in await self.lines()
            if line.get("state") == STATE_UNAVAILABLE
        ]
