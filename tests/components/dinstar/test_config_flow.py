"""The config flow against the real simulator: every path, every error and its recovery."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar
from unittest.mock import ANY, patch

from aiohttp import web
from aiohttp.test_utils import TestServer
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.aiodinstar import AuthScheme
from custom_components.dinstar.const import (
    CONF_AUTH_SCHEME,
    CONF_CERTIFICATE,
    CONF_DRP_PASSWORD,
    CONF_DRP_USERNAME,
    CONF_FINGERPRINT,
    CONF_INCOMING_MODE,
    CONF_MAC,
    CONF_PORTS,
    CONF_PRIVATE_SMS,
    CONF_REMOVED_PORTS,
    CONF_SERIAL,
    CONF_USE_HTTPS,
    DOMAIN,
    CertificateMode,
    IncomingMode,
)
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

from .conftest import PASSWORD, SERIAL, USERNAME

pytestmark = pytest.mark.usefixtures("enable_custom_integrations")


def direct_input(simulator: Simulator, **changes: Any) -> dict[str, Any]:
    return {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_USE_HTTPS: simulator.url.startswith("https"),
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: PASSWORD,
        **changes,
    }


def add_entry(hass: HomeAssistant, entry: MockConfigEntry, **changes: Any) -> None:
    """The simulator's entry, added with some of its data changed."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, **changes})


async def start_direct(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["direct", "drp"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "direct"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "direct"
    return result


async def choose_certificate(
    hass: HomeAssistant, result: dict[str, Any], mode: CertificateMode, *, default: CertificateMode
) -> dict[str, Any]:
    """Answer the certificate step, checking the choice it offers first."""
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "certificate")
    (field,) = result["data_schema"].schema
    assert (field.schema, field.default()) == (CONF_CERTIFICATE, default)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CERTIFICATE: mode}
    )


async def finish_with_webhook(
    hass: HomeAssistant, result: dict[str, Any], step_id: str = "webhook"
) -> dict[str, Any]:
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step_id
    assert result["description_placeholders"] == {"url": ANY}
    assert "/api/webhook/" in result["description_placeholders"]["url"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    return result


@pytest.mark.parametrize(
    "internal_url", ["http://192.168.1.10:8123", "http://homeassistant.local:8123"]
)
async def test_webhook_url_is_the_local_one(
    hass: HomeAssistant, simulator: Simulator, internal_url: str
) -> None:
    """The gateway sits on the local network: it is shown the internal URL, not the external."""
    await async_process_ha_core_config(
        hass, {"internal_url": internal_url, "external_url": "https://ha.example.com"}
    )
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert result["description_placeholders"]["url"].startswith(f"{internal_url}/api/webhook/")
    assert (result["step_id"], result["errors"]) == ("webhook", {})
    # A gateway that offers digest: nothing on the form about Basic.
    assert [str(key) for key in result["data_schema"].schema] == [CONF_NAME]


@pytest.mark.parametrize(
    "internal_url",
    [
        "http://127.0.0.1:8123",
        "http://[::1]:8123",
        "http://localhost:8123",
        "http://169.254.3.4:8123",
    ],
)
async def test_webhook_url_the_gateway_cannot_reach(
    hass: HomeAssistant, simulator: Simulator, internal_url: str
) -> None:
    """A loopback or link-local URL: the same form with a note, not an error; the entry is made."""
    await async_process_ha_core_config(hass, {"internal_url": internal_url})
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert result["description_placeholders"]["url"].startswith(internal_url)
    assert result["errors"] == {}
    await finish_with_webhook(hass, result, "webhook_unreachable")


async def test_direct_http(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    result = await finish_with_webhook(hass, result)
    assert result["title"] == "Dinstar 2817"
    assert result["result"].unique_id == SERIAL
    data = dict(result["data"])
    assert data.pop(CONF_WEBHOOK_ID)
    assert data == {**direct_input(simulator), CONF_AUTH_SCHEME: AuthScheme.DIGEST}


async def test_basic_only_gateway_is_named_and_remembered(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Old firmware offering Basic alone: a box accepts it, ticked; the entry keeps Basic."""
    simulator.state.faults.auth = "basic"
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    accept = next(key for key in result["data_schema"].schema if key == "accept_basic")
    assert accept.default() is True
    # Unticked, nothing is made: Home Assistant cannot log in to it otherwise.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Old gateway", "accept_basic": False}
    )
    assert result["errors"] == {"accept_basic": "basic_declined"}
    name = next(key for key in result["data_schema"].schema if key == CONF_NAME)
    assert name.default() == "Old gateway"  # what was typed stays
    result = await finish_with_webhook(hass, result)
    assert result["title"] == "Old gateway"
    assert result["data"][CONF_AUTH_SCHEME] == AuthScheme.BASIC
    assert "accept_basic" not in result["data"]
    assert result["result"].minor_version == 2


async def test_reauth_while_locked_out_says_to_wait(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway answers 403 to everything after failed logins: not "cannot connect"."""
    simulator.state.faults.lockout_after = 1
    simulator.state.faults.lockout_seconds = 600
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    assert simulator.auth.failed_logins == 1
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {"base": "locked_out"}
    assert result["description_placeholders"]["minutes"] == "10"


async def test_user_names_the_gateway(hass: HomeAssistant, simulator: Simulator) -> None:
    """The name asked at the end is the entry's title; no password is suggested."""
    result = await start_direct(hass)
    password = next(key for key in result["data_schema"].schema if key.schema == CONF_PASSWORD)
    assert (password.description or {}).get("suggested_value") is None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Office gateway"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Office gateway"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, CONF_PASSWORD, "invalid_auth"),
        ({CONF_PORT: 1}, CONF_HOST, "cannot_connect"),
    ],
)
async def test_direct_errors_recover(
    hass: HomeAssistant, simulator: Simulator, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    await finish_with_webhook(hass, result)


async def test_a_web_server_that_is_not_a_gateway(
    hass: HomeAssistant, simulator: Simulator, socket_enabled: None
) -> None:
    """A page where the API's JSON should be: nothing to add, and the form stays usable."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>Router login</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{path:.*}", page)
    async with TestServer(app, host="127.0.0.1") as server:
        result = await start_direct(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PORT: server.port})
        )
    assert (result["step_id"], result["errors"]) == ("direct", {"base": "cannot_connect"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    await finish_with_webhook(hass, result)


async def test_unexpected_error_recovers(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await start_direct(hass)
    # Nothing the gateway can answer makes the client raise anything but its own errors.
    with patch(
        "custom_components.dinstar.aiodinstar.DinstarClient.get_port_info", side_effect=RuntimeError
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    await finish_with_webhook(hass, result)


async def test_already_configured(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


class TestHttps:
    """Pinning the certificate on first use, and not verifying it."""

    # An entry that pinned another certificate than the one the gateway shows.
    PINNED_ELSEWHERE: ClassVar[dict[str, Any]] = {
        CONF_USE_HTTPS: True,
        CONF_CERTIFICATE: CertificateMode.PIN,
        CONF_FINGERPRINT: "ab" * 32,
    }

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, https=True)

    @staticmethod
    async def pin_again(
        hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
    ) -> dict[str, Any]:
        """Reconfigure to pin the certificate the gateway shows now; the flow's end."""
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        return await choose_certificate(
            hass, result, CertificateMode.PIN, default=CertificateMode(entry.data[CONF_CERTIFICATE])
        )

    async def test_pin_shows_and_keeps_the_fingerprint(
        self, hass: HomeAssistant, simulator: Simulator
    ) -> None:
        result = await start_direct(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        assert result["step_id"] == "certificate"
        shown = result["description_placeholders"]["fingerprint"]
        assert shown.replace(":", "").lower() == simulator.certificate_fingerprint
        result = await choose_certificate(
            hass, result, CertificateMode.PIN, default=CertificateMode.PIN
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_CERTIFICATE] == CertificateMode.PIN
        assert result["data"][CONF_FINGERPRINT] == simulator.certificate_fingerprint

    async def test_a_certificate_that_cannot_be_read_goes_back(
        self, hass: HomeAssistant, simulator: Simulator
    ) -> None:
        """Nothing answers TLS there: the address form again, then the right port passes."""
        result = await start_direct(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PORT: 1})
        )
        assert (result["step_id"], result["errors"]) == ("direct", {CONF_HOST: "cannot_connect"})
        assert result["description_placeholders"] == {"minutes": "10"}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        result = await choose_certificate(
            hass, result, CertificateMode.PIN, default=CertificateMode.PIN
        )
        await finish_with_webhook(hass, result)

    async def test_a_failed_login_goes_back_and_keeps_the_choice(
        self, hass: HomeAssistant, simulator: Simulator
    ) -> None:
        """The password is on the first form: the flow returns there, then asks again."""
        result = await start_direct(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: "wrong"})
        )
        result = await choose_certificate(
            hass, result, CertificateMode.NO_VERIFY, default=CertificateMode.PIN
        )
        assert (result["step_id"], result["errors"]) == ("direct", {CONF_PASSWORD: "invalid_auth"})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        result = await choose_certificate(
            hass, result, CertificateMode.NO_VERIFY, default=CertificateMode.NO_VERIFY
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_CERTIFICATE] == CertificateMode.NO_VERIFY

    async def test_no_verify(self, hass: HomeAssistant, simulator: Simulator) -> None:
        result = await start_direct(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        result = await choose_certificate(
            hass, result, CertificateMode.NO_VERIFY, default=CertificateMode.PIN
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_CERTIFICATE] == CertificateMode.NO_VERIFY
        assert CONF_FINGERPRINT not in result["data"]

    async def test_dhcp_confirm_asks_for_the_certificate(
        self, hass: HomeAssistant, simulator: Simulator
    ) -> None:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info()
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: "wrong"})
        )
        result = await choose_certificate(
            hass, result, CertificateMode.PIN, default=CertificateMode.PIN
        )
        assert (result["step_id"], result["errors"]) == (
            "dhcp_confirm",
            {CONF_PASSWORD: "invalid_auth"},
        )
        assert result["description_placeholders"] == {"host": "127.0.0.1", "minutes": "10"}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator)
        )
        result = await choose_certificate(
            hass, result, CertificateMode.PIN, default=CertificateMode.PIN
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_MAC] == "f8:a0:3d:48:e5:19"
        assert result["data"][CONF_FINGERPRINT] == simulator.certificate_fingerprint

    async def test_reconfigure_offers_the_stored_choice_and_goes_back(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
    ) -> None:
        """Not verified before: that is the default; a failed login returns to the form."""
        add_entry(hass, mock_config_entry, **{CONF_USE_HTTPS: True})
        result = await mock_config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: "wrong"})
        )
        result = await choose_certificate(
            hass, result, CertificateMode.NO_VERIFY, default=CertificateMode.NO_VERIFY
        )
        assert (result["step_id"], result["errors"]) == (
            "reconfigure",
            {CONF_PASSWORD: "invalid_auth"},
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: ""})
        )
        result = await choose_certificate(
            hass, result, CertificateMode.NO_VERIFY, default=CertificateMode.NO_VERIFY
        )
        assert result["reason"] == "reconfigure_successful"
        assert mock_config_entry.data[CONF_PASSWORD] == PASSWORD
        assert CONF_FINGERPRINT not in mock_config_entry.data

    async def test_reauth_reports_a_changed_certificate(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
    ) -> None:
        add_entry(hass, mock_config_entry, **self.PINNED_ELSEWHERE)
        result = await mock_config_entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
        )
        assert result["errors"] == {"base": "certificate_mismatch"}

    async def test_reconfigure_pins_again(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
    ) -> None:
        mock_config_entry.add_to_hass(hass)
        result = await self.pin_again(hass, mock_config_entry, simulator)
        assert (result["type"], result["reason"]) == (
            FlowResultType.ABORT,
            "reconfigure_successful",
        )
        assert mock_config_entry.data[CONF_FINGERPRINT] == simulator.certificate_fingerprint

    async def test_a_changed_certificate_is_a_repair_until_pinned_again(
        self,
        hass: HomeAssistant,
        mock_config_entry: MockConfigEntry,
        simulator: Simulator,
        issue_registry: ir.IssueRegistry,
    ) -> None:
        add_entry(hass, mock_config_entry, **self.PINNED_ELSEWHERE)
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
        assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
        issue_id = f"certificate_changed_{mock_config_entry.entry_id}"
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
        result = await self.pin_again(hass, mock_config_entry, simulator)
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
        assert mock_config_entry.state is ConfigEntryState.LOADED
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


class TestDrp:
    """A gateway behind NAT through a DRP server."""

    @pytest.fixture
    def simulator_config(
        self, simulator_config: SimulatorConfig, request: pytest.FixtureRequest
    ) -> SimulatorConfig:
        """A DRP server; over HTTPS when a test asks (``indirect`` parameter)."""
        https = getattr(request, "param", False)
        return dataclasses.replace(simulator_config, drp=True, https=https)

    @staticmethod
    def drp_input(simulator: Simulator, **changes: Any) -> dict[str, Any]:
        return {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USE_HTTPS: False,
            CONF_DRP_USERNAME: USERNAME,
            CONF_DRP_PASSWORD: PASSWORD,
            CONF_SERIAL: SERIAL,
            CONF_USERNAME: USERNAME,
            CONF_PASSWORD: PASSWORD,
            **changes,
        }

    @pytest.mark.parametrize(
        ("changes", "errors"),
        [
            ({CONF_DRP_PASSWORD: "wrong"}, {CONF_DRP_PASSWORD: "invalid_drp_auth"}),
            ({CONF_SERIAL: "0000-0000-0000-0000"}, {"base": "cannot_connect"}),
        ],
    )
    async def test_drp_errors_then_success(
        self,
        hass: HomeAssistant,
        simulator: Simulator,
        changes: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "drp"}
        )
        assert result["step_id"] == "drp"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], self.drp_input(simulator, **changes)
        )
        assert (result["step_id"], result["errors"]) == ("drp", errors)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], self.drp_input(simulator)
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_SERIAL] == SERIAL
        assert result["data"][CONF_CERTIFICATE] == CertificateMode.NO_VERIFY

    @pytest.mark.parametrize("simulator_config", [True], indirect=True)
    async def test_drp_over_https_asks_no_certificate(
        self, hass: HomeAssistant, simulator: Simulator
    ) -> None:
        """The DRP server's certificate is never verified: no certificate step."""
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "drp"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], self.drp_input(simulator, **{CONF_USE_HTTPS: True})
        )
        result = await finish_with_webhook(hass, result)
        assert result["data"][CONF_CERTIFICATE] == CertificateMode.NO_VERIFY
        assert CONF_FINGERPRINT not in result["data"]

    async def test_reconfigure_behind_drp_changes_the_drp_account(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
    ) -> None:
        """The DRP form, no password carried; empty ones keep what is stored."""
        add_entry(
            hass, mock_config_entry, **self.drp_input(simulator, **{CONF_DRP_PASSWORD: "old"})
        )
        result = await mock_config_entry.start_reconfigure_flow(hass)
        assert {CONF_DRP_USERNAME, CONF_SERIAL} <= set(result["data_schema"].schema)
        assert CONF_CERTIFICATE not in result["data_schema"].schema
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            self.drp_input(simulator, **{CONF_DRP_PASSWORD: PASSWORD, CONF_PASSWORD: ""}),
        )
        assert (result["type"], result["reason"]) == (
            FlowResultType.ABORT,
            "reconfigure_successful",
        )
        assert mock_config_entry.data[CONF_DRP_PASSWORD] == PASSWORD
        assert mock_config_entry.data[CONF_PASSWORD] == PASSWORD

    async def test_reauth_behind_drp_asks_for_the_drp_account_too(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
    ) -> None:
        add_entry(
            hass, mock_config_entry, **self.drp_input(simulator, **{CONF_DRP_PASSWORD: "old-drp"})
        )
        result = await mock_config_entry.start_reauth_flow(hass)
        assert CONF_DRP_PASSWORD in result["data_schema"].schema
        logins = {CONF_DRP_USERNAME: USERNAME, CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**logins, CONF_DRP_PASSWORD: "still-wrong"}
        )
        assert result["errors"] == {CONF_DRP_PASSWORD: "invalid_drp_auth"}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**logins, CONF_DRP_PASSWORD: PASSWORD}
        )
        assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
        assert mock_config_entry.data[CONF_DRP_PASSWORD] == PASSWORD


def dhcp_info(ip: str = "127.0.0.1") -> DhcpServiceInfo:
    return DhcpServiceInfo(ip=ip, hostname="dinstar", macaddress="f8a03d48e519")


async def test_dhcp_discovery_confirm(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info()
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "dhcp_confirm")
    assert result["description_placeholders"] == {"host": "127.0.0.1", "minutes": "10"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: "wrong"})
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    result = await finish_with_webhook(hass, result)
    assert result["data"][CONF_MAC] == "f8:a0:3d:48:e5:19"
    assert result["result"].unique_id == SERIAL


async def test_dhcp_with_https_on_a_plain_http_gateway(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info()
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **{CONF_USE_HTTPS: True})
    )
    # The simulator speaks plain HTTP: no certificate to show, so the same form comes back.
    assert (result["step_id"], result["errors"]) == ("dhcp_confirm", {CONF_HOST: "cannot_connect"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    await finish_with_webhook(hass, result)


async def test_dhcp_updates_a_known_gateways_host(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    add_entry(hass, mock_config_entry, **{CONF_MAC: "f8:a0:3d:48:e5:19"})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("192.0.2.7")
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    assert mock_config_entry.data[CONF_HOST] == "192.0.2.7"


async def test_dhcp_leaves_a_drp_entrys_server_address(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Seen on the LAN, a gateway added through DRP keeps its host: the DRP server's."""
    add_entry(
        hass,
        mock_config_entry,
        **{
            CONF_HOST: "drp.example.com",
            CONF_DRP_USERNAME: USERNAME,
            CONF_MAC: "f8:a0:3d:48:e5:19",
        },
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("192.0.2.7")
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    assert mock_config_entry.data[CONF_HOST] == "drp.example.com"


# The old address is refused by the socket guard: to the client, a gateway that is gone.
@pytest.mark.filterwarnings("ignore:A test tried to use socket")
async def test_dhcp_moves_a_gateway_that_changed_address(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Retrying at its old address, the gateway is found at a new one and reloaded there."""
    add_entry(hass, mock_config_entry, **{CONF_HOST: "127.0.0.2", CONF_MAC: "f8:a0:3d:48:e5:19"})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("127.0.0.1")
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert "//127.0.0.1:" in mock_config_entry.runtime_data.client.base_url
    # Found again at the same address: nothing changes, nothing reloads.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("127.0.0.1")
    )
    assert result["reason"] == "already_configured"
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_dhcp_confirm_of_a_known_gateway_learns_its_address_and_mac(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Added by hand at another address: confirming updates the address and stores the MAC."""
    add_entry(hass, mock_config_entry, **{CONF_HOST: "127.0.0.2"})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("127.0.0.1")
    )
    assert result["step_id"] == "dhcp_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    assert mock_config_entry.data[CONF_HOST] == "127.0.0.1"
    assert mock_config_entry.data[CONF_MAC] == "f8:a0:3d:48:e5:19"


async def test_dhcp_of_a_gateway_added_by_hand(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info()
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")


async def test_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: "new-pass"}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    simulator.auth.password = "new-pass"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: "new-pass"}
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
    assert mock_config_entry.data[CONF_PASSWORD] == "new-pass"


async def test_reauth_refuses_another_gateway(
    hass: HomeAssistant, simulator: Simulator, enable_custom_integrations: None
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="another-gateway", data=direct_input(simulator)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "different_device")


async def test_reconfigure(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **{CONF_PORT: 1})
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}
    simulator.auth.password = "changed-on-the-gateway"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **{CONF_PASSWORD: "changed-on-the-gateway"})
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reconfigure_successful")
    assert mock_config_entry.data[CONF_PASSWORD] == "changed-on-the-gateway"


async def test_reconfigure_never_shows_the_stored_password(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The form does not carry it; left empty, the stored one is kept."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    password = next(key for key in result["data_schema"].schema if key == CONF_PASSWORD)
    assert PASSWORD not in str(password.description)
    without = direct_input(simulator, **{CONF_PASSWORD: ""})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], without)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reconfigure_successful")
    assert mock_config_entry.data[CONF_PASSWORD] == PASSWORD


async def test_reconfigure_refuses_another_gateway(
    hass: HomeAssistant, simulator: Simulator, enable_custom_integrations: None
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="another-gateway", data=direct_input(simulator)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "different_device")


async def test_options(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "init")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_SCAN_INTERVAL: 60, CONF_INCOMING_MODE: IncomingMode.BOTH, CONF_PORTS: ["0", "3"]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert (
        init_integration.options.items()
        >= {
            CONF_SCAN_INTERVAL: 60,
            CONF_INCOMING_MODE: IncomingMode.BOTH,
            CONF_PORTS: ["0", "3"],
            CONF_PRIVATE_SMS: False,
        }.items()
    )
    # Applied in place: port 3 (no SIM) shown, port 1 not.
    assert (
        hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_3_registration").state == "no_sim"
    )
    assert hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_1_registration") is None
    assert init_integration.runtime_data.coordinator.update_interval.total_seconds() == 60


async def test_options_default_ports_keep_following_sims(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Changing only the interval does not freeze the ports shown."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    defaults = {key.schema: key.default() for key in result["data_schema"].schema if key.default}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**defaults, CONF_SCAN_INTERVAL: 45}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert CONF_PORTS in defaults
    assert CONF_PORTS not in init_integration.options
    # A SIM plugged into port 3 later still brings its entities.
    simulator.state.ports[3].sim = simulator.state.make_sim()
    simulator.state.ports[3].reg = "REGISTER_OK"
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert (
        hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_3_registration").state
        == "register_ok"
    )


async def test_options_keep_the_ports_deleted(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Saving the options with the ports as shown does not bring a deleted port back."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_REMOVED_PORTS: [1]})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    defaults = {key.schema: key.default() for key in result["data_schema"].schema if key.default}
    assert "1" not in defaults[CONF_PORTS]
    result = await hass.config_entries.options.async_configure(result["flow_id"], defaults)
    await hass.async_block_till_done()
    assert mock_config_entry.options[CONF_REMOVED_PORTS] == [1]
    assert hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_1_registration") is None


async def test_reconfigure_https_without_tls(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator, **{CONF_USE_HTTPS: True})
    )
    assert (result["step_id"], result["errors"]) == ("reconfigure", {CONF_HOST: "cannot_connect"})


async def test_reconfigure_to_http_forgets_the_pin(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Nothing to trust over HTTP: a pinned certificate is not kept for a later HTTPS."""
    add_entry(
        hass,
        mock_config_entry,
        **{CONF_CERTIFICATE: CertificateMode.PIN, CONF_FINGERPRINT: "ab" * 32},
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert result["reason"] == "reconfigure_successful"
    assert CONF_CERTIFICATE not in mock_config_entry.data
    assert CONF_FINGERPRINT not in mock_config_entry.data


async def test_the_first_forms_do_not_ask_about_certificates(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Only HTTPS has a certificate: it is asked in a step of its own, after these."""
    mock_config_entry.add_to_hass(hass)
    direct = await start_direct(hass)
    dhcp = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info("192.0.2.8")
    )
    reconfigure = await mock_config_entry.start_reconfigure_flow(hass)
    for result in (direct, dhcp, reconfigure):
        assert {CONF_HOST, CONF_USE_HTTPS, CONF_PASSWORD} <= set(result["data_schema"].schema)
        assert CONF_CERTIFICATE not in result["data_schema"].schema


async def test_options_of_a_gateway_not_connected(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Its ports are unknown: the options say so instead of failing."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "not_loaded")


async def test_a_gateway_without_a_serial_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The serial is the entry's unique id: an answer without one adds nothing."""
    simulator.state.serial = ""
    result = await start_direct(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    assert result["errors"] == {"base": "no_serial"}
    simulator.state.serial = SERIAL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], direct_input(simulator)
    )
    await finish_with_webhook(hass, result)
