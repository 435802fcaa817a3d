"""A contact's "Fail over to" names single ports of gateways, from the outside.

The README ("Sending that fails over", **Contacts**): each gateway in "Fail over to" is followed
by its ports; a contact whose list ticks port N of gateway B fails over to that SIM only, not to
the rest of B; a gateway ticked whole keeps every port; the contact's own gateway is tried first,
its port first; a port its gateway no longer has is left out, and a gateway all of whose chosen
ports are gone is left out, not used whole; while a gateway is not loaded, the form still shows
the ports chosen on it, so that saving the contact keeps them.

Gateways A, B (and C) are fake gateways with a simulated radio: a SIM out of credit fails its
SMS, a port without network is never offered. Contacts are added through the gateway's "Add
contact" (the subentry flow, over Home Assistant's REST API where the test is about what the
frontend receives), alarms go through ``notify.send_message`` on the contact's entity, and the
outcome is judged by what each gateway's network carried and by ``dinstar_sms_final``.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER, ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest

from .conftest import DOMAIN, Added, advance, gateway_read, record_events, wait_for
from .failover import (
    NUMBER,
    carried,
    entry_of,
    joined,
    send_requests,
    settle,
    two_gateways,
    until_final,
)
from .gateway import FakeGateway

ALICE = "notify.alice_sms"
EVERY_PORT = {0, 1, 2, 3}
FLOWS = "/api/config/config_entries/subentries/flow"


# -- helpers ------------------------------------------------------------------------------------


def port_of(added: Added, port: int) -> str:
    """A single port's value in "Fail over to": ``<config entry id>:<port>``."""
    return f"{entry_of(added)}:{port}"


async def add_contact(
    hass: HomeAssistant, added: Added, pool: list[str], *, port: int = 1, name: str = "Alice"
) -> str:
    """Add a contact through the gateway's "Add contact", its "Fail over to" as given."""
    result = await hass.config_entries.subentries.async_init(
        (entry_of(added), "contact"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM, result
    data = {"name": name, "number": NUMBER, "port": str(port), "pool": pool, "assist": False}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    return next(
        subentry_id
        for subentry_id, subentry in added.entry.subentries.items()
        if subentry.subentry_type == "contact" and subentry.title == name
    )


async def alarm(hass: HomeAssistant, entity_id: str = ALICE) -> None:
    """The contact's alarm, as an automation sends it."""
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": entity_id, "message": "Alarm at home"},
        blocking=True,
    )


def path(final: dict[str, Any], **gateways: Added) -> list[tuple[str, int, str]]:
    """The final outcome's attempts as (gateway letter, port, outcome)."""
    letter = {entry_of(added): name for name, added in gateways.items()}
    return [
        (letter.get(x["config_entry_id"], x["config_entry_id"]), x["port"], x["outcome"])
        for x in final["attempts"]
    ]


def ports_asked(gateway: FakeGateway) -> list[list[int] | None]:
    """The ports each send request to ``gateway`` named, in order."""
    return [ports for _, ports, _ in send_requests(gateway)]


async def ports_gone(hass: HomeAssistant, gateway: FakeGateway, keep: int) -> None:
    """The gateway answers ``keep`` ports from now on; Home Assistant refreshes and sees it."""
    gateway.ports = keep
    since = len(gateway.requests)
    await advance(hass, 31)
    assert await gateway_read(hass, gateway, "/api/get_port_info", since, timeout=5)
    await settle(hass)


# -- the frontend's view: REST with an administrator's token ------------------------------------


async def rest_form(
    hass: HomeAssistant, http: TestClient, token: str, added: Added, subentry_id: str | None = None
) -> dict[str, Any]:
    """Open "Add contact" (or a contact's Reconfigure) as the frontend does, over REST."""
    assert await async_setup_component(hass, "config", {})
    body: dict[str, Any] = {"handler": [entry_of(added), "contact"]}
    if subentry_id is not None:
        body["subentry_id"] = subentry_id
    response = await http.post(FLOWS, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200, await response.text()
    form = await response.json()
    assert form["type"] == "form", form
    return dict(form)


async def rest_submit(
    http: TestClient, token: str, form: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        f"{FLOWS}/{form['flow_id']}", json=data, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200, await response.text()
    return dict(await response.json())


def field(form: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [f for f in form["data_schema"] if f["name"] == name]
    return dict(found)


def pool_options(form: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The "Fail over to" options as the frontend receives them: (value, label)."""
    select = field(form, "pool")["selector"]["select"]
    assert select.get("multiple") is True, select
    return [
        (option, None) if isinstance(option, str) else (option["value"], option.get("label"))
        for option in select["options"]
    ]


def shown(form: dict[str, Any]) -> dict[str, Any]:
    """What the form shows filled in, as the frontend fills it: defaults, then suggestions."""
    data: dict[str, Any] = {}
    for item in form["data_schema"]:
        if "default" in item:
            data[item["name"]] = item["default"]
        suggested = (item.get("description") or {}).get("suggested_value")
        if suggested is not None:
            data[item["name"]] = suggested
    return data


def port_device_name(hass: HomeAssistant, serial_tail: str, port: int) -> str:
    """The name a port's device shows (the user's, if renamed), found from its entity."""
    entity = er.async_get(hass).async_get(f"sensor.dinstar_{serial_tail}_port_{port}_registration")
    assert entity is not None
    assert entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None
    return str(device.name_by_user or device.name)


# -- a single port of another gateway -----------------------------------------------------------


async def test_a_port_of_another_gateway_is_where_the_alarm_goes(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A's SIMs cannot pay, "Fail over to" names B port 3 only: it goes from B port 3, once.

    B's other ports work and would be B's first choice (the pool's order): only the port
    choice sends it to port 3.
    """
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(b, 3)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = set(EVERY_PORT)

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    steps = path(final, A=a, B=b)
    assert final["outcome"] == "sent", steps
    assert steps[0] == ("A", 1, "failed"), steps  # the contact's gateway and port first
    assert steps[-1] == ("B", 3, "sent"), steps
    assert [step for step in steps if step[0] == "B"] == [("B", 3, "sent")], steps
    assert (final["final_port"]["config_entry_id"], final["final_port"]["port"]) == (
        entry_of(b),
        3,
    )
    assert carried(NUMBER, gateway, second_gateway) == [(second_gateway.serial, 3)]
    assert ports_asked(second_gateway) == [[3]]


async def test_the_chosen_port_failing_is_not_replaced_by_another_port_of_that_gateway(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B port 3 cannot pay either: the message fails; B's working ports are never tried.

    A has only its port 1 on the network, so a third attempt is left: with B whole it would
    go from another port of B.
    """
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(b, 3)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    second_gateway.no_credit = {3}

    await alarm(hass)
    await until_final(hass, finals)
    await advance(hass, 150)
    await settle(hass)

    (final,) = finals
    assert final["outcome"] == "failed", path(final, A=a, B=b)
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("B", 3, "failed")]
    assert ports_asked(second_gateway) == [[3]]
    assert carried(NUMBER, gateway, second_gateway) == []


async def test_ports_of_two_other_gateways_each_limit_their_gateway(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    third_gateway: FakeGateway,
) -> None:
    """Three gateways, "Fail over to" B port 2 and C port 1: B port 2 fails, C port 1 sends."""
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    c = await joined(hass, http, third_gateway)
    await add_contact(hass, a, [port_of(b, 2), port_of(c, 1)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    second_gateway.no_credit = {2}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    steps = path(final, A=a, B=b, C=c)
    assert final["outcome"] == "sent", steps
    assert steps[0] == ("A", 1, "failed"), steps
    assert steps[-1] == ("C", 1, "sent"), steps
    assert set(steps[1:-1]) <= {("B", 2, "failed")}, steps
    assert carried(NUMBER, gateway, second_gateway, third_gateway) == [(third_gateway.serial, 1)]
    assert all(ports == [2] for ports in ports_asked(second_gateway)), send_requests(second_gateway)
    assert ports_asked(third_gateway) == [[1]]


# -- a single port of the contact's own gateway -------------------------------------------------


async def test_its_own_gateways_chosen_port_after_its_port_not_the_others(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Port 1 is the contact's, "Fail over to" is A port 3: port 1, then port 3, nothing else."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(a, 3)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("A", 3, "sent")]
    assert carried(NUMBER, gateway, second_gateway) == [(gateway.serial, 3)]
    assert send_requests(second_gateway) == []


async def test_its_own_gateways_chosen_port_failing_ends_it_there(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Every SIM of A cannot pay, "Fail over to" is A port 3: ports 1 and 3, then failed.

    Neither A's ports 0 and 2 nor any port of B (all working) is tried, though a third
    attempt is allowed.
    """
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(a, 3)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = set(EVERY_PORT)

    await alarm(hass)
    await until_final(hass, finals)
    await advance(hass, 150)
    await settle(hass)

    (final,) = finals
    assert final["outcome"] == "failed", path(final, A=a, B=b)
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("A", 3, "failed")]
    assert sorted(ports or [] for ports in ports_asked(gateway)) == [[1], [3]]
    assert send_requests(second_gateway) == []
    assert carried(NUMBER, gateway, second_gateway) == []


# -- a gateway ticked whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "whole_first", [True, False], ids=["gateway-then-port", "port-then-gateway"]
)
async def test_a_gateway_ticked_whole_keeps_every_port(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    whole_first: bool,
) -> None:
    """B ticked whole and B port 3 ticked too: B port 3 cannot pay, another port of B sends."""
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    pool = [entry_of(b), port_of(b, 3)]
    await add_contact(hass, a, pool if whole_first else pool[::-1], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    second_gateway.no_credit = {3}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    steps = path(final, A=a, B=b)
    assert final["outcome"] == "sent", steps
    assert steps[0] == ("A", 1, "failed"), steps
    assert steps[-1][0] == "B", steps
    assert steps[-1][1] != 3, steps
    went = carried(NUMBER, gateway, second_gateway)
    assert len(went) == 1, went
    assert went[0][0] == second_gateway.serial
    assert went[0][1] != 3


async def test_its_own_gateway_ticked_whole_keeps_every_port(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A ticked whole and A port 3 ticked too: ports 1 and 3 cannot pay, another port of A sends."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(a, 3), entry_of(a)], port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1, 3}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    steps = path(final, A=a, B=b)
    assert final["outcome"] == "sent", steps
    assert steps[0] == ("A", 1, "failed"), steps
    assert steps[-1][0] == "A", steps
    assert steps[-1][1] in {0, 2}, steps
    assert send_requests(second_gateway) == []
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


# -- chosen ports the gateway no longer has -----------------------------------------------------


async def test_a_gateway_whose_chosen_ports_are_all_gone_is_left_out_not_used_whole(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B port 3 was chosen; B now has ports 0 to 2 only: B is not used at all.

    A's port 1 cannot pay and A has no other port on the network: the alarm fails on A. B's
    three working ports stay untouched, as B is not turned into "every port of B".
    """
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(b, 3)], port=1)
    await ports_gone(hass, second_gateway, keep=3)
    finals = record_events(hass, "dinstar_sms_final")
    outcomes = record_events(hass, "dinstar_sms_sent")
    gateway.no_credit = {1}
    since = len(second_gateway.requests)

    await alarm(hass)
    assert await wait_for(hass, lambda: bool(outcomes), timeout=5), "A's port 1 told nothing"
    await settle(hass)
    await advance(hass, 150)
    await settle(hass)

    assert second_gateway.calls("/api/send_sms", since) == [], send_requests(second_gateway)
    assert carried(NUMBER, gateway, second_gateway) == []
    assert [(e["config_entry_id"], e["port"], e["outcome"]) for e in outcomes] == [
        (entry_of(a), 1, "failed")
    ]
    for final in finals:
        assert final["outcome"] == "failed", final
        assert path(final, A=a, B=b) == [("A", 1, "failed")]


async def test_a_chosen_port_gone_is_left_out_the_others_stay(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B ports 1 and 3 were chosen; B loses port 3: the alarm goes from B port 1."""
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_contact(hass, a, [port_of(b, 1), port_of(b, 3)], port=1)
    await ports_gone(hass, second_gateway, keep=3)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("B", 1, "sent")]
    assert carried(NUMBER, gateway, second_gateway) == [(second_gateway.serial, 1)]
    assert ports_asked(second_gateway) == [[1]]


async def test_a_removed_gateways_ports_are_left_out(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    third_gateway: FakeGateway,
) -> None:
    """B port 2 and C port 1 were chosen; C is deleted since: the alarm goes from B port 2."""
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    c = await joined(hass, http, third_gateway)
    await add_contact(hass, a, [port_of(c, 1), port_of(b, 2)], port=1)
    await hass.config_entries.async_remove(entry_of(c))
    await hass.async_block_till_done(wait_background_tasks=True)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("B", 2, "sent")]
    assert carried(NUMBER, gateway, second_gateway, third_gateway) == [(second_gateway.serial, 2)]
    assert send_requests(third_gateway) == []


# -- the form, as the frontend receives it ------------------------------------------------------


async def test_the_form_lists_each_gateway_then_its_ports_then_every_gateway(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_access_token: str,
) -> None:
    """Over REST: own gateway first, each followed by its ports, labelled; "all" last.

    B's port 2 has no SIM, and a port device renamed by the user is labelled by its new name
    and its number. Saving the form over REST with single ports makes the contact.
    """
    second_gateway.sim_present[2] = False
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    device_registry = dr.async_get(hass)
    entity = er.async_get(hass).async_get("sensor.dinstar_0002_port_1_registration")
    assert entity is not None
    assert entity.device_id is not None
    device_registry.async_update_device(entity.device_id, name_by_user="Vodafone SIM")
    await hass.async_block_till_done()

    form = await rest_form(hass, http, hass_access_token, b)

    options = pool_options(form)
    values = [value for value, _ in options]
    assert values == [
        entry_of(b),
        *(port_of(b, port) for port in range(4)),
        entry_of(a),
        *(port_of(a, port) for port in range(4)),
        "all",
    ], values
    # Each gateway by its name, each port as its device is named (the user's name, with the
    # port's number, where renamed) and its registration in the Registration sensor's words.
    a_name, b_name = a.entry.title, b.entry.title
    assert port_device_name(hass, "0001", 1) == f"{a_name} port 1"
    assert port_device_name(hass, "0002", 1) == "Vodafone SIM"
    assert dict(options) == {
        entry_of(b): b_name,
        port_of(b, 0): f"{b_name} port 0: Registered",
        port_of(b, 1): "Vodafone SIM (port 1): Registered",
        port_of(b, 2): f"{b_name} port 2: No SIM",
        port_of(b, 3): f"{b_name} port 3: Registered",
        entry_of(a): a_name,
        **{port_of(a, port): f"{a_name} port {port}: Registered" for port in range(4)},
        "all": dict(options)["all"],
    }, options
    # "all" is worded by the integration's translations, as the frontend shows it.
    assert field(form, "pool")["selector"]["select"]["translation_key"] == "contact_pool"
    words = await async_get_translations(hass, "en", "selector", [DOMAIN])
    assert words["component.dinstar.selector.contact_pool.options.all"] == (
        "Every gateway, also those added later"
    )

    # Opened on A, A comes first.
    other = await rest_form(hass, http, hass_access_token, a)
    assert [value for value, _ in pool_options(other)][:2] == [entry_of(a), port_of(a, 0)]

    done = await rest_submit(
        http,
        hass_access_token,
        form,
        {
            "name": "Bob",
            "number": NUMBER,
            "port": "1",
            "pool": [port_of(a, 2), port_of(b, 3)],
            "assist": False,
        },
    )
    assert done["type"] == "create_entry", done
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("notify.bob_sms") is not None


async def test_a_contact_saved_while_the_other_gateway_is_not_loaded_keeps_its_ports(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_access_token: str,
) -> None:
    """B disabled: the contact's Reconfigure still offers and shows B port 2; saved, it stays.

    Once B is back, A's port 1 cannot pay and the alarm goes from B port 2, not another B port.
    """
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    subentry_id = await add_contact(hass, a, [port_of(b, 2)], port=1)
    assert await hass.config_entries.async_set_disabled_by(entry_of(b), ConfigEntryDisabler.USER)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert b.entry.state is ConfigEntryState.NOT_LOADED

    form = await rest_form(hass, http, hass_access_token, a, subentry_id)

    values = [value for value, _ in pool_options(form)]
    assert port_of(b, 2) in values, values
    filled = shown(form)
    assert port_of(b, 2) in filled.get("pool", []), filled
    done = await rest_submit(http, hass_access_token, form, filled)
    assert done["type"] == "abort", done
    assert done["reason"] == "reconfigure_successful", done
    await hass.async_block_till_done(wait_background_tasks=True)
    assert port_of(b, 2) in a.entry.subentries[subentry_id].data["pool"]

    assert await hass.config_entries.async_set_disabled_by(entry_of(b), None)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert b.entry.state is ConfigEntryState.LOADED
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await alarm(hass)
    await until_final(hass, finals)

    (final,) = finals
    assert path(final, A=a, B=b) == [("A", 1, "failed"), ("B", 2, "sent")]
    assert carried(NUMBER, gateway, second_gateway) == [(second_gateway.serial, 2)]
    assert ports_asked(second_gateway) == [[2]]
