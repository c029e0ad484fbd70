"""The outbox (SECURITY.md §7): email and SMS are Delivery rows sent by a Celery task with retries and backoff, failed
for good after the last attempt, requeued by the beat task when stuck, and never sent twice by a retried task."""

import datetime
import logging

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from notifications import outbox
from notifications.models import Delivery
from notifications.services import notify
from notifications.tasks import requeue_stuck_deliveries, send_deliveries
from notifications.tests import sms_doubles

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def reachable(lead_handler):
    lead_handler.phone = "13900000001"
    lead_handler.save()
    return lead_handler


def notify_once(callbacks, user, key="k-1"):
    with callbacks(execute=True):
        notify(recipients=[user], event="dispatch", key=key, title="新工单待签收")


def test_the_tasks_are_acknowledged_late_and_the_requeue_runs_on_the_beat():
    assert send_deliveries.acks_late and requeue_stuck_deliveries.acks_late
    schedule = django_settings.CELERY_BEAT_SCHEDULE["requeue-stuck-deliveries"]
    assert schedule["task"] == "notifications.tasks.requeue_stuck_deliveries" and schedule["schedule"] <= 600


def test_the_action_only_fills_the_outbox_and_queues_one_message_per_chunk(django_capture_on_commit_callbacks, reachable,
                                                                        sms, queued):
    notify_once(django_capture_on_commit_callbacks, reachable)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.body) == ("pending", 0, "【企业之家】新工单待签收")
    assert queued == [[delivery.pk]] and sms == []
    send_deliveries.apply(args=(queued[0],))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("sent", 1, None)
    assert delivery.sent_at is not None and sms == [("13900000001", "【企业之家】新工单待签收")]


def test_a_broker_that_refuses_the_message_leaves_the_row_for_the_requeue(django_capture_on_commit_callbacks, reachable,
                                                                         monkeypatch, sms):
    def refuse(ids):
        raise ConnectionError("broker down")

    monkeypatch.setattr(send_deliveries, "delay", refuse)
    notify_once(django_capture_on_commit_callbacks, reachable)
    assert Delivery.objects.get().status == "pending" and sms == []


def test_failed_attempts_back_off_exponentially_and_the_last_marks_the_row_failed(
    django_capture_on_commit_callbacks, settings, reachable, queued, caplog, monkeypatch
):
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    assert settings.DELIVERY_MAX_ATTEMPTS == 6
    countdowns = []
    retry = send_deliveries.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return retry(*args, **kwargs)

    # An eager task runs its retry at once (the early run below finds the row not due); the countdown is what a worker
    # would wait.
    monkeypatch.setattr(send_deliveries, "retry", spy)
    with time_machine.travel(START, tick=False) as clock:
        notify_once(django_capture_on_commit_callbacks, reachable)
        [chunk] = queued
        waits = []
        for attempt in range(1, 7):
            with caplog.at_level(logging.WARNING, logger="notifications"):
                result = send_deliveries.apply(args=(chunk,))
            delivery = Delivery.objects.get()
            assert delivery.attempts == attempt and delivery.error == "短信网关无响应"
            if attempt < 6:
                assert delivery.status == "pending"
                waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
                assert countdowns[-1] == waits[-1] + 1
                # An early run (the eager retry, a duplicate message) sends nothing: the row is not due.
                assert send_deliveries.apply(args=(chunk,)).state == "SUCCESS"
                assert Delivery.objects.get().attempts == attempt
                clock.shift(datetime.timedelta(seconds=waits[-1]))
        assert waits == [60, 120, 240, 480, 960]
        assert (delivery.status, delivery.next_attempt_at) == ("failed", None)
        assert result.state == "SUCCESS" and len(countdowns) == 5  # no retry after the last attempt
        assert "failed for good after 6 attempts" in caplog.text and "13900000001" not in caplog.text
        # Nothing more is tried: neither the task nor the requeue touches a failed row.
        clock.shift(datetime.timedelta(days=1))
        send_deliveries.apply(args=(chunk,))
        assert outbox.requeue_stuck() == 0
        assert Delivery.objects.get().attempts == 6


def test_the_retry_countdown_follows_the_backoff(settings):
    settings.DELIVERY_RETRY_BACKOFF, settings.DELIVERY_RETRY_BACKOFF_MAX = 30, 300
    assert [outbox.backoff(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_a_failure_then_a_success_sends_once(django_capture_on_commit_callbacks, settings, reachable, queued, sms):
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    with time_machine.travel(START, tick=False) as clock:
        notify_once(django_capture_on_commit_callbacks, reachable)
        send_deliveries.apply(args=(queued[0],))
        settings.SMS_SENDER = "notifications.tests.sms_doubles.RecordingSMSSender"
        clock.shift(datetime.timedelta(seconds=61))
        send_deliveries.apply(args=(queued[0],))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert len(sms) == 1


def test_a_retried_or_duplicated_task_never_sends_twice(django_capture_on_commit_callbacks, reachable, queued, sms):
    notify_once(django_capture_on_commit_callbacks, reachable)
    [chunk] = queued
    send_deliveries.apply(args=(chunk,))
    send_deliveries.apply(args=(chunk,))  # the broker hands the message out again (acks_late)
    assert len(sms) == 1


def test_a_row_being_sent_by_one_task_is_left_alone_by_another(django_capture_on_commit_callbacks, settings, reachable,
                                                               queued, monkeypatch):
    """Two tasks hold the same id (a requeued message while the first still runs): the second finds the row claimed."""
    notify_once(django_capture_on_commit_callbacks, reachable)
    [chunk] = queued
    settings.SMS_SENDER = "notifications.tests.sms_doubles.RecordingSMSSender"
    sms_doubles.SENT.clear()
    inner = []

    original = sms_doubles.RecordingSMSSender.send

    def send_while_another_task_runs(self, phone, text):
        inner.append(outbox.send_due(chunk))  # the concurrent task, while this one talks to the gateway
        original(self, phone, text)

    monkeypatch.setattr(sms_doubles.RecordingSMSSender, "send", send_while_another_task_runs)
    send_deliveries.apply(args=(chunk,))
    assert len(sms_doubles.SENT) == 1 and inner == [None]
    assert Delivery.objects.get().status == "sent"
    sms_doubles.SENT.clear()


def test_the_beat_task_requeues_what_is_stuck_and_nothing_else(django_capture_on_commit_callbacks, settings, reachable,
                                                               other_handler, office_clerk, queued, sms):
    settings.DELIVERY_STUCK_AFTER = 600
    with time_machine.travel(START, tick=False) as clock:
        for n, user in enumerate([reachable, other_handler, office_clerk]):
            user.phone = f"1390000000{n + 1}"
            user.save()
            notify_once(django_capture_on_commit_callbacks, user, key=f"k-{n}")
        lost, sent, exhausted = Delivery.objects.order_by("pk")
        send_deliveries.apply(args=([sent.pk],))
        Delivery.objects.filter(pk=exhausted.pk).update(attempts=6)  # a worker died during the last attempt
        queued.clear()

        clock.shift(datetime.timedelta(seconds=599))
        assert requeue_stuck_deliveries.apply().get() == 0 and queued == []  # not stuck yet

        clock.shift(datetime.timedelta(seconds=2))
        assert requeue_stuck_deliveries.apply().get() == 1
        assert queued == [[lost.pk]]
        lost.refresh_from_db()
        exhausted.refresh_from_db()
        assert lost.status == "pending" and lost.next_attempt_at == timezone.now()
        assert (exhausted.status, exhausted.error) == ("failed", "多次尝试后仍未确认发送成功")
        assert requeue_stuck_deliveries.apply().get() == 0  # requeued once, not at every beat

        send_deliveries.apply(args=(queued[0],))
    assert sorted(phone for phone, _ in sms) == ["13900000001", "13900000002"]


def test_a_claimed_row_whose_worker_died_is_requeued_after_its_lease(django_capture_on_commit_callbacks, settings,
                                                                    reachable, queued, sms):
    settings.EMAIL_TIMEOUT, settings.DELIVERY_STUCK_AFTER = 10, 600
    with time_machine.travel(START, tick=False) as clock:
        notify_once(django_capture_on_commit_callbacks, reachable)
        delivery = Delivery.objects.get()
        assert outbox._claim(delivery.pk, timezone.now())  # claimed, then the worker is gone
        queued.clear()
        clock.shift(datetime.timedelta(seconds=90 + 600 - 1))
        assert outbox.requeue_stuck() == 0
        clock.shift(datetime.timedelta(seconds=2))
        assert outbox.requeue_stuck() == 1
        send_deliveries.apply(args=(queued[0],))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2) and len(sms) == 1
