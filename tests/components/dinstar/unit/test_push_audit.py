"""Unconfirmed pushes: counted, and logged with their source at most every ten minutes."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.dinstar.messaging.push_audit import UNCONFIRMED_LOG_EVERY, PushAudit


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    caplog.clear()
    return messages


def test_unconfirmed_pushes_are_logged_with_their_source_rate_limited(
    freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    audit = PushAudit("Garage")
    audit.not_confirmed("SMS 7", "192.0.2.9")
    assert warnings(caplog) == [
        "Garage: a push from 192.0.2.9 announced SMS 7, which the gateway does not confirm: ignored"
    ]
    audit.not_confirmed("SMS 8", "192.0.2.9")
    audit.not_confirmed("SMS 9", None)
    assert warnings(caplog) == []
    freezer.tick(UNCONFIRMED_LOG_EVERY)
    audit.not_confirmed("SMS 10", None)
    assert warnings(caplog) == [
        (
            "Garage: a push from an unknown address announced SMS 10, which the gateway does not "
            "confirm: ignored (2 more such pushes since the last warning)"
        )
    ]
    freezer.tick(UNCONFIRMED_LOG_EVERY)
    audit.not_confirmed("SMS 11", "192.0.2.9")
    assert warnings(caplog) == [
        (
            "Garage: a push from 192.0.2.9 announced SMS 11, which the gateway does not confirm: "
            "ignored"
        )
    ]
    assert audit.unconfirmed == 5


def test_what_was_heard_starts_at_set_up_and_moves_with_confirmed_pushes(
    freezer: FrozenDateTimeFactory,
) -> None:
    audit = PushAudit("Garage")
    started = audit.heard
    assert audit.last_confirmed is None
    freezer.tick(60)
    audit.confirmed()
    assert audit.heard == audit.last_confirmed
    assert audit.heard > started
