"""The control API under ``/_sim/``: what tests and the demo use to drive the gateway."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import Simulator


def control_routes(sim: Simulator) -> list[web.RouteDef]:  # noqa: PLR0915 - one small handler a route
    """Routes that change the simulated gateway; no authentication."""
    state = sim.state

    async def body(request: web.Request) -> dict[str, Any]:
        data = await request.json() if request.can_read_body else {}
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return data

    async def get_state(_request: web.Request) -> web.Response:
        return web.json_response(sim.snapshot())

    async def inject_sms(request: web.Request) -> web.Response:
        data = await body(request)
        port = int(data.get("port", 0))
        if state.port(port) is None:
            raise web.HTTPBadRequest(text="no such port")
        ids = [
            sim.receive_sms(
                port,
                str(data.get("number", "+4917600000000")),
                f"{data.get('text', 'Hello')}{f' #{n}' if data.get('count') else ''}",
            )
            for n in range(int(data.get("count", 1)))
        ]
        return web.json_response({"incoming_sms_id": ids[-1], "ids": ids})

    async def change_port(request: web.Request) -> web.Response:
        port = state.port(int(request.match_info["port"]))
        if port is None:
            raise web.HTTPNotFound(text="no such port")
        data = await body(request)
        for name in ("signal", "callstate", "remain_credit", "gprs", "type"):
            if name in data:
                setattr(port, name, data[name])
        if "slot" in data:
            port.slot = int(data["slot"])
        if "sim" in data:
            port.sim = state.make_sim() if data["sim"] else None
            sim.set_registration(
                port,
                "REGISTER_OK"
                if port.sim and port.powered
                else ("NO_SIM" if port.powered else "POWER_OFF"),
            )
        if "power" in data:
            sim.port_action(port, "power", data["power"], None)
        if "reg" in data:
            sim.set_registration(port, str(data["reg"]))
        return web.json_response(state.snapshot()["ports"][port.index])

    async def reboot(request: web.Request) -> web.Response:
        sim.spawn(sim.reboot(float((await body(request)).get("seconds", 1.0))))
        return web.json_response({"rebooting": True})

    async def offline(request: web.Request) -> web.Response:
        seconds = (await body(request)).get("seconds")
        state.offline = True
        if seconds is not None:

            async def back() -> None:
                import asyncio  # noqa: PLC0415

                await asyncio.sleep(float(seconds))
                state.offline = False

            sim.spawn(back())
        return web.json_response({"offline": True})

    async def online(_request: web.Request) -> web.Response:
        state.offline = False
        return web.json_response({"offline": False})

    async def faults(request: web.Request) -> web.Response:
        if request.method == "POST":
            for key, value in (await body(request)).items():
                if not hasattr(state.faults, key):
                    raise web.HTTPBadRequest(text=f"unknown fault {key}")
                setattr(state.faults, key, value)
        return web.json_response(dataclasses.asdict(state.faults))

    async def push(request: web.Request) -> web.Response:
        sim.push((await body(request)).get("body", ""))
        return web.json_response({"queued": True})

    async def config(request: web.Request) -> web.Response:
        data = await body(request)
        if "push_url" in data:
            sim.push_url = data["push_url"]
        if "send_delay" in data:
            sim.config.send_delay = float(data["send_delay"])
        return web.json_response({"push_url": sim.push_url, "send_delay": sim.config.send_delay})

    async def exception(request: web.Request) -> web.Response:
        data = await body(request)
        sim.push(
            {
                "exception_info": {
                    "port": int(data.get("port", 0)),
                    "type": data.get("type", "call_fail"),
                    "action": data.get("action", "reset"),
                }
            }
        )
        return web.json_response({"queued": True})

    async def cdr(request: web.Request) -> web.Response:
        record = {**state.cdrs[0], **(await body(request))}
        state.cdrs.append(record)
        sim.push({"cdr": [record]})
        return web.json_response(record)

    prefix = "/_sim"
    return [
        web.get(f"{prefix}/state", get_state),
        web.post(f"{prefix}/sms", inject_sms),
        web.post(prefix + "/ports/{port}", change_port),
        web.post(f"{prefix}/reboot", reboot),
        web.post(f"{prefix}/offline", offline),
        web.post(f"{prefix}/online", online),
        web.get(f"{prefix}/faults", faults),
        web.post(f"{prefix}/faults", faults),
        web.post(f"{prefix}/push", push),
        web.post(f"{prefix}/config", config),
        web.post(f"{prefix}/exception", exception),
        web.post(f"{prefix}/cdr", cdr),
    ]
