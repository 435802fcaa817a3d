"""The sent-message tracker: results by user_id or by number, multi-part delivery reports."""

from __future__ import annotations

from aiodinstar import Outcome, SmsStatus, TrackedSms

from .tracking_helpers import report, result, tracker_with


def test_sent_then_every_part_delivered_with_wrapping_ref_ids() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0, parts=3))
    (sent,) = tracker.apply_result(result(SmsStatus.SENT_OK, count=3, ref_id=254))
    assert sent.outcome is Outcome.SENT
    assert sent.sms.ref_ids == {254, 255, 0}
    assert tracker.apply_result(result(SmsStatus.SENT_OK, count=3)) == []  # reported once
    assert tracker.apply_report(report(254)) == []
    assert tracker.apply_report(report(254)) == []  # a repeated report changes nothing
    assert tracker.apply_report(report(0, 40)) == []  # temporary error: still trying
    assert tracker.apply_report(report(255)) == []
    (done,) = tracker.apply_report(report(0))
    assert done.outcome is Outcome.DELIVERED
    assert tracker.pending == []


def test_permanent_error_on_one_part_is_undelivered() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0, parts=2))
    tracker.apply_result(result(SmsStatus.SENT_OK, count=2, ref_id=10))
    (update,) = tracker.apply_report(report(11, 65))
    assert (update.outcome, update.status_code) == (Outcome.UNDELIVERED, 65)
    assert tracker.apply_report(report(10)) == []


def test_pushed_results_match_by_number_and_port_oldest_first() -> None:
    tracker = tracker_with(
        TrackedSms(user_id=1, number="10086", created=0),
        TrackedSms(user_id=2, number="10086", created=0),
        TrackedSms(user_id=3, number="555", created=0),
    )
    first = tracker.apply_result(result(SmsStatus.SENT_OK, user_id=None, ref_id=5))
    second = tracker.apply_result(result(SmsStatus.SENT_OK, user_id=None, ref_id=6))
    assert [u.sms.user_id for u in first + second] == [1, 2]
    (delivered,) = tracker.apply_result(result(SmsStatus.DELIVERED, user_id=None, ref_id=6))
    assert (delivered.sms.user_id, delivered.outcome) == (2, Outcome.DELIVERED)
    assert tracker.apply_result(result(SmsStatus.SENT_OK, user_id=None, number="999")) == []


def test_failure_and_no_report_wanted() -> None:
    tracker = tracker_with(
        TrackedSms(user_id=1, number="10086", created=0),
        TrackedSms(user_id=2, number="10086", created=0, wants_report=False),
    )
    (failed,) = tracker.apply_result(result(SmsStatus.FAILED, user_id=1))
    assert failed.outcome is Outcome.FAILED
    (sent,) = tracker.apply_result(result(SmsStatus.SENT_OK, user_id=2))
    assert sent.outcome is Outcome.SENT
    assert tracker.pending == []


def test_delivered_result_without_a_sent_one_reports_both() -> None:
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    updates = tracker.apply_result(result(SmsStatus.DELIVERED))
    assert [u.outcome for u in updates] == [Outcome.SENT, Outcome.DELIVERED]
    assert tracker.apply_result(result(SmsStatus.DELIVERED)) == []


def test_sending_result_changes_nothing_and_old_ones_expire() -> None:
    tracker = tracker_with(
        TrackedSms(user_id=1, number="10086", created=0),
        TrackedSms(user_id=2, number="1", created=500),
    )
    assert tracker.apply_result(result(SmsStatus.SENDING)) == []
    assert tracker.apply_report(report(99)) == []  # nothing with that ref_id
    (expired,) = tracker.expire(now=700)
    assert (expired.sms.user_id, expired.outcome) == (1, Outcome.EXPIRED)
    assert [sms.user_id for sms in tracker.pending] == [2]


def test_a_report_of_another_part_to_the_same_number_is_not_this_messages() -> None:
    """Port and number match, the ref_id does not: an earlier message's report, not ours."""
    tracker = tracker_with(TrackedSms(user_id=1, number="10086", created=0))
    tracker.apply_result(result(SmsStatus.SENT_OK, ref_id=7))
    assert tracker.apply_report(report(6)) == []
    assert tracker.apply_report(report(8, 66)) == []
    assert [sms.user_id for sms in tracker.pending] == [1]
    (done,) = tracker.apply_report(report(7))
    assert done.outcome is Outcome.DELIVERED


def test_a_message_is_pending_until_its_outcome() -> None:
    tracker = tracker_with(TrackedSms(user_id=7, number="10086", created=0))
    assert (tracker.is_pending(7), tracker.is_pending(8)) == (True, False)
    tracker.apply_result(result(SmsStatus.FAILED, user_id=7))
    assert tracker.is_pending(7) is False
