"""Which gateway record a push is: every field that both carry must agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from aiodinstar import (
    TIME_MARGIN,
    CallRecord,
    DeliveryReport,
    SmsResult,
    SmsStatus,
    confirms_status,
    is_number,
    same_call,
    same_report,
    same_result,
    time_window,
)

AT = datetime(2026, 11, 1, 10, 0, 5)  # noqa: DTZ001 - the gateway's clock has no zone
REPORT = DeliveryReport(
    port=1, number="+4915100000001", time=AT, ref_id=215, status_code=0, imsi=None
)
CALL = CallRecord(
    port=2,
    start_date=AT,
    answer_date=AT,
    duration=3,
    source_number="1010",
    destination_number="6717",
    direction="ip->gsm",
    ip="",
    codec="",
    hangup="",
    gsm_code=16,
    bcch="",
)


def test_a_report_is_the_record_with_the_same_fields() -> None:
    assert same_report(REPORT, replace(REPORT, imsi="262010000000001"))


@pytest.mark.parametrize(
    "other",
    [
        replace(REPORT, port=2),
        replace(REPORT, number="+4915100000002"),
        replace(REPORT, ref_id=216),
        replace(REPORT, status_code=1),
        replace(REPORT, time=AT + timedelta(seconds=1)),
    ],
)
def test_a_report_differing_in_one_field_is_another(other: DeliveryReport) -> None:
    assert not same_report(REPORT, other)
    assert not same_report(other, REPORT)


@pytest.mark.parametrize("missing", ["pushed", "recorded"])
def test_a_report_time_only_one_side_gives_is_not_compared(missing: str) -> None:
    """Firmware differs in what it fills in."""
    pushed, recorded = REPORT, replace(REPORT, time=AT + timedelta(hours=1))
    if missing == "pushed":
        pushed = replace(REPORT, time=None)
    else:
        recorded = replace(REPORT, time=None)
    assert same_report(pushed, recorded)


def test_a_call_is_the_record_with_the_same_fields() -> None:
    assert same_call(CALL, replace(CALL, hangup="called"))


@pytest.mark.parametrize(
    "other",
    [
        replace(CALL, port=3),
        replace(CALL, start_date=AT + timedelta(seconds=1)),
        replace(CALL, source_number="1011"),
        replace(CALL, destination_number="6718"),
        replace(CALL, duration=4),
    ],
)
def test_a_call_differing_in_one_field_is_another(other: CallRecord) -> None:
    assert not same_call(CALL, other)


def test_the_time_window_spans_the_pushed_times_with_a_margin() -> None:
    later = AT + timedelta(minutes=5)
    assert time_window([later, AT]) == (AT - TIME_MARGIN, later + TIME_MARGIN)
    assert time_window([AT, None]) == (None, None)
    assert time_window([]) == (None, None)


@pytest.mark.parametrize(("number", "plausible"), [("+4915100000001", True), ("call-me", False)])
def test_only_a_number_the_gateway_could_hold_is_looked_up(number: str, plausible: bool) -> None:
    assert is_number(number) is plausible


RESULT = SmsResult(
    port=1,
    number="+4915100000001",
    user_id=41,
    time=AT,
    status=SmsStatus.SENT_OK,
    count=1,
    succ_count=1,
    ref_id=215,
    imsi=None,
)


def test_a_result_is_the_record_with_the_same_fields() -> None:
    assert same_result(RESULT, replace(RESULT, status=SmsStatus.DELIVERED, imsi="26201"))


@pytest.mark.parametrize(
    "other",
    [
        replace(RESULT, port=2),
        replace(RESULT, number="+4915100000002"),
        replace(RESULT, user_id=42),
        replace(RESULT, ref_id=216),
        replace(RESULT, time=AT + timedelta(seconds=1)),
    ],
)
def test_a_result_differing_in_one_field_is_another(other: SmsResult) -> None:
    assert not same_result(RESULT, other)
    assert not same_result(other, RESULT)


@pytest.mark.parametrize(
    ("without", "other"),
    [
        (replace(RESULT, user_id=None), replace(RESULT, user_id=42)),
        (replace(RESULT, ref_id=None), replace(RESULT, ref_id=216)),
        (replace(RESULT, time=None), replace(RESULT, time=AT + timedelta(hours=1))),
    ],
)
def test_a_result_field_only_one_side_gives_is_not_compared(
    without: SmsResult, other: SmsResult
) -> None:
    """Firmware differs in what it fills in: an absent field agrees with any."""
    assert same_result(without, other)
    assert same_result(other, without)


@pytest.mark.parametrize(
    ("pushed", "recorded", "confirmed"),
    [
        (SmsStatus.SENT_OK, SmsStatus.SENT_OK, True),
        (SmsStatus.SENT_OK, SmsStatus.DELIVERED, True),  # a later status replaced it
        (SmsStatus.SENDING, SmsStatus.SENT_OK, True),
        (SmsStatus.SENDING, SmsStatus.DELIVERED, False),
        (SmsStatus.SENT_OK, SmsStatus.FAILED, False),
        (SmsStatus.FAILED, SmsStatus.SENT_OK, False),
        (SmsStatus.DELIVERED, SmsStatus.SENT_OK, False),
    ],
)
def test_a_record_confirms_the_pushed_status_or_the_next(
    pushed: SmsStatus, recorded: SmsStatus, confirmed: bool
) -> None:
    assert confirms_status(pushed, recorded) is confirmed
