"""Turning Assist by SMS on: a PIN of six characters or more, or an explicit "no PIN"."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator
from tests.components.dinstar.conftest import form_fields, suggested_values

from .conftest import ALICE, KITCHEN, PIN, Receive, replies_to

FORM = {"max_parts": 2, "rate_limit": 5, "contact_daily_cap": 10, "daily_cap": 50}
ALLOWED = ("contact", {"name": "Alice", "number": ALICE, "assist": True})


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Alice may talk to Assist; Assist by SMS is not set up yet."""
    return [ALLOWED]


def issue(hass: HomeAssistant, entry: MockConfigEntry, kind: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


def assist_subentry_id(entry: MockConfigEntry) -> str:
    return next(
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == "assist"
    )


async def add(hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "assist"), context={"source": SOURCE_USER}
    )
    if result["type"] is FlowResultType.FORM:
        assert (result["step_id"], result["errors"]) == ("user", {})
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], user_input)
    await hass.async_block_till_done()
    return result


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "assist"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": assist_subentry_id(entry)},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    stored = entry.subentries[assist_subentry_id(entry)].data
    # What is stored is shown, but never the PIN.
    assert suggested_values(result) == {key: value for key, value in stored.items() if key != "pin"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], user_input)
    await hass.async_block_till_done()
    return result


async def test_a_pin_of_six_characters(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry
) -> None:
    # The frontend's number selector gives floats: the counts are kept as whole numbers.
    floats = {key: float(value) for key, value in FORM.items()}
    result = await add(hass, init_with_subentries, {**floats, "pin": f" {PIN} "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {**FORM, "no_pin": False, "pin": PIN}
    assert all(type(result["data"][key]) is int for key in FORM)
    assert (result["title"], result["unique_id"]) == ("Assist by SMS", "assist")
    assert issue(hass, init_with_subentries, "assist_no_pin") is None
    assert (await add(hass, init_with_subentries, FORM))["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        ({}, {"pin": "pin_required"}),
        ({"pin": "   "}, {"pin": "pin_required"}),
        ({"pin": "47110"}, {"pin": "pin_too_short"}),
        ({"pin": PIN, "no_pin": True}, {"no_pin": "pin_and_no_pin"}),
    ],
)
async def test_without_a_pin_or_the_choice_nothing_is_saved(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    user_input: dict[str, Any],
    errors: dict[str, str],
) -> None:
    result = await add(hass, init_with_subentries, {**FORM, **user_input})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert suggested_values(result) == {"no_pin": False, **FORM, **user_input}  # what was typed
    assert not any(
        sub.subentry_type == "assist" for sub in init_with_subentries.subentries.values()
    )


async def test_no_pin_by_choice_raises_a_repair_issue(
    hass: HomeAssistant,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Chosen explicitly: it answers without a PIN, and the issue says what that exposes."""
    result = await add(hass, init_with_subentries, {**FORM, "no_pin": True})
    assert result["data"] == {**FORM, "no_pin": True}
    found = issue(hass, init_with_subentries, "assist_no_pin")
    assert found is not None
    assert found.severity is ir.IssueSeverity.WARNING
    await sms_in(ALICE, "turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1
    # A PIN set later closes it; the PIN is then needed.
    assert (await reconfigure(hass, init_with_subentries, {**FORM, "pin": PIN}))[
        "reason"
    ] == "reconfigure_successful"
    assert issue(hass, init_with_subentries, "assist_no_pin") is None
    await sms_in(ALICE, "turn off the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"


async def test_reconfigure_keeps_the_pin_when_left_empty(
    hass: HomeAssistant, sms_in: Receive, init_with_subentries: MockConfigEntry
) -> None:
    await add(hass, init_with_subentries, {**FORM, "pin": PIN})
    result = await reconfigure(hass, init_with_subentries, {**FORM, "rate_limit": 3})
    assert result["reason"] == "reconfigure_successful"
    data = init_with_subentries.subentries[assist_subentry_id(init_with_subentries)].data
    assert data == {**FORM, "rate_limit": 3, "no_pin": False, "pin": PIN}
    result = await reconfigure(hass, init_with_subentries, {**FORM, "pin": "12345"})
    assert result["errors"] == {"pin": "pin_too_short"}
    result = await reconfigure(hass, init_with_subentries, {**FORM, "no_pin": True})
    assert result["reason"] == "reconfigure_successful"
    data = init_with_subentries.subentries[assist_subentry_id(init_with_subentries)].data
    assert data == {**FORM, "no_pin": True}
    assert issue(hass, init_with_subentries, "assist_no_pin") is not None
    hass.config_entries.async_remove_subentry(
        init_with_subentries, assist_subentry_id(init_with_subentries)
    )
    await hass.async_block_till_done()
    assert issue(hass, init_with_subentries, "assist_no_pin") is None


@pytest.mark.parametrize(
    "subentries",
    [
        [ALLOWED, ("assist", {**FORM, "pin": "4711"})],
        [ALLOWED, ("assist", FORM)],
    ],
)
async def test_set_up_before_pins_were_required_it_stays_off(
    hass: HomeAssistant,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A short PIN, or none without the choice: off, and a repair issue says how to fix it."""
    found = issue(hass, init_with_subentries, "assist_pin_needed")
    assert found is not None
    assert found.severity is ir.IssueSeverity.ERROR
    await sms_in(ALICE, "4711 turn on the kitchen light")
    await sms_in(ALICE, "turn on the kitchen light")
    assert simulator.state.sent_messages == []
    result = await reconfigure(hass, init_with_subentries, FORM)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"]["pin"] in ("pin_too_short", "pin_required")
    result = await reconfigure(hass, init_with_subentries, {**FORM, "pin": PIN})
    assert result["reason"] == "reconfigure_successful"
    assert issue(hass, init_with_subentries, "assist_pin_needed") is None
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"


@pytest.mark.parametrize("subentries", [[ALLOWED, ("assist", {**FORM, "no_pin": True})]])
async def test_the_issues_go_with_the_gateway(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry
) -> None:
    assert issue(hass, init_with_subentries, "assist_no_pin") is not None
    await hass.config_entries.async_remove(init_with_subentries.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, init_with_subentries, "assist_no_pin") is None


async def test_a_contact_typed_nationally_is_one_contact(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry
) -> None:
    """Read with Home Assistant's country, kept in E.164: typed again, it is the same one."""
    await hass.config.async_update(country="DE")

    async def add_contact(number: str) -> Any:
        result = await hass.config_entries.subentries.async_init(
            (init_with_subentries.entry_id, "contact"), context={"source": SOURCE_USER}
        )
        return await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Dora", "number": number, "assist": True}
        )

    result = await add_contact("0170 1234 5678")
    assert result["data"]["number"] == "+4917012345678"
    assert (await add_contact("+49 170 12345678"))["reason"] == "already_configured"


async def test_the_form_as_the_frontend_shows_it(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (init_with_subentries.entry_id, "assist"), context={"source": SOURCE_USER}
    )
    fields = form_fields(result)

    def count(maximum: float, default: int) -> dict[str, Any]:
        return {
            "selector": {"number": {"min": 1.0, "max": maximum, "mode": "box", "step": 1.0}},
            "required": True,
            "default": default,
        }

    assert fields == {
        "agent_id": {"selector": {"conversation_agent": {}}, "required": False, "optional": True},
        "pin": {
            "selector": {"text": {"type": "password", "multiline": False, "multiple": False}},
            "required": False,
            "optional": True,
        },
        "no_pin": {"type": "boolean", "required": True, "default": False},
        "denied_entities": {
            "selector": {"entity": {"multiple": True, "reorder": False}},
            "required": False,
            "optional": True,
        },
        "max_parts": count(10.0, 3),
        "rate_limit": count(100.0, 5),
        "contact_daily_cap": count(1000.0, 10),
        "daily_cap": count(1000.0, 50),
    }


@pytest.mark.parametrize(
    "counts",
    [{"max_parts": 0}, {"max_parts": 11}, {"rate_limit": 101}, {"daily_cap": 1001}],
)
async def test_counts_out_of_range_are_refused(
    hass: HomeAssistant, init_with_subentries: MockConfigEntry, counts: dict[str, int]
) -> None:
    with pytest.raises(InvalidData):
        await add(hass, init_with_subentries, {**FORM, "pin": PIN, **counts})
