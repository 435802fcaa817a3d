"""What a loaded entry holds: the client and the owners of its state."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .aiodinstar import DinstarClient
from .assist.responder import AssistResponder
from .coordinator import DinstarCoordinator
from .devices import PortTracker
from .messaging.inbox_sync import InboxSync
from .messaging.outbox_sync import OutboxSync
from .messaging.readback import Messaging
from .messaging.webhook import PushReceiver
from .sim.balance import BalanceChecker
from .sim.ussd import UssdSessions
from .sim.watch import SimWatch
from .user_ids import UserIdAllocator

type DinstarConfigEntry = ConfigEntry[DinstarRuntimeData]


@dataclass(frozen=True, slots=True)
class DinstarRuntimeData:
    """The gateway's client, its poller, and one owner for each kind of state."""

    client: DinstarClient
    coordinator: DinstarCoordinator
    ports: PortTracker
    inbox: InboxSync
    outbox: OutboxSync
    push: PushReceiver
    messaging: Messaging
    ussd: UssdSessions
    user_ids: UserIdAllocator
    balance: BalanceChecker
    sim_watch: SimWatch
    assist: AssistResponder
