"""Home Assistant stopped without unloading (a crash, ``systemctl stop``) and started again.

Every restart of the black-box tests starts from here, so that all of them stop, start and
clean up alike; each adds what its own second instance needs (a home, an HTTP server, gateways
pushing to it) around this one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant


@asynccontextmanager
async def restarted(first: HomeAssistant, *components: str) -> AsyncIterator[HomeAssistant]:
    """Stop ``first`` without unloading anything, then start another on the same storage.

    The new instance has its config entries read from that storage and ``components`` set up;
    the integration is left to the caller, so that what changed while Home Assistant was down
    (and what listens from its start) is in place before it loads. On the way out the loaded
    entries are unloaded before the stop, so that none of their timers outlives the test.
    """
    await first.async_stop(force=True)
    async with async_test_home_assistant(config_dir=first.config.config_dir) as second:
        # What the harness's enable_custom_integrations fixture does for the first instance.
        second.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        await second.config_entries.async_initialize()
        for component in components:
            assert await async_setup_component(second, component, {}), component
        try:
            yield second
        finally:
            for entry in second.config_entries.async_entries():
                if entry.state is ConfigEntryState.LOADED:
                    await second.config_entries.async_unload(entry.entry_id)
            await second.async_stop(force=True)
