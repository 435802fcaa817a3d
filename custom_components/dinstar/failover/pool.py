"""The sending pool: one per Home Assistant, seeing each message out across ports and gateways.

An intent (one text to one number) is sent from the best port of its pool; an attempt is
stored before its request leaves. Its outcome comes from the gateway's outbox (only what the
gateway's API confirmed): failed, or none within ``confirm_within``, and the next best port
takes it, never a port twice, up to ``max_attempts``; once an attempt went, never again. A
restart reads back each attempt that was out by its user_id before anything is sent again.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import timedelta
from functools import partial
import time
from typing import Any
from uuid import uuid4

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from custom_components.dinstar.aiodinstar import (
    DinstarConnectionError,
    DinstarError,
    Outcome,
    SmsEncoding,
    SmsResult,
    SmsStatus,
    TrackedSms,
    TrackingUpdate,
)
from custom_components.dinstar.bus_events import EVENT_SMS_FINAL, event_firer
from custom_components.dinstar.const import DOMAIN, LOGGER
from custom_components.dinstar.runtime import DinstarConfigEntry
from custom_components.dinstar.sending import async_send_attempt
from custom_components.dinstar.signals import failover_signal

from .intent import UNRESOLVED, Attempt, AttemptOutcome, Intent, Step
from .ranking import Preference, failure_reason, rank_ports
from .report import final_event
from .snapshot import loaded_entry, pool_snapshots, port_snapshot
from .store import FailoverCounts, FailoverStore

DATA_FAILOVER: HassKey[FailoverPool] = HassKey(f"{DOMAIN}_failover")
DEFAULT_ATTEMPTS = 3
DEFAULT_CONFIRM_WITHIN = 120.0
# As long as the outbox follows a message: after that no outcome can come.
FOLLOW_FOR = timedelta(hours=6)
# After a start, attempts on a gateway that never loaded are taken as timed out.
RESUME_GRACE = timedelta(minutes=5)
UNREACHABLE = "gateway unreachable"
# A cut request the gateway has no record of, asked later: it costs no attempt.
NEVER_ARRIVED = "never reached the gateway"
RETRIES_IN_A_ROW = 2
_RESULT_OUTCOMES = {
    SmsStatus.SENT_OK: AttemptOutcome.SENT,
    SmsStatus.DELIVERED: AttemptOutcome.SENT,
    SmsStatus.FAILED: AttemptOutcome.FAILED,
}


class FailoverPool:
    """Every intent of every gateway, their timers and their store."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is read until :meth:`async_load`."""
        self._hass = hass
        self._intents: dict[str, Intent] = {}
        self._counts = FailoverCounts()
        self._store = FailoverStore(hass, lambda: (list(self._intents.values()), self._counts))
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._timers: dict[tuple[str, int], CALLBACK_TYPE] = {}
        self._watchers: defaultdict[str, set[asyncio.Event]] = defaultdict(set)
        self._grace: CALLBACK_TYPE | None = None
        # Cut attempts already asked about (see _look_again_later): never twice in a run.
        self._looked: set[tuple[str, int]] = set()

    async def async_load(self) -> None:
        """Read the intents a restart interrupted; they resume as their gateways load."""
        intents, self._counts = await self._store.async_load()
        now = time.time()
        for intent in intents:
            if now - intent.created < FOLLOW_FOR.total_seconds():
                self._intents[intent.intent_id] = intent
        self._hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop)
        if any(self._pending(intent) for intent in self._intents.values()):
            self._grace = async_call_later(self._hass, RESUME_GRACE, self._async_resume_orphans)

    async def _async_stop(self, _event: Event) -> None:
        for cancel in self._timers.values():
            cancel()
        self._timers.clear()
        if self._grace is not None:
            self._grace()  # Home Assistant stops: nothing is resumed or read after this
        await self._store.async_save()

    def failovers_today(self, entry_id: str | None = None) -> int:
        """Messages that needed another attempt today: of one gateway, or of all (``None``)."""
        return self._counts.of(dt_util.now().date(), entry_id)

    def intents_of(self, entry_id: str) -> list[Intent]:
        """The messages still being seen out that may go from this gateway."""
        return [
            intent
            for intent in self._intents.values()
            if any(member == entry_id for member, _ports in intent.members)
        ]

    def contact_failovers_today(self, contact: str) -> int:
        """Messages to one contact (its subentry id) that needed another attempt today."""
        return self._counts.of_contact(dt_util.now().date(), contact)

    # Sending

    async def async_send(
        self,
        messages: list[tuple[str, str]],
        *,
        members: list[tuple[str, list[int]]],
        preferred: tuple[str, int] | None,
        encoding: SmsEncoding,
        status_report: bool,
        max_attempts: int = DEFAULT_ATTEMPTS,
        confirm_within: float = DEFAULT_CONFIRM_WITHIN,
        contact: str | None = None,
    ) -> list[Intent]:
        """Start one intent per (number, text); each has made its first attempt on return."""
        intents = [
            Intent(
                intent_id=uuid4().hex,
                number=number,
                text=text,
                encoding=encoding.name,
                status_report=status_report,
                members=members,
                max_attempts=max_attempts,
                confirm_within=confirm_within,
                created=time.time(),
                preferred=preferred,
                contact=contact,
            )
            for number, text in messages
        ]
        for intent in intents:
            self._intents[intent.intent_id] = intent
        for intent in intents:
            await self._async_advance(intent)
        return intents

    async def async_wait(self, intents: list[Intent], *, delivered: bool, seconds: float) -> None:
        """Until each intent is decided (and its delivery known, if asked), or ``seconds``."""

        def reached(intent: Intent) -> bool:
            if intent.final is None:
                return False
            # Waiting for delivery needs a report asked for (the action refuses it otherwise).
            if not delivered or intent.final is Step.FAILED:
                return True
            return intent.delivered is not None

        async def one(intent: Intent) -> None:
            while not reached(intent):
                changed = asyncio.Event()
                self._watchers[intent.intent_id].add(changed)
                try:
                    await changed.wait()
                finally:
                    self._watchers[intent.intent_id].discard(changed)

        try:
            async with asyncio.timeout(seconds):
                await asyncio.gather(*(one(intent) for intent in intents))
        except TimeoutError:
            return

    async def _async_advance(self, intent: Intent) -> None:
        """Take the next step: retry until an attempt is out, or tell the final outcome."""
        async with self._locks[intent.intent_id]:
            while True:
                step = intent.next_step()
                if step is Step.WAIT:
                    break
                if step is Step.RETRY and intent.final is None:
                    if await self._async_attempt(intent):
                        continue
                    if self._look_again_later(intent):
                        break  # the gateway is asked first: the message may be there
                    step = Step.FAILED
                if step is not Step.RETRY:
                    self._conclude(intent, step)
                break
        self._changed(intent)

    async def _async_attempt(self, intent: Intent) -> bool:
        """Send from the best port left; ``False`` when no port is left."""
        per_gateway = Counter(a.entry_id for a in intent.attempts)
        preference = Preference(
            preferred=intent.preferred,
            home=intent.attempts[-1].entry_id if intent.attempts else intent.members[0][0],
            # The next best port of the same gateway once, then the next gateway.
            demoted=frozenset(e for e, count in per_gateway.items() if count >= RETRIES_IN_A_ROW),
            order=tuple(entry_id for entry_id, _ports in intent.members),
            tried=frozenset(
                (a.entry_id, a.port)
                for a in intent.attempts
                if a.outcome is not AttemptOutcome.NOT_SENT
            ),
            skipped=frozenset(a.entry_id for a in intent.attempts if a.reason == UNREACHABLE),
        )
        ranked = rank_ports(pool_snapshots(self._hass, intent.members), preference)
        if not ranked or (entry := loaded_entry(self._hass, ranked[0].entry_id)) is None:
            return False
        port = ranked[0].port
        user_id = (await entry.runtime_data.user_ids.async_allocate(1))[0]
        attempt = Attempt(entry.entry_id, entry.title, port, user_id, time.time())
        if len(intent.attempts) == 1:
            self._counts.add(dt_util.now().date(), intent.attempts[0].entry_id, intent.contact)
            async_dispatcher_send(self._hass, failover_signal())
        intent.attempts.append(attempt)
        await self._store.async_save()
        try:
            attempt.parts = await async_send_attempt(
                entry,
                intent.number,
                intent.text,
                port=port,
                user_id=user_id,
                encoding=SmsEncoding[intent.encoding],
                status_report=intent.status_report,
            )
        except DinstarConnectionError as err:
            # It may have reached the gateway all the same: followed, so a late "sent" counts.
            # A request cut by Home Assistant's own stop ends here too, once it is no longer
            # running (its connections close last): nothing is written after the stop's final
            # write and nothing else can leave, so the attempt stored as pending at the stop is
            # read back by its user_id after the start.
            LOGGER.debug("Sending to %s via %s failed: %s", intent.number, entry.title, err)
            attempt.outcome, attempt.reason = AttemptOutcome.TIMED_OUT, UNREACHABLE
            entry.runtime_data.outbox.async_track(
                [TrackedSms(user_id, intent.number, attempt.at, wants_report=intent.status_report)]
            )
        except DinstarError as err:
            LOGGER.debug("%s refused an SMS to %s: %s", entry.title, intent.number, err)
            attempt.outcome, attempt.reason = AttemptOutcome.REFUSED, "refused by the gateway"
        else:
            self._start_timer(intent, attempt, intent.confirm_within)
        self._store.async_delay_save()
        return True

    def _look_again_later(self, intent: Intent) -> bool:
        """No port left, but a gateway cut a request: ask it later what it got, before failing.

        A request cut on its way (a reset connection, a gateway restarting) may or may not
        have reached the gateway, so its gateway is skipped; with nothing else to send from,
        the message is not given up: after ``confirm_within`` the gateway's records tell
        whether it is there (then followed) or never arrived (then sent again). Each cut
        attempt is asked about once per run; whether a look is waiting, or asked for.
        """
        cut = [
            attempt
            for attempt in intent.attempts
            if attempt.reason == UNREACHABLE
            and (attempt.entry_id, attempt.user_id) not in self._looked
        ]
        if not cut:
            return False
        for attempt in cut:
            key = (attempt.entry_id, attempt.user_id)
            if key not in self._timers:
                self._timers[key] = async_call_later(
                    self._hass,
                    intent.confirm_within,
                    partial(self._look_again, intent, attempt),
                )
        return True

    @callback
    def _look_again(self, intent: Intent, attempt: Attempt, _now: Any) -> None:
        key = (attempt.entry_id, attempt.user_id)
        self._timers.pop(key, None)
        self._looked.add(key)
        self._hass.async_create_task(self._async_look_again(intent, attempt))

    async def _async_look_again(self, intent: Intent, attempt: Attempt) -> None:
        """What the gateway has of a cut attempt decides; unreachable still, it stays cut."""
        entry = loaded_entry(self._hass, attempt.entry_id)
        records = None
        if entry is not None:
            try:
                records = await entry.runtime_data.client.query_sms_result(
                    user_ids=[attempt.user_id]
                )
            except DinstarError as err:
                LOGGER.debug("Asking %s about an SMS it was cut from failed: %s", entry.title, err)
        record = next((r for r in records or () if r.user_id == attempt.user_id), None)
        if entry is not None and records is not None and attempt.reason == UNREACHABLE:
            if record is None:
                attempt.outcome, attempt.reason = AttemptOutcome.NOT_SENT, NEVER_ARRIVED
            else:
                # The outbox follows it since it was cut (its store keeps it across restarts)
                # until an outcome, which would have changed this attempt's reason: the
                # outcome, or its place in the queue, reaches the pool through the outbox, with
                # the events any SMS fires.
                if record.status in _RESULT_OUTCOMES:
                    entry.runtime_data.outbox.async_result(record)
                return
        await self._async_advance(intent)

    def _start_timer(self, intent: Intent, attempt: Attempt, seconds: float) -> None:
        key = (attempt.entry_id, attempt.user_id)
        self._timers[key] = async_call_later(
            self._hass, max(seconds, 0.0), partial(self._timed_out, intent, attempt)
        )

    @callback
    def _timed_out(self, intent: Intent, attempt: Attempt, _now: Any) -> None:
        self._timers.pop((attempt.entry_id, attempt.user_id), None)
        if attempt.outcome is AttemptOutcome.PENDING:
            attempt.outcome = AttemptOutcome.TIMED_OUT
            attempt.reason = f"no outcome within {intent.confirm_within:g} s"
            self._hass.async_create_task(self._async_advance(intent))

    def _conclude(self, intent: Intent, step: Step) -> None:
        """Tell the final outcome once; again only if a late attempt changed it."""
        both_went = len(intent.sent_attempts) > 1
        if intent.final is step and (intent.both_went_told or not both_went):
            return
        revised = intent.final is not None
        intent.final, intent.both_went_told = step, both_went
        if both_went:
            LOGGER.warning(
                "The SMS to %s went more than once: %s",
                intent.number,
                ", ".join(f"{a.gateway} port {a.port}" for a in intent.sent_attempts),
            )
        entry_id, port, data = final_event(intent, revised=revised)
        if (entry := self._hass.config_entries.async_get_entry(entry_id)) is None:
            # Removed since: the event still names it, with no device left to name.
            self._hass.bus.async_fire(
                EVENT_SMS_FINAL, {"config_entry_id": entry_id, "device_id": None, **data}
            )
        else:
            event_firer(self._hass, entry)(EVENT_SMS_FINAL, port, data)

    def _changed(self, intent: Intent) -> None:
        """Wake who waits for it; forget it once nothing more can be learned."""
        for watcher in self._watchers.pop(intent.intent_id, set()):
            watcher.set()
        if intent.done:
            self._intents.pop(intent.intent_id, None)
            self._locks.pop(intent.intent_id, None)
        self._store.async_delay_save()

    # Outcomes

    @callback
    def async_entry_loaded(self, entry: DinstarConfigEntry) -> CALLBACK_TYPE:
        """Hear the gateway's outcomes; read back what was out on it at the last stop."""
        remove = entry.runtime_data.outbox.async_listen_outcomes(
            partial(self._on_outcome, entry.entry_id)
        )
        if any(self._pending(intent, entry.entry_id) for intent in self._intents.values()):
            entry.async_create_background_task(
                self._hass, self._async_resume(entry), "dinstar failover resume"
            )
        for intent in list(self._intents.values()):
            # Stopped between an outcome and the next attempt: it goes on from here.
            if intent.final is None and intent.next_step() is Step.RETRY:
                self._hass.async_create_task(self._async_advance(intent))
        return remove

    @callback
    def _on_outcome(self, entry_id: str, update: TrackingUpdate) -> None:
        """An outcome the gateway confirmed, of a message the outbox followed."""
        found = self._find(entry_id, update.sms.user_id)
        if found is None:
            return
        intent, attempt = found
        if update.outcome in (Outcome.DELIVERED, Outcome.UNDELIVERED):
            attempt.delivered = update.outcome is Outcome.DELIVERED
        elif update.outcome is Outcome.SENT:
            attempt.outcome, attempt.reason = AttemptOutcome.SENT, None
        elif update.outcome is Outcome.FAILED:
            entry = loaded_entry(self._hass, entry_id)
            snapshot = None if entry is None else port_snapshot(entry, attempt.port)
            attempt.outcome, attempt.reason = AttemptOutcome.FAILED, failure_reason(snapshot)
        elif attempt.outcome in UNRESOLVED:  # followed for hours, never confirmed
            attempt.outcome, attempt.reason = AttemptOutcome.NOT_SENT, "never confirmed"
        if attempt.outcome is not AttemptOutcome.PENDING and (
            cancel := self._timers.pop((entry_id, attempt.user_id), None)
        ):
            cancel()
        self._hass.async_create_task(self._async_advance(intent))

    def _find(self, entry_id: str, user_id: int) -> tuple[Intent, Attempt] | None:
        for intent in self._intents.values():
            if (attempt := intent.attempt(entry_id, user_id)) is not None:
                return intent, attempt
        return None

    # Restarts

    def _pending(self, intent: Intent, entry_id: str | None = None) -> list[Attempt]:
        """The attempts out when the store was written (of one gateway, or of any)."""
        return [
            a
            for a in intent.attempts
            if a.outcome is AttemptOutcome.PENDING
            and (entry_id is None or a.entry_id == entry_id)
            and (a.entry_id, a.user_id) not in self._timers
        ]

    async def _async_resume(self, entry: DinstarConfigEntry) -> None:
        """Ask the gateway what became of each attempt out on it before anything is resent.

        Its record decides: went or failed, as any outcome; still in its queue, watched
        afresh; no record, the request never arrived, and the message goes on from the best
        port. A gateway that does not answer leaves them to their time.
        """
        attempts = [
            (intent, attempt)
            for intent in list(self._intents.values())
            for attempt in self._pending(intent, entry.entry_id)
        ]
        outbox = entry.runtime_data.outbox
        try:
            records = await entry.runtime_data.client.query_sms_result(
                user_ids=sorted({attempt.user_id for _intent, attempt in attempts})
            )
        except DinstarError as err:
            LOGGER.debug("Reading back failover attempts on %s failed: %s", entry.title, err)
            records = None
        by_id: dict[int | None, SmsResult] = {r.user_id: r for r in records or ()}
        for intent, attempt in attempts:
            record = by_id.get(attempt.user_id)
            if records is not None and record is None:
                attempt.outcome, attempt.reason = (
                    AttemptOutcome.NOT_SENT,
                    "not sent before a restart",
                )
            elif record is not None and record.status in _RESULT_OUTCOMES:
                if outbox.tracker.is_pending(attempt.user_id):
                    outbox.async_result(record)  # fires its events; the listener hears it
                    continue
                attempt.outcome = _RESULT_OUTCOMES[record.status]
                attempt.port = record.port
            else:
                left = attempt.at + intent.confirm_within - time.time()
                if record is not None:  # in the gateway's queue: a full window from now
                    left = intent.confirm_within
                    if not outbox.tracker.is_pending(attempt.user_id):
                        outbox.async_track([TrackedSms(attempt.user_id, intent.number, attempt.at)])
                self._start_timer(intent, attempt, left)
                continue
            await self._async_advance(intent)

    @callback
    def _async_resume_orphans(self, _now: Any) -> None:
        """Attempts on gateways that did not load since the start: taken as timed out."""
        self._grace = None
        for intent in list(self._intents.values()):
            for attempt in self._pending(intent):
                attempt.outcome, attempt.reason = AttemptOutcome.TIMED_OUT, UNREACHABLE
            if intent.final is None:
                self._hass.async_create_task(self._async_advance(intent))


def async_pool(hass: HomeAssistant) -> FailoverPool:
    """The one pool of this Home Assistant (made by the integration's set-up)."""
    return hass.data[DATA_FAILOVER]
