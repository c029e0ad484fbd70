"""The reminder the day before: sent once per registration (reminded_at), from the beat schedule."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from trainings.reminders import send_reminders
from trainings.tasks import send_training_reminders
from trainings.tests.factories import SessionFactory, register

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 9, day, hour, 0, tzinfo=SHANGHAI)


def test_the_beat_schedule_runs_the_task_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["remind-trainings"]
    assert entry["task"] == send_training_reminders.name == "trainings.tasks.send_training_reminders"


@time_machine.travel(at(9, 9), tick=False)
def test_registrants_of_tomorrow_are_reminded_once(ent_user, ent_user2, sms, django_capture_on_commit_callbacks):
    tomorrow = SessionFactory(state="published", starts_at=at(10, 14), ends_at=at(10, 16), signup_closes_at=at(9, 18))
    later_on = SessionFactory(state="published", starts_at=at(12, 9), ends_at=at(12, 11), signup_closes_at=at(11, 9))
    cancelled = SessionFactory(state="cancelled", starts_at=at(10, 9), ends_at=at(10, 11), signup_closes_at=at(9, 18))
    first = register(tomorrow, ent_user)
    register(tomorrow, ent_user2)
    register(later_on, ent_user)
    register(cancelled, ent_user2)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders.apply().get() == 2
    notices = Notification.objects.filter(event="training_reminder")
    assert {n.recipient_id for n in notices} == {ent_user.pk, ent_user2.pk}
    assert all(tomorrow.title in n.title and "2026-09-10 14:00" in n.body for n in notices)
    assert len(sms) == 2
    first.refresh_from_db()
    assert first.reminded_at == timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 0  # a second run (or a retried task) reminds nobody again
    assert Notification.objects.filter(event="training_reminder").count() == 2 and len(sms) == 2


@time_machine.travel(at(9, 9), tick=False)
def test_a_sign_up_after_the_run_is_reminded_by_the_next_one(ent_user, ent_user2, django_capture_on_commit_callbacks):
    session = SessionFactory(state="published", starts_at=at(10, 14), ends_at=at(10, 16), signup_closes_at=at(10, 9))
    register(session, ent_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 1
    register(session, ent_user2)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 1
    assert Notification.objects.filter(event="training_reminder").count() == 2
