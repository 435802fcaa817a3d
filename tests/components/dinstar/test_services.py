"""The send_sms and stop_sms_task actions against the simulator."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator


async def send(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


async def test_send_with_params_and_parts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    response = await send(
        hass, init_integration,
        number=["+4917612345678", "10086"],
        message="Hello #param#, the door is open",
        params={"+4917612345678": ["Ada"]},
        port=[1],
    )  # fmt: skip
    assert len(response["task_ids"]) == 1
    assert response["encoding"] == "gsm_7bit"
    assert response["messages"] == [
        {"number": "+4917612345678", "user_id": 1, "parts": 1},
        {"number": "10086", "user_id": 2, "parts": 1},
    ]
    sent = simulator.state.sent_messages
    assert [(m.number, m.text, m.port, m.user_id, m.encoding) for m in sent] == [
        ("+4917612345678", "Hello Ada, the door is open", 1, 1, "gsm-7bit"),
        ("10086", "Hello #param#, the door is open", 1, 2, "gsm-7bit"),
    ]
    assert sent[0].report is True


async def test_encoding_follows_the_filled_in_texts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A GSM template whose #param# brings a character outside GSM goes as unicode."""
    response = await send(
        hass, init_integration, number=["10086"], message="Hi #param#", params={"10086": ["温"]}
    )
    assert response["encoding"] == "unicode"
    assert [m.encoding for m in simulator.state.sent_messages] == ["unicode"]


async def test_unicode_and_many_recipients(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    numbers = [f"+4915{n:08d}" for n in range(300)]
    response = await send(
        hass, init_integration, number=numbers, message="温度过高" * 20, status_report=False
    )
    assert len(response["task_ids"]) == 3
    assert response["encoding"] == "unicode"
    assert {m["parts"] for m in response["messages"]} == {2}
    assert len(simulator.state.sent_messages) == 300
    assert {m.encoding for m in simulator.state.sent_messages} == {"unicode"}
    assert {m.report for m in simulator.state.sent_messages} == {False}


async def test_user_ids_survive_a_restart(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    first = await send(hass, init_integration, number="10086", message="a")
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    second = await send(hass, init_integration, number=["10086", "10010"], message="b")
    assert first["messages"][0]["user_id"] == 1
    assert [m["user_id"] for m in second["messages"]] == [2, 3]


async def test_numbers_as_people_write_them(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The list editor's empty rows are skipped; spaces, dashes, dots and brackets dropped."""
    response = await send(
        hass,
        init_integration,
        number=["", "+49 (176) 123-45.678", "  "],
        message="Hello #param#",
        params={"+49 176 12345678": ["Ada"]},
    )
    assert [m["number"] for m in response["messages"]] == ["+4917612345678"]
    sent = simulator.state.sent_messages
    assert [(m.number, m.text) for m in sent] == [("+4917612345678", "Hello Ada")]


async def test_a_bad_number_is_quoted(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, init_integration, number=["10086", " 12ab "], message="hi")
    assert str(err.value).startswith('"12ab" is not a phone number')
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, init_integration, number=[""], message="hi")
    assert err.value.translation_key == "no_target"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"number": "12ab"}, "invalid_number"),
        ({"number": "1" * 25}, "invalid_number"),
        ({"message": "x" * 1501}, "message_too_long"),
        ({"port": [9]}, "invalid_port"),
        ({"params": {"999": ["x"]}}, "params_without_number"),
    ],
)
async def test_bad_input_sends_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, init_integration, **{"number": "10086", "message": "hi", **data})
    assert err.value.translation_key == key
    assert simulator.state.sent_messages == []
    assert simulator.state.requests["/api/send_sms"] == 0


async def test_unknown_or_unloaded_gateway(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": "nope", "number": "1", "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "service_config_entry_not_found"
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, init_integration, number="1", message="x")
    assert err.value.translation_key == "service_config_entry_not_loaded"


async def test_gateway_failure_is_named(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.faults.error_500 = True
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, init_integration, number="10086", message="x")
    assert err.value.translation_key == "cannot_connect"
    assert err.value.translation_placeholders == {"action": "send_sms"}


async def test_stop_sms_task(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.config.send_delay = 5
    response = await send(
        hass, init_integration, number=[f"1{n:04d}" for n in range(4)], message="x", port=[0]
    )
    await hass.services.async_call(
        DOMAIN,
        "stop_sms_task",
        {"config_entry_id": init_integration.entry_id, "task_id": response["task_ids"][0]},
        blocking=True,
    )
    assert {m.status for m in simulator.state.sent_messages[1:]} == {"FAILED"}
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "stop_sms_task",
            {"config_entry_id": init_integration.entry_id, "task_id": 999},
            blocking=True,
        )
    assert err.value.translation_key == "unknown_task"
    simulator.state.faults.error_500 = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "stop_sms_task",
            {"config_entry_id": init_integration.entry_id, "task_id": 1},
            blocking=True,
        )
    assert err.value.translation_key == "cannot_connect"


async def test_a_number_listed_twice_is_refused_before_any_request(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The same number, however written: an error naming it, and nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await send(
            hass,
            init_integration,
            number=["10086", "+4917612345678", "100 86"],
            message="Hello",
        )
    assert err.value.translation_key == "number_listed_twice"
    assert err.value.translation_placeholders == {"number": "100 86", "first": "10086"}
    assert str(err.value) == (
        'The number "100 86" is listed twice (the first time as "10086"): list each recipient once'
    )
    assert simulator.state.sent_messages == []
