"""The demo's first page: the gateway and one card per port, built from the registries."""

from __future__ import annotations

from typing import Any

from .hass_client import HomeAssistantApi

DASHBOARD_PATH = "dinstar-demo"
# What a dashboard shows of a port: the primary entities, the number, the last SMS.
_PORT_SKIPPED_CATEGORIES = {"config"}
_PORT_DIAGNOSTICS = {"phone_number"}


def _card(title: str, device: str, entities: list[str], names: dict[str, str]) -> dict[str, Any]:
    """An entities card; rows named without ``device``'s name, which the title and view say."""
    rows = [
        {"entity": entity_id, "name": names[entity_id].removeprefix(f"{device} ")}
        if entity_id in names
        else entity_id
        for entity_id in entities
    ]
    return {"type": "entities", "title": title, "state_color": True, "entities": rows}


def build_dashboard(
    devices: list[dict[str, Any]], entities: list[dict[str, Any]], names: dict[str, str]
) -> dict[str, Any]:
    """A view per gateway: its own sensors, then each port's, in port order.

    ``names`` are the entities' friendly names, by entity id.
    """

    def shown(entity: dict[str, Any]) -> bool:
        if entity["disabled_by"] or entity["hidden_by"]:
            return False
        category = entity["entity_category"]
        if category == "diagnostic":
            return entity["translation_key"] in _PORT_DIAGNOSTICS
        return category not in _PORT_SKIPPED_CATEGORIES

    by_device: dict[str, list[str]] = {}
    for entity in entities:
        if entity["platform"] == "dinstar" and entity["device_id"] and shown(entity):
            by_device.setdefault(entity["device_id"], []).append(entity["entity_id"])
    dinstar = [
        device
        for device in devices
        if device["identifiers"] and device["identifiers"][0][0] == "dinstar"
    ]
    views = []
    for gateway in (device for device in dinstar if device["via_device_id"] is None):
        ports = sorted(
            (device for device in dinstar if device["via_device_id"] == gateway["id"]),
            key=lambda device: int(device["name"].rsplit(" ", 1)[-1]),
        )
        cards = [_card(gateway["name"], gateway["name"], by_device.get(gateway["id"], []), names)]
        cards += [
            _card(
                _port_title(gateway["name"], port["name"]),
                port["name"],
                by_device.get(port["id"], []),
                names,
            )
            for port in ports
        ]
        views.append({"title": gateway["name"], "path": gateway["id"], "cards": cards})
    return {"title": "Dinstar", "views": views}


async def save_dashboard(api: HomeAssistantApi) -> dict[str, Any]:
    """Make the default dashboard show every gateway (what a user would build by hand)."""
    async with api.websocket() as socket:
        devices = await socket.command("config/device_registry/list")
        entities = await socket.command("config/entity_registry/list")
        names = {
            state["entity_id"]: state["attributes"]["friendly_name"]
            for state in await api.states()
            if "friendly_name" in state["attributes"]
        }
        config = build_dashboard(devices, entities, names)
        dashboards = await socket.command("lovelace/dashboards/list")
        if not any(board["url_path"] == DASHBOARD_PATH for board in dashboards):
            await socket.command(
                "lovelace/dashboards/create",
                url_path=DASHBOARD_PATH,
                title="Dinstar",
                icon="mdi:message-processing",
                show_in_sidebar=True,
                require_admin=False,
                mode="storage",
            )
        await socket.command("lovelace/config/save", config=config, url_path=DASHBOARD_PATH)
        # The landing page: this dashboard instead of the area overview.
        core = await socket.command("frontend/get_system_data", key="core")
        await socket.command(
            "frontend/set_system_data",
            key="core",
            value={**(core.get("value") or {}), "default_panel": DASHBOARD_PATH},
        )
    return config


def _port_title(gateway: str, port: str) -> str:
    """The port card's title, e.g. "Port 3": the view's title already names the gateway."""
    title = port.removeprefix(f"{gateway} ")
    return title[:1].upper() + title[1:]
