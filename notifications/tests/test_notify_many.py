"""notify_many(): many messages at once with the rules of notify() — after commit, at most once per (recipient, key),
email and SMS only to the people newly notified, nothing after a rollback — in a few statements whatever their number."""

import logging

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from notifications.models import Delivery, Notification
from notifications.services import Message, notify, notify_many
from notifications.tasks import send_deliveries

pytestmark = pytest.mark.django_db


def keys_of(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("key", flat=True))


@pytest.fixture
def reachable(lead_handler):
    lead_handler.email, lead_handler.phone = "lead@example.cn", "13900000001"
    lead_handler.save()
    return lead_handler


def test_each_message_reaches_its_recipients_after_commit(django_capture_on_commit_callbacks, lead_handler, other_handler):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_many([
            Message(recipients=[lead_handler, other_handler], event="clock_warning", key="k1", title="签收时限即将到期",
                    body="请抓紧办理", url="/tickets/1/"),
            Message(recipients=[other_handler], event="clock_overdue", key="k2", title="签收已超期"),
        ])
        assert not Notification.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1  # one callback for the whole batch
    callbacks[0]()
    note = Notification.objects.get(recipient=lead_handler)
    assert (note.event, note.key, note.title, note.body, note.url, note.read_at) == (
        "clock_warning", "k1", "签收时限即将到期", "请抓紧办理", "/tickets/1/", None
    )
    assert keys_of(other_handler) == ["k1", "k2"]


def test_a_key_reaches_a_person_once_and_only_newcomers_get_email_and_sms(
    django_capture_on_commit_callbacks, reachable, other_handler, sms
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[reachable], event="clock_warning", key="k-once", title="第一次")
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([
            Message(recipients=[reachable, other_handler], event="clock_warning", key="k-once", title="重试"),
            Message(recipients=[reachable], event="clock_warning", key="k-once", title="同批重复"),
            Message(recipients=[reachable], event="clock_overdue", key="k-new", title="新的一次", body="已超期"),
        ])
    assert Notification.objects.get(recipient=reachable, key="k-once").title == "第一次"
    assert keys_of(other_handler) == ["k-once"]  # a newcomer to the key is still told
    assert [m.subject for m in mail.outbox] == ["【企业之家】第一次", "【企业之家】新的一次"]
    assert sms == [("13900000001", "【企业之家】第一次"), ("13900000001", "【企业之家】新的一次。已超期")]
    assert sorted(Delivery.objects.values_list("channel", "key", "status")) == [
        ("email", "k-new", "sent"), ("email", "k-once", "sent"), ("sms", "k-new", "sent"), ("sms", "k-once", "sent"),
    ]


def test_the_same_batch_twice_sends_nothing_new(django_capture_on_commit_callbacks, reachable, sms):
    batch = [Message(recipients=[reachable], event="clock_overdue", key=f"k-{n}", title=f"超期 {n}") for n in range(3)]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify_many(batch)
    assert keys_of(reachable) == ["k-0", "k-1", "k-2"]
    assert len(mail.outbox) == 3 and len(sms) == 3 and Delivery.objects.count() == 6


def test_an_address_shared_by_two_people_gets_one_message_per_key(django_capture_on_commit_callbacks, reachable, sms):
    colleague = UserFactory(role=Role.HANDLER, department=department("anshun-scjg"), phone=reachable.phone, email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([Message(recipients=[reachable, colleague], event="supervision", key="k-shared", title="系统督办")])
    assert keys_of(colleague) == ["k-shared"] and keys_of(reachable) == ["k-shared"]
    assert sms == [("13900000001", "【企业之家】系统督办")] and len(mail.outbox) == 1


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, reachable, sms):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify_many([Message(recipients=[reachable], event="clock_overdue", key="k-rollback", title="不应送达")])
                raise RuntimeError("巡检失败")
    assert callbacks == []
    assert not Notification.objects.exists() and mail.outbox == [] and sms == [] and not Delivery.objects.exists()


def test_inactive_people_and_empty_messages_are_left_out(django_capture_on_commit_callbacks, lead_handler):
    retired = UserFactory(role=Role.HANDLER, department=department("anshun-scjg"), is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_many([
            Message(recipients=[retired], event="clock_warning", key="k-nobody", title="无人接收"),
            Message(recipients=[], event="clock_warning", key="k-empty", title="无人接收"),
        ])
    assert callbacks == [] and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([Message(recipients=[lead_handler, retired], event="clock_warning", key="k-some", title="部分接收")])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [lead_handler.pk]


def test_an_empty_key_is_a_programming_error(lead_handler):
    with pytest.raises(ValueError):
        notify_many([Message(recipients=[lead_handler], event="clock_warning", key="", title="x")])


def test_gateway_failures_are_recorded_and_the_rest_is_sent(django_capture_on_commit_callbacks, settings, reachable, caplog):
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    with caplog.at_level(logging.WARNING, logger="notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            notify_many([Message(recipients=[reachable], event="clock_overdue", key="k-fail", title="签收已超期")])
    assert keys_of(reachable) == ["k-fail"]  # the in-app notification stands
    # The failed SMS stays in the outbox for its next attempt (notifications/tests/test_outbox.py follows it to the end).
    assert {d.channel: (d.status, d.error, d.attempts) for d in Delivery.objects.all()} == {
        "email": ("sent", "", 1), "sms": ("pending", "短信网关无响应", 1),
    }
    assert "failed" in caplog.text and "13900000001" not in caplog.text


def test_the_cost_does_not_grow_with_the_number_of_messages(
    django_capture_on_commit_callbacks, django_assert_max_num_queries, lead_handler, other_handler, office_clerk, sms,
    queued,
):
    people = [lead_handler, other_handler, office_clerk]
    for person in people:
        person.phone = f"139{person.pk:08d}"
        person.save()

    def batch(prefix, size):
        return [Message(recipients=people, event="clock_warning", key=f"{prefix}-{n}", title=f"预警 {n}") for n in range(size)]

    # Read the people, insert the notifications, claim the deliveries into the outbox: 3 statements for 3 or 90, and
    # one task message per chunk of deliveries (the sending is the task's, counted apart).
    with django_assert_max_num_queries(3):
        with django_capture_on_commit_callbacks(execute=True):
            notify_many(batch("few", 1))
    with django_assert_max_num_queries(3):
        with django_capture_on_commit_callbacks(execute=True):
            notify_many(batch("many", 30))
    assert Notification.objects.count() == 93 and len(queued) == 2 and sorted(sum(queued, [])) == sorted(
        Delivery.objects.values_list("pk", flat=True)
    )
    assert Delivery.objects.filter(status="pending").count() == 93 and not sms
    for chunk in queued:
        send_deliveries.apply(args=(chunk,))
    assert len(sms) == 93 and Delivery.objects.filter(status="sent").count() == 93
