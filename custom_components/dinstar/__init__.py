"""The Dinstar SMS Gateway integration."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr, discovery
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from custom_components.dinstar.aiodinstar import AuthScheme
from custom_components.dinstar.assist.responder import AssistResponder
from custom_components.dinstar.bus_events import event_firer
from custom_components.dinstar.connection import create_client, create_session
from custom_components.dinstar.const import (
    CONF_AUTH_SCHEME,
    DOMAIN,
    LOGGER,
    STORED_PER_ENTRY,
    storage_key,
)
from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.devices import (
    PortTracker,
    async_forget_port,
    gateway_device_info,
    port_from_identifiers,
)
from custom_components.dinstar.entry_updates import async_follow_entry_updates
from custom_components.dinstar.failover.pool import DATA_FAILOVER, FailoverPool, async_pool
from custom_components.dinstar.messages import async_remove_messages, async_setup_messages
from custom_components.dinstar.messaging.inbox_sync import InboxSync
from custom_components.dinstar.messaging.outbox_sync import OutboxSync
from custom_components.dinstar.messaging.push_audit import PushAudit
from custom_components.dinstar.messaging.readback import Messaging
from custom_components.dinstar.messaging.webhook import PushReceiver
from custom_components.dinstar.notify import DISCOVERY_ENTRY_ID
from custom_components.dinstar.repairs import async_check_default_password, async_delete_issues
from custom_components.dinstar.runtime import DinstarConfigEntry, DinstarRuntimeData
from custom_components.dinstar.sending import async_send_reply
from custom_components.dinstar.services import async_setup_services
from custom_components.dinstar.signals import balance_signal, pushed_state_signal
from custom_components.dinstar.sim.balance import BalanceChecker
from custom_components.dinstar.sim.ussd import UssdSessions
from custom_components.dinstar.sim.watch import SimWatch
from custom_components.dinstar.user_ids import UserIdAllocator

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
    """Register the actions (which name their gateway by config entry) and the Messages panel."""
    hass.data[DATA_HASS_CONFIG] = config
    # One pool for every gateway: a message may fail over from one to another.
    pool = FailoverPool(hass)
    await pool.async_load()
    hass.data[DATA_FAILOVER] = pool
    async_setup_services(hass)
    await async_setup_messages(hass)
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
    audit = PushAudit(entry.title)
    inbox = await InboxSync.async_create(hass, entry, client, fire, audit)
    entry.async_on_unload(inbox.async_stop)
    # A new gateway's history is not news: it is taken as handled before anything can fire.
    baseline_now = inbox.baseline_pending
    if baseline_now:
        await inbox.async_catch_up()
    pushed_state = _pushed_state_debouncer(hass, entry)
    outbox = OutboxSync(
        hass, entry, client, fire=fire, audit=audit, on_change=pushed_state.async_schedule_call
    )
    await outbox.async_load()
    ussd = UssdSessions(hass, entry, client, coordinator, fire=fire, audit=audit)
    balance = BalanceChecker(hass, entry, coordinator, ussd, fire)
    sim_watch = SimWatch(hass, entry, coordinator, balance)
    assist = AssistResponder(
        hass,
        entry,
        coordinator,
        fire,
        lambda number, text, port: async_send_reply(hass, entry, number, text, port),
    )
    messaging = Messaging(
        hass,
        entry,
        coordinator=coordinator,
        client=client,
        inbox=inbox,
        outbox=outbox,
        ussd=ussd,
        audit=audit,
        fire=fire,
    )
    push = PushReceiver(hass, entry, messaging=messaging, pushed_state=pushed_state)
    entry.runtime_data = DinstarRuntimeData(
        client=client,
        coordinator=coordinator,
        ports=ports,
        inbox=inbox,
        outbox=outbox,
        push=push,
        messaging=messaging,
        ussd=ussd,
        user_ids=UserIdAllocator(hass, entry.entry_id),
        balance=balance,
        sim_watch=sim_watch,
        assist=assist,
    )
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
    entry.async_on_unload(coordinator.async_add_listener(messaging.async_after_refresh))
    _start_sim_features(hass, entry)
    async_follow_entry_updates(entry)
    entry.async_on_unload(async_pool(hass).async_entry_loaded(entry))
    if not baseline_now:
        # Whatever arrived while Home Assistant was away is read once, in the background.
        entry.async_create_background_task(
            hass, inbox.async_catch_up(late=True), "dinstar inbox catch-up"
        )
    return True


def _start_sim_features(hass: HomeAssistant, entry: DinstarConfigEntry) -> None:
    """Balance checks, SIM health and Assist by SMS, once the entities are there."""
    runtime = entry.runtime_data
    entry.async_on_unload(runtime.balance.async_start())
    entry.async_on_unload(runtime.assist.async_start())
    entry.async_on_unload(runtime.coordinator.async_add_listener(runtime.sim_watch.async_update))
    entry.async_on_unload(
        async_dispatcher_connect(
            hass, balance_signal(entry.entry_id), runtime.sim_watch.async_update
        )
    )
    runtime.sim_watch.async_update()


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


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: DinstarConfigEntry, device: dr.DeviceEntry
) -> bool:
    """A port's device may be deleted: the port stays away until chosen again in the options.

    The gateway's own device goes only with its entry.
    """
    if (port := port_from_identifiers(device.identifiers)) is None:
        return False
    async_forget_port(hass, entry, port)
    if entry.state is ConfigEntryState.LOADED:
        entry.runtime_data.ports.async_forget(port)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """1.1 to 1.2: entries made before the scheme was stored were all set up with digest.

    Basic was only ever a fallback, so storing digest makes them refuse it from now on.
    """
    if entry.version > 1:
        return False  # made by a newer version of the integration
    if entry.minor_version < 2:  # the minor version being migrated to
        hass.config_entries.async_update_entry(
            entry, data={CONF_AUTH_SCHEME: AuthScheme.DIGEST, **entry.data}, minor_version=2
        )
    return True


async def async_remove_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> None:
    """A deleted gateway leaves nothing behind: its stores, its messages, its repair issues."""
    async_delete_issues(hass, entry)
    await async_remove_messages(hass, entry.entry_id)
    for name in STORED_PER_ENTRY:
        await Store[Any](hass, 1, storage_key(entry.entry_id, name)).async_remove()


async def async_unload_entry(hass: HomeAssistant, entry: DinstarConfigEntry) -> bool:
    """Unload the platforms and write the inbox and outbox; the webhook goes with the entry."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    await entry.runtime_data.inbox.async_save()
    await entry.runtime_data.outbox.async_save()
    return unloaded
