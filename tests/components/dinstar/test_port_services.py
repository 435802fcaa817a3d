"""USSD, SIM Toolkit, port, call forwarding and record actions against the simulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.sim import ussd
from dinstar_dev.gateway_simulator import Simulator, actions as simulator_actions

from .conftest import WEBHOOK_ID


async def act(hass: HomeAssistant, entry: MockConfigEntry, name: str, /, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, name, {"config_entry_id": entry.entry_id, **data}, blocking=True,
        return_response=name not in ("cancel_ussd", "set_port", "set_call_forwarding"),
    )  # fmt: skip


async def test_ussd_reply_by_push(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    response = await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert response == {
        "port": 1,
        "code": "*100#",
        "reply": f"Your balance is {simulator.state.ports[1].remain_credit} EUR",
    }


async def test_ussd_reply_by_polling(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)  # no push comes: do not wait 3 s
    response = await act(hass, init_integration, "send_ussd", port=2, code="*999#")
    assert response["reply"] == "Unknown USSD code"
    await act(hass, init_integration, "cancel_ussd", port=2)
    assert simulator.state.ports[2].ussd_reply == ""


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"port": 1, "code": "*" * 61}, "invalid_ussd"),
        ({"port": 9, "code": "*100#"}, "invalid_port"),
    ],
)
async def test_ussd_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "send_ussd", **data)
    assert err.value.translation_key == key


async def test_ussd_refused_by_the_gateway(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Registered at the last refresh, not any more: the gateway's 503 is an error of its own."""
    simulator.state.ports[1].reg = "UNREGISTER"
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "ussd_not_registered"
    assert err.value.translation_placeholders == {"port": "1"}
    assert str(err.value) == "Port 1 has no registered SIM, so it cannot send a USSD code"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"sim": False}, "ussd_no_sim", "Port 1 has no SIM, so it cannot send a USSD code"),
        (
            {"reg": "PIN_REQUIRE"},
            "ussd_pin_required",
            "The SIM in port 1 asks for its PIN, so it cannot send a USSD code",
        ),
        (
            {"reg": "PUK_REQUIRE"},
            "ussd_puk_required",
            "The SIM in port 1 asks for its PUK, so it cannot send a USSD code",
        ),
        (
            {"reg": "UNREGISTER"},
            "ussd_not_registered",
            "Port 1 has no registered SIM, so it cannot send a USSD code",
        ),
        (
            {"reg": "SEARCHING_NETWORK"},
            "ussd_not_registered",
            "Port 1 has no registered SIM, so it cannot send a USSD code",
        ),
        (
            {"power": "off"},
            "ussd_powered_off",
            "The module of port 1 is switched off, so it cannot send a USSD code",
        ),
    ],
)
async def test_ussd_on_a_port_that_cannot_answer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    control: Callable[..., Awaitable[Any]],
    change: dict[str, Any],
    key: str,
    message: str,
) -> None:
    """As the last refresh saw the port: nothing reaches the gateway, the error says why."""
    await control("POST", "ports/1", change)
    await init_integration.runtime_data.coordinator.async_refresh()
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert (err.value.translation_key, err.value.translation_placeholders) == (key, {"port": "1"})
    assert str(err.value) == message
    assert simulator.state.requests["/api/send_ussd"] == 0
    assert simulator.state.requests["/api/query_ussd_reply"] == 0


async def test_ussd_on_a_busy_port(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A port in a call: the gateway answers 486, told as what is happening on the port."""
    simulator.state.ports[1].callstate = "Active"
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert err.value.translation_key == "ussd_port_busy"
    assert str(err.value) == (
        "Port 1 is busy (sending or in a call); try the USSD code again in a moment"
    )


async def test_ussd_status_unknown_to_the_specification(
    hass: HomeAssistant, init_integration: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A firmware's own refusal code is quoted, as nothing better can be said of it."""
    monkeypatch.setattr(simulator_actions, "send_ussd", lambda *_: 500)
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert err.value.translation_key == "ussd_refused"
    assert err.value.translation_placeholders == {"port": "1", "status": "500"}


async def test_ussd_timeout(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)
    simulator.config.ussd_delay = 60
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#", timeout=1)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "ussd_timeout"


async def test_the_same_reply_twice_by_polling(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No push: a reply equal to the last is new once the gateway showed none in between."""
    monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)
    simulator.config.ussd_delay = 0.3
    expected = f"Your balance is {simulator.state.ports[1].remain_credit} EUR"
    for _ in range(2):
        response = await act(hass, init_integration, "send_ussd", port=1, code="*100#", timeout=3)
        assert response["reply"] == expected


async def test_a_kept_reply_is_not_taken_for_the_answer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A firmware that shows the last reply until the next: only another text is the answer."""
    monkeypatch.setattr(ussd, "USSD_POLL_AFTER", 0.05)
    simulator.state.faults.ussd_reply_kept = True
    port = simulator.state.ports[1]
    first = (await act(hass, init_integration, "send_ussd", port=1, code="*100#"))["reply"]
    simulator.config.ussd_delay = 60  # the network does not answer the next code in time
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code="*100#", timeout=1.5)
    assert err.value.translation_key == "ussd_timeout"
    assert port.ussd_reply == first
    await act(hass, init_integration, "cancel_ussd", port=1)
    simulator.config.ussd_delay = 0.05
    port.remain_credit = "12.00"
    response = await act(hass, init_integration, "send_ussd", port=1, code="*100#")
    assert response["reply"] == "Your balance is 12.00 EUR"


@pytest.mark.parametrize(
    ("code", "key", "placeholders"),
    [
        ("   ", "ussd_code_blank", {}),
        ("", "ussd_code_blank", {}),
        ("*100#\n", "ussd_code_control", {"code": "*100#\n"}),
        ("*1\t00#", "ussd_code_control", {"code": "*1\t00#"}),
    ],
)
async def test_ussd_code_that_is_no_code(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    code: str,
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Spaces alone, a line break or a tab: refused in words, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "send_ussd", port=1, code=code)
    assert (err.value.translation_key, err.value.translation_placeholders) == (key, placeholders)
    assert simulator.state.requests["/api/send_ussd"] == 0


async def test_sim_toolkit(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    home = await act(hass, init_integration, "stk_get_view", port=0)
    assert home["title"] == "SIM Services"
    assert [item["text"] for item in home["items"]] == ["Balance", "Top up", "Settings"]
    balance = await act(hass, init_integration, "stk_select", port=0, item=1)
    assert (balance["text"], balance["input_type"]) == ("Your balance is 12.34 EUR", 0)
    assert balance["frame_id"] == home["frame_id"] + 1
    back = await act(hass, init_integration, "stk_select", port=0, action="home")
    assert back["title"] == "SIM Services"
    await act(hass, init_integration, "stk_select", port=0, item=2)
    done = await act(hass, init_integration, "stk_select", port=0, param="12345678")
    assert done["text"] == "Voucher accepted"
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "stk_select", port=0)
    assert err.value.translation_key == "invalid_parameter"


async def test_set_port(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    await act(hass, init_integration, "set_port", port=1, action="power", param="off")
    assert simulator.state.ports[1].powered is False
    await act(hass, init_integration, "set_port", port=1, action="imei", param="863070017005173")
    assert simulator.state.ports[1].imei == "863070017005173"
    for data in (
        {"action": "power", "param": "maybe"},
        {"action": "slot", "param": "7"},
        {"action": "lock", "param": "12"},
    ):
        with pytest.raises(ServiceValidationError) as err:
            await act(hass, init_integration, "set_port", port=1, **data)
        assert err.value.translation_key == "invalid_parameter"
    assert simulator.state.ports[1].powered is False


async def test_call_forwarding(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    await act(
        hass,
        init_integration,
        "set_call_forwarding",
        port=1,
        condition="busy",
        number="15013828917",
    )
    assert await act(hass, init_integration, "get_call_forwarding", port=1) == {
        "port": 1,
        "forwarding": {"Busy": "15013828917"},
    }
    await act(hass, init_integration, "set_call_forwarding", port=1, condition="cancel_all")
    assert await act(hass, init_integration, "get_call_forwarding", port=1) == {
        "port": 1,
        "forwarding": {},
    }
    # The API's own spelling, which automations of the first versions use, still works.
    await act(
        hass, init_integration, "set_call_forwarding", port=1, condition="NoReply", number="1"
    )
    assert (await act(hass, init_integration, "get_call_forwarding", port=1))["forwarding"] == {
        "NoReply": "1"
    }
    with pytest.raises(vol.Invalid):
        await act(hass, init_integration, "set_call_forwarding", port=1, condition="Sometimes")
    with pytest.raises(ServiceValidationError):
        await act(hass, init_integration, "set_call_forwarding", port=1, condition="busy")


async def test_records(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    records = (await act(hass, init_integration, "get_call_records"))["records"]
    assert len(records) == len(simulator.state.cdrs)
    assert isinstance(records[0]["start_date"], str)
    only = (await act(hass, init_integration, "get_call_records", port=[records[0]["port"]]))[
        "records"
    ]
    assert {record["port"] for record in only} == {records[0]["port"]}
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": init_integration.entry_id, "number": "10086", "message": "x"},
        blocking=True,
    )
    results = (await act(hass, init_integration, "get_sms_results", user_id=[1]))["results"]
    assert [(r["number"], r["user_id"]) for r in results] == [("10086", 1)]
    reports = (
        await act(
            hass,
            init_integration,
            "get_delivery_reports",
            number=["10086"],
            start="2000-01-01 00:00:00",
        )
    )["reports"]
    assert all(report["number"] == "10086" for report in reports)


async def test_gateway_failure(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.faults.error_500 = True
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, init_integration, "get_call_records")
    assert err.value.translation_placeholders["action"] == "get_call_records"


@pytest.mark.parametrize(
    ("name", "data", "key", "placeholders"),
    [
        (
            "get_sms_results",
            {"number": ["10086", "call-me"]},
            "field_not_a_number",
            {"field": "number", "value": "call-me"},
        ),
        (
            "get_delivery_reports",
            {"number": "1" * 25},
            "field_not_a_number",
            {"field": "number", "value": "1" * 25},
        ),
        (
            "get_sms_results",
            {"user_id": [1, 2**31]},
            "field_out_of_range",
            {"field": "user_id", "value": str(2**31), "min": "0", "max": str(2**31 - 1)},
        ),
        (
            "get_sms_results",
            {"user_id": -1},
            "field_out_of_range",
            {"field": "user_id", "value": "-1", "min": "0", "max": str(2**31 - 1)},
        ),
        (
            "stk_select",
            {"port": 0, "item": -5},
            "field_out_of_range",
            {"field": "item", "value": "-5", "min": "1", "max": "255"},
        ),
        *(
            (
                name,
                {"start": "2026-03-02 08:00:00", "end": "2026-03-01 08:00:00"},
                "start_after_end",
                {"start": "2026-03-02 08:00:00", "end": "2026-03-01 08:00:00"},
            )
            for name in ("get_call_records", "get_sms_results", "get_delivery_reports")
        ),
    ],
)
async def test_fields_refused_in_words(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    name: str,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Each error names the field and the value; nothing reaches the gateway."""
    before = dict(simulator.state.requests)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, name, **data)
    assert (err.value.translation_key, err.value.translation_placeholders) == (key, placeholders)
    assert simulator.state.requests == before


async def test_refusals_read_as_words(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The messages as a user reads them."""
    for name, data, message in (
        (
            "get_sms_results",
            {"number": "call-me"},
            (
                'The number "call-me" is not a phone number: digits only (an international +'
                " allowed first), at most 24 characters"
            ),
        ),
        ("stk_select", {"port": 0, "item": -5}, "The item -5 is not between 1 and 255"),
        (
            "get_call_records",
            {"start": "2026-03-02 08:00:00", "end": "2026-03-01 08:00:00"},
            (
                "The start, 2026-03-02 08:00:00, is after the end, 2026-03-01 08:00:00: nothing"
                " lies between them"
            ),
        ),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await act(hass, init_integration, name, **data)
        assert str(err.value) == message
