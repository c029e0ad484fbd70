"""notify*(): who is reached, at most once per key, nothing before commit or after a rollback, email and SMS."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from notifications.models import Delivery, Notification
from notifications.services import notify, notify_department, notify_enterprise, notify_region_office

pytestmark = pytest.mark.django_db


def keys_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_notify_creates_one_notification_per_recipient_after_commit(django_capture_on_commit_callbacks, lead_handler, other_handler):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[lead_handler, other_handler], event="dispatch", key="k1", title="新工单", body="正文", url="/tickets/1/")
        assert not Notification.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    note = Notification.objects.get(recipient=lead_handler)
    assert (note.event, note.key, note.title, note.body, note.url, note.read_at) == ("dispatch", "k1", "新工单", "正文", "/tickets/1/", None)
    assert keys_of(other_handler) == ["k1"]


def test_the_same_key_reaches_a_person_once(django_capture_on_commit_callbacks, lead_handler, other_handler, sms):
    lead_handler.email, lead_handler.phone = "lead@example.cn", "13900000001"
    lead_handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[lead_handler], event="dispatch", key="ticket:1:dispatch", title="第一次")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[lead_handler, lead_handler, other_handler], event="dispatch", key="ticket:1:dispatch", title="重试")
        notify(recipients=[lead_handler], event="dispatch", key="ticket:1:dispatch", title="再重试")
    assert Notification.objects.filter(recipient=lead_handler).get().title == "第一次"
    assert keys_of(other_handler) == ["ticket:1:dispatch"]  # a newcomer to the key is still told
    assert len(mail.outbox) == 1 and len(sms) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[lead_handler], event="dispatch", key="ticket:1:dispatch:2", title="新的一次派单")
    assert len(keys_of(lead_handler)) == 2 and len(mail.outbox) == 2 and len(sms) == 2


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, lead_handler, sms):
    lead_handler.email, lead_handler.phone = "lead@example.cn", "13900000001"
    lead_handler.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipients=[lead_handler], event="dispatch", key="k-rollback", title="不应送达")
                raise RuntimeError("动作失败")
    assert callbacks == []
    assert not Notification.objects.exists() and mail.outbox == [] and sms == [] and not Delivery.objects.exists()


def test_email_goes_to_users_with_an_address(django_capture_on_commit_callbacks, settings, lead_handler, other_handler):
    settings.SITE_URL = "https://qyzj.anshun.gov.cn/"
    lead_handler.email = "lead@example.cn"
    lead_handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[lead_handler, other_handler], event="dispatch", key="k-mail", title="新工单待签收：GD1",
               body="请签收", url="/tickets/7/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.cn"] and message.subject == "【企业之家】新工单待签收：GD1"
    assert "请签收" in message.body and "https://qyzj.anshun.gov.cn/tickets/7/" in message.body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_sms_goes_through_the_configured_sender_to_users_with_a_phone(django_capture_on_commit_callbacks, lead_handler, other_handler, sms):
    lead_handler.phone = "13900000001"
    lead_handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[lead_handler, other_handler], event="dispatch", key="k-sms", title="新工单待签收", body="请及时签收")
    assert sms == [("13900000001", "【企业之家】新工单待签收。请及时签收")]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.address, delivery.status) == ("sms", "13900000001", "sent")


def test_the_default_sms_sender_writes_to_the_log(django_capture_on_commit_callbacks, lead_handler, caplog):
    lead_handler.phone = "13900000001"
    lead_handler.save()
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[lead_handler], event="dispatch", key="k-log", title="新工单待签收")
    assert "SMS to 139****0001: 【企业之家】新工单待签收" in caplog.text


def test_delivery_failures_are_logged_and_never_break_the_action(django_capture_on_commit_callbacks, settings, lead_handler, caplog):
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    settings.EMAIL_BACKEND = "notifications.tests.broken_email.BrokenBackend"
    lead_handler.email, lead_handler.phone = "lead@example.cn", "13900000001"
    lead_handler.save()
    with caplog.at_level(logging.WARNING, logger="notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[lead_handler], event="dispatch", key="k-fail", title="新工单待签收")
    assert keys_of(lead_handler) == ["k-fail"]  # the in-app notification stands
    # Both stay in the outbox for their next attempt (notifications/tests/test_outbox.py follows them to the end).
    waiting = {d.channel: d.error for d in Delivery.objects.filter(status=Delivery.Status.PENDING, attempts=1)}
    assert waiting == {"email": "邮件服务器拒绝连接", "sms": "短信网关无响应"}
    assert caplog.text.count("failed") == 2
    assert "13900000001" not in caplog.text and "lead@example.cn" not in caplog.text


def test_notify_department_reaches_its_active_handlers_only(django_capture_on_commit_callbacks, lead_handler, other_handler, office_clerk):
    colleague = UserFactory(role=Role.HANDLER, department=department("anshun-scjg"))
    retired = UserFactory(role=Role.HANDLER, department=department("anshun-scjg"), is_active=False)
    specialist_there = UserFactory(role=Role.SPECIALIST, department=department("anshun-scjg"))
    with django_capture_on_commit_callbacks(execute=True):
        notify_department(department("anshun-scjg"), event="dispatch", key="k-dept", title="新工单")
    reached = set(Notification.objects.values_list("recipient__username", flat=True))
    assert reached == {lead_handler.username, colleague.username}
    assert not {retired.username, specialist_there.username, other_handler.username, office_clerk.username} & reached


def test_notify_region_office_reaches_the_office_of_that_region(django_capture_on_commit_callbacks, office_clerk, county_office, lead_handler):
    with django_capture_on_commit_callbacks(execute=True):
        notify_region_office(office_clerk.department.region, event="objection", key="k-office", title="办理异议")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {office_clerk.pk}
    with django_capture_on_commit_callbacks(execute=True):
        notify_region_office(county_office.department.region, event="objection", key="k-office", title="办理异议")
    assert keys_of(county_office) == ["k-office"] and keys_of(lead_handler) == []


def test_notify_enterprise_reaches_its_users_and_texts_the_given_phones(django_capture_on_commit_callbacks, enterprise_user, sms):
    other_enterprise_user = EnterpriseUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify_enterprise(enterprise_user.enterprise_id, event="supplement", key="k-ent", title="请补充材料",
                          phones=["13800000000"])
    assert keys_of(enterprise_user) == ["k-ent"] and keys_of(other_enterprise_user) == []
    assert sms == [("13800000000", "【企业之家】请补充材料")]
    with django_capture_on_commit_callbacks(execute=True):
        notify_enterprise(enterprise_user.enterprise_id, event="supplement", key="k-ent", title="请补充材料",
                          phones=["13800000000"])
    assert len(sms) == 1  # the contact's phone, too, hears of a key once


def test_notify_enterprise_without_an_enterprise_texts_only_the_phones(django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        notify_enterprise(None, event="result", key="k-phone", title="已办结", phones=["13900000000"])
    assert not Notification.objects.exists() and sms == [("13900000000", "【企业之家】已办结")]


def test_a_bad_sms_sender_setting_stops_the_checks(settings):
    settings.SMS_SENDER = "notifications.tests.sms_doubles.NotASender"
    with pytest.raises(SystemCheckError, match="SMS_SENDER"):
        call_command("check")
    settings.SMS_SENDER = "notifications.nowhere.Sender"
    with pytest.raises(SystemCheckError, match="SMS_SENDER"):
        call_command("check")


def test_an_empty_key_is_a_programming_error(lead_handler):
    with pytest.raises(ValueError):
        notify(recipients=[lead_handler], event="dispatch", key="", title="x")
