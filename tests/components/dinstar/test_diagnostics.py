"""Diagnostics: everything personal redacted."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.dinstar.const import CONF_DRP_PASSWORD, CONF_DRP_USERNAME, CONF_SERIAL
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

from .conftest import PASSWORD, SERIAL, USERNAME


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot(exclude=props("port"))
    text = str(diagnostics)
    for secret in (PASSWORD, SERIAL, "dinstar-test-webhook"):
        assert secret not in text
    assert diagnostics["ports"][0]["imsi"] == "**REDACTED**"


class TestThroughDrp:
    """A gateway reached through its DRP server: that account is redacted too."""

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, drp=True)

    async def test_the_drp_account_is_redacted(
        self,
        hass: HomeAssistant,
        hass_client: ClientSessionGenerator,
        mock_config_entry: MockConfigEntry,
    ) -> None:
        mock_config_entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(
            mock_config_entry,
            data={
                **mock_config_entry.data,
                CONF_DRP_USERNAME: USERNAME,
                CONF_DRP_PASSWORD: PASSWORD,
                CONF_SERIAL: SERIAL,
            },
        )
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
        assert diagnostics["entry"]["data"][CONF_DRP_PASSWORD] == "**REDACTED**"
        assert diagnostics["entry"]["data"][CONF_DRP_USERNAME] == "**REDACTED**"
        for secret in (PASSWORD, SERIAL):
            assert secret not in str(diagnostics)


class TestSubentries:
    """What was set up on the gateway is there for support; who and the PIN are not."""

    @pytest.fixture
    def subentries(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("contact", {"name": "Ada Lovelace", "number": "+4917612345678", "assist": True}),
            ("assist", {"pin": "975310", "max_parts": 2, "rate_limit": 5, "daily_cap": 50}),
        ]

    async def test_subentries_are_listed_redacted(
        self,
        hass: HomeAssistant,
        hass_client: ClientSessionGenerator,
        init_with_subentries: MockConfigEntry,
    ) -> None:
        diagnostics = await get_diagnostics_for_config_entry(
            hass, hass_client, init_with_subentries
        )
        listed = {item["subentry_type"]: item for item in diagnostics["subentries"]}
        assert set(listed) == {"contact", "assist"}
        assert listed["contact"]["data"] == {
            "name": "**REDACTED**",
            "number": "**REDACTED**",
            "assist": True,
        }
        assert listed["assist"]["data"]["pin"] == "**REDACTED**"
        assert listed["assist"]["data"]["rate_limit"] == 5
        assert set(init_with_subentries.subentries) == {
            item["subentry_id"] for item in diagnostics["subentries"]
        }
        for secret in ("Ada Lovelace", "+4917612345678", "975310"):
            assert secret not in str(diagnostics)


class TestFailover:
    """Why an alarm went where it went: the pool's messages of this gateway, who and what redacted."""

    @pytest.fixture
    def subentries(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("contact", {"name": "Ada", "number": "+4917612345678", "port": 6, "pool": "all"}),
        ]

    async def test_messages_out_and_todays_counts(
        self,
        hass: HomeAssistant,
        hass_client: ClientSessionGenerator,
        init_with_subentries: MockConfigEntry,
        simulator: Simulator,
    ) -> None:
        (ada,) = init_with_subentries.subentries
        simulator.state.faults.hold_queue = True  # accepted, never sent nor reported
        await hass.services.async_call(
            "notify",
            "send_message",
            {"entity_id": "notify.contact_sms", "message": "Alarm at home"},
            blocking=True,
        )
        # No outcome within 2 minutes: the next port takes it over, a failover.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=121))
        await hass.async_block_till_done()
        diagnostics = await get_diagnostics_for_config_entry(
            hass, hass_client, init_with_subentries
        )
        failover = diagnostics["failover"]
        assert (failover["failed_over_today"], failover["contacts_failed_over_today"]) == (
            1,
            {ada: 1},
        )
        (message,) = failover["messages"]
        assert (message["number"], message["text"], message["contact"]) == (
            "**REDACTED**",
            "**REDACTED**",
            ada,
        )
        assert [(a["port"], a["outcome"], a["reason"]) for a in message["attempts"]] == [
            (6, "timed_out", "no outcome within 120 s"),
            (1, "pending", None),
        ]
        for secret in ("+4917612345678", "Alarm at home"):
            assert secret not in str(diagnostics)
