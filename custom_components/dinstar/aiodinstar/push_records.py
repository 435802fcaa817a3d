"""Matching what a push says with the gateway's own records of it.

A push is believed only when a record read from the gateway's authenticated API is the same
event: same port and number, and the same time and reference wherever both carry one. What
is then acted on is the record, not the push.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .enums import SmsStatus
from .limits import check_number
from .models import CallRecord, DeliveryReport, SmsResult

# Pushed times are the gateway's own clock, as its records are: a small window around them
# finds the record without asking for the gateway's whole history.
TIME_MARGIN = timedelta(minutes=1)
# Where a later status may have replaced the pushed one by the time the record is read.
_LATER_STATUS = {SmsStatus.SENDING: SmsStatus.SENT_OK, SmsStatus.SENT_OK: SmsStatus.DELIVERED}


def _agree[T](pushed: T | None, recorded: T | None) -> bool:
    """Equal, or one side does not say (firmware differs in what it fills in)."""
    return pushed is None or recorded is None or pushed == recorded


def confirms_status(pushed: SmsStatus, recorded: SmsStatus) -> bool:
    """The record shows the pushed status, or the one that follows it."""
    return recorded is pushed or _LATER_STATUS.get(pushed) is recorded


def same_result(pushed: SmsResult, record: SmsResult) -> bool:
    """The record is the pushed sending result (its status is checked apart)."""
    return (
        pushed.port == record.port
        and pushed.number == record.number
        and _agree(pushed.user_id, record.user_id)
        and _agree(pushed.ref_id, record.ref_id)
        and _agree(pushed.time, record.time)
    )


def same_report(pushed: DeliveryReport, record: DeliveryReport) -> bool:
    """The record is the pushed delivery report."""
    return (
        pushed.port == record.port
        and pushed.number == record.number
        and pushed.ref_id == record.ref_id
        and pushed.status_code == record.status_code
        and _agree(pushed.time, record.time)
    )


def same_call(pushed: CallRecord, record: CallRecord) -> bool:
    """The record is the pushed call record."""
    return (
        pushed.port == record.port
        and pushed.start_date == record.start_date
        and pushed.source_number == record.source_number
        and pushed.destination_number == record.destination_number
        and pushed.duration == record.duration
    )


def time_window(times: Iterable[datetime | None]) -> tuple[datetime | None, datetime | None]:
    """The query bounds around pushed times; none when one of them has no time."""
    known = list(times)
    if not known or any(when is None for when in known):
        return None, None
    dated = [when for when in known if when is not None]
    return min(dated) - TIME_MARGIN, max(dated) + TIME_MARGIN


def is_number(number: str) -> bool:
    """Whether the gateway could have a record for this number (a forged one may be junk)."""
    try:
        check_number(number)
    except ValueError:
        return False
    return True
