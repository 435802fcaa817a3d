"""The Dinstar SMS Gateway integration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr, discovery
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .bus_events import event_firer
from .connection import create_client, create_session
from .const import (
    CONF_INCOMING_MODE,
    DOMAIN,
    LOGGER,
    STORED_PER_ENTRY,
    IncomingMode,
    pushed_state_signal,
    storage_key,
)
from .coordinator import DinstarCoordinator
from .devices import PortTracker, gateway_device_info
from .inbox_sync import InboxSync
from .notify import DISCOVERY_ENTRY_ID
from .outbox_sync import OutboxSync
from .repairs import async_check_default_password, async_delete_issues
from .runtime import DinstarConfigEntry, DinstarRuntimeData
from .services import async_setup_services
from .user_ids import UserIdAllocator
from .ussd import UssdSessions
from .webhook import PushReceiver

PUSHED_STATE_COOLDOWN = 1.0
DATA_HASS_CONFIG: HassKey[ConfigType] = HassKey(f"{DOMAIN}_hass_config")
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, which name their gateway by config entry."""
    hass.data[DATA_HASS_CONFIG] = config
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """Connect, read the gateway once, then set up its devices and entities."""
    client = create_client(create_session(hass, entry.data), entry.data)
    coordinator = DinstarCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()

    gateway = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **gateway_device_info(coordinator)
    )
    ports = PortTracker(hass, coordinator, gateway.id)
    ports.async_remove_stale_devices()
    entry.async_on_unload(coordinator.async_add_listener(ports.async_update))

    fire = event_firer(hass, entry)
    inbox = InboxSync(hass, entry, client, fire)
    await inbox.async_load()
    entry.async_on_unload(inbox.async_stop)
    pushed_state = _pushed_state_debouncer(hass, entry)
    outbox = OutboxSync(hass, entry, client, fire, on_change=pushed_state.async_schedule_call)
    await outbox.async_load()
    ussd = UssdSessions(client)
    push = PushReceiver(
        hass,
        entry,
        coordinator=coordinator,
        inbox=inbox,
        outbox=outbox,
        ussd=ussd,
        fire=fire,
        pushed_state=pushed_state,
    )
    entry.runtime_data = DinstarRuntimeData(
        client=client,
        coordinator=coordinator,
        ports=ports,
        inbox=inbox,
        outbox=outbox,
        push=push,
        ussd=ussd,
        user_ids=UserIdAllocator(hass, entry.entry_id),
    )
    entry.async_on_unload(coordinator.async_add_listener(push.async_check_silence))
    async_check_default_password(hass, entry)
    push.async_register()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The legacy notify service (targets by number) is discovered, not forwarded.
    entry.async_create_task(
        hass,
        discovery.async_load_platform(
            hass,
            Platform.NOTIFY,
            DOMAIN,
            {CONF_NAME: entry.title, DISCOVERY_ENTRY_ID: entry.entry_id},
            hass.data[DATA_HASS_CONFIG],
        ),
    )
    entry.async_on_unload(coordinator.async_add_listener(_after_refresh(hass, entry)))
    # Whatever arrived while Home Assistant was away is read once, in the background.
    entry.async_create_background_task(hass, inbox.async_catch_up(), "dinstar inbox catch-up")
    return True


def _pushed_state_debouncer(hass: HomeAssistant, entry: DinstarConfigEntry) -> Debouncer[None]:
    """Tell the push-fed sensors of news at most once a second, however many pushes came."""

    @callback
    def signal_pushed_state() -> None:
        async_dispatcher_send(hass, pushed_state_signal(entry.entry_id))

    debouncer: Debouncer[None] = Debouncer(
        hass, LOGGER, cooldown=PUSHED_STATE_COOLDOWN, immediate=True, function=signal_pushed_state
    )
    entry.async_on_unload(debouncer.async_shutdown)
    return debouncer


def _after_refresh(hass: HomeAssistant, entry: DinstarConfigEntry) -> Callable[[], None]:
    """Catch up with the inbox after an outage (and always when polling); poll pending sends."""
    was_available = True

    @callback
    def on_refresh() -> None:
        nonlocal was_available
        runtime = entry.runtime_data
        available = runtime.coordinator.last_update_success
        polling = entry.options.get(CONF_INCOMING_MODE, IncomingMode.PUSH) != IncomingMode.PUSH
        if available and (polling or not was_available):
            entry.async_create_background_task(
                hass, runtime.inbox.async_catch_up(), "dinstar inbox catch-up"
            )
        if available and runtime.outbox.tracker.pending:
            entry.async_create_background_task(
                hass,
                runtime.outbox.async_poll_if_due(runtime.push.last_push),
                "dinstar sending results",
            )
        was_available = available

    return on_refresh


async def async_remove_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> None:
    """A deleted gateway leaves nothing behind: its stores and its repair issues."""
    async_delete_issues(hass, entry)
    for name in STORED_PER_ENTRY:
        await Store[Any](hass, 1, storage_key(entry.entry_id, name)).async_remove()


async def async_unload_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """Unload the platforms and write the inbox and outbox; the webhook goes with the entry."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    await entry.runtime_data.inbox.async_save()
    await entry.runtime_data.outbox.async_save()
    return unloaded
