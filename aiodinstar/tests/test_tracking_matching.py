"""Which followed message a result or a report belongs to, and when its outcome is known."""

from __future__ import annotations

from aiodinstar import Outcome, SmsStatus, TrackedSms, TrackingUpdate

from .tracking_helpers import report, result, tracker_with


def outcomes(updates: list[TrackingUpdate]) -> list[tuple[int, Outcome, int | None]]:
    return [(u.sms.user_id, u.outcome, u.status_code) for u in updates]


def test_pending_oldest_first_and_no_reference_before_the_result() -> None:
    tracker = tracker_with(
        TrackedSms(user_id=5, number="10086", created=0),
        TrackedSms(user_id=3, number="1", created=0),
    )
    assert [s.user_id for s in tracker.pending] == [3, 5]
    assert tracker.pending[1].ref_ids == frozenset()


def test_the_result_sets_port_parts_and_references() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0, parts=4))
    (sent,) = tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, count=2, ref_id=255))
    assert (sent.sms.port, sent.sms.parts, sent.sms.ref_ids) == (2, 2, frozenset({255, 0}))
    # A later result without a reference keeps the one known; a count of 0 is one part.
    tracker.apply_result(result(SmsStatus.SENDING, user_id=1, count=0, ref_id=None))
    assert (sent.sms.parts, sent.sms.first_ref_id) == (1, 255)
    assert outcomes(tracker.apply_report(report(255))) == [(1, Outcome.DELIVERED, 0)]


def test_a_failed_result_after_sent_reports_failed_and_stops() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, ref_id=7))
    assert outcomes(tracker.apply_result(result(SmsStatus.FAILED, user_id=1, ref_id=7))) == [
        (1, Outcome.FAILED, None)
    ]
    assert tracker.pending == []


def test_delivered_result_of_a_message_that_wants_no_report() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0, wants_report=False))
    assert outcomes(tracker.apply_result(result(SmsStatus.DELIVERED, user_id=1, ref_id=7))) == [
        (1, Outcome.SENT, None),
        (1, Outcome.DELIVERED, 0),
    ]
    assert tracker.pending == []


def test_a_sent_message_awaiting_its_report_stays_followed() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, ref_id=7))
    assert [s.user_id for s in tracker.pending] == [1]
    assert tracker.follows(2, "10086")


def test_reports_match_port_number_and_reference() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, ref_id=7))
    assert tracker.apply_report(report(7, port=3)) == []
    assert tracker.apply_report(report(7, number="10010")) == []
    assert tracker.apply_report(report(8)) == []
    assert outcomes(tracker.apply_report(report(7, 64))) == [(1, Outcome.UNDELIVERED, 64)]


def test_a_temporary_error_is_not_the_part_s_fate() -> None:
    """Codes 32-63: the network still tries; a later report of that part decides."""
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, ref_id=7))
    assert tracker.apply_report(report(7, 63)) == []
    (sms,) = tracker.pending
    assert sms.reported_parts == set()
    assert outcomes(tracker.apply_report(report(7, 65))) == [(1, Outcome.UNDELIVERED, 65)]


def test_a_report_before_the_result_matches_nothing() -> None:
    """Its port and reference come with the result: an earlier report cannot be placed."""
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    assert tracker.apply_report(report(7)) == []
    assert [s.user_id for s in tracker.pending] == [1]


def test_followed_numbers_by_port() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    assert tracker.follows(5, "10086")  # no port known yet: any port
    assert not tracker.follows(5, "10010")
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, port=2, ref_id=7))
    assert tracker.follows(2, "10086")
    assert not tracker.follows(5, "10086")


def test_pushed_results_skip_other_ports_and_sent_messages() -> None:
    tracker = tracker_with(
        TrackedSms(user_id=1, number="10086", created=0, port=3),
        TrackedSms(user_id=2, number="10086", created=0),
    )
    assert outcomes(
        tracker.apply_result(result(SmsStatus.SENT_OK, port=2, user_id=None, ref_id=7))
    ) == [(2, Outcome.SENT, None)]
    # 2 is sent: a second pushed result on port 2 has no message left to name.
    assert tracker.apply_result(result(SmsStatus.SENT_OK, port=2, user_id=None, ref_id=7)) == []


def test_a_pushed_delivered_result_names_the_message_by_reference() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, user_id=1, ref_id=7))
    assert tracker.apply_result(result(SmsStatus.DELIVERED, ref_id=9, user_id=None)) == []
    assert outcomes(tracker.apply_result(result(SmsStatus.DELIVERED, ref_id=7, user_id=None))) == [
        (1, Outcome.DELIVERED, 0)
    ]


def test_a_pushed_delivered_result_of_a_message_with_no_reference_yet() -> None:
    """Its sending result was lost: the delivered one reports both outcomes."""
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    assert outcomes(tracker.apply_result(result(SmsStatus.DELIVERED, ref_id=9, user_id=None))) == [
        (1, Outcome.SENT, None),
        (1, Outcome.DELIVERED, 0),
    ]


def test_expiry_is_strictly_after_the_bound() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=100))
    assert tracker.expire(now=700) == []
    assert outcomes(tracker.expire(now=700.5)) == [(1, Outcome.EXPIRED, None)]
    assert tracker.pending == []
