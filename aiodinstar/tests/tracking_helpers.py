"""Results, reports and trackers for the tracker's unit tests."""

from __future__ import annotations

from aiodinstar import DeliveryReport, SmsResult, SmsStatus, SmsTracker, TrackedSms


def result(
    status: SmsStatus,
    *,
    user_id: int | None = 1,
    port: int = 2,
    number: str = "10086",
    count: int = 1,
    ref_id: int | None = 254,
) -> SmsResult:
    return SmsResult(
        port=port,
        number=number,
        user_id=user_id,
        time=None,
        status=status,
        count=count,
        succ_count=count,
        ref_id=ref_id,
        imsi=None,
    )


def report(ref_id: int, code: int = 0, *, port: int = 2, number: str = "10086") -> DeliveryReport:
    return DeliveryReport(
        port=port, number=number, time=None, ref_id=ref_id, status_code=code, imsi=None
    )


def tracker_with(*sms: TrackedSms) -> SmsTracker:
    tracker = SmsTracker(max_age=600)
    for item in sms:
        tracker.track(item)
    return tracker
