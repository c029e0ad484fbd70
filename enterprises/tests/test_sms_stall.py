"""A stalled SMS gateway never holds up a sign-up (SECURITY.md §7, as supervision/tests/test_smtp_stall.py for SMTP): the
"获取验证码" request answers without any connection to the gateway, the code waits in the outbox (encrypted), and the
outbox task delivers it once the gateway answers again — and the person finishes the sign-up with it.

Two real gateway endpoints on 127.0.0.1 (notifications/tests/sms_doubles.py): one that accepts connections and never
says a word, one that answers."""

import re
import time

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import valid_uscc
from enterprises.tests.helpers import pdf
from notifications.models import Delivery
from notifications.tasks import send_deliveries
from notifications.tests.sms_doubles import SilentGateway, WorkingGateway
from qiyezhijia.testing import committed

pytestmark = pytest.mark.django_db
PHONE = "13985300651"
PASSWORD = "Qyzj-2026-Stall"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def silent_gateway(settings):
    gateway = SilentGateway()
    settings.SMS_SENDER = "notifications.tests.sms_doubles.TcpSMSSender"
    settings.TEST_SMS_GATEWAY_PORT, settings.TEST_SMS_GATEWAY_TIMEOUT = gateway.port, 1
    yield gateway
    gateway.close()


@pytest.fixture
def working_gateway():
    gateway = WorkingGateway()
    yield gateway
    gateway.close()


def test_a_sign_up_never_waits_on_a_stalled_sms_gateway_and_the_code_arrives_when_it_answers(
    client, settings, silent_gateway, working_gateway, queued
):
    signup = reverse("enterprises:signup")
    started = time.monotonic()
    with committed():
        response = client.post(signup, {"action": "send_code", "phone": PHONE})
    took = time.monotonic() - started
    assert response.status_code == 200 and "验证码已发送至 139****0651" in response.content.decode()
    time.sleep(0.2)  # a connection the request had opened would have been accepted by now
    assert silent_gateway.accepted == []  # the request never talked to the gateway …
    assert took < settings.TEST_SMS_GATEWAY_TIMEOUT  # … so it did not wait for its timeout either
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.event, delivery.status, delivery.attempts) == ("sms", "phone_code", "pending", 0)
    assert [delivery.pk] in queued
    with connection.cursor() as cursor:  # the code's text is encrypted in the outbox
        cursor.execute("SELECT body FROM notifications_delivery WHERE id = %s", [delivery.pk])
        assert cursor.fetchone()[0].startswith("pii1:")

    # The worker meets the silent gateway: its attempt times out, the row waits for a retry.
    send_deliveries.apply(args=([delivery.pk],))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1) and "timed out" in delivery.error
    assert len(silent_gateway.accepted) == 1

    # The gateway answers again; when the retry is due, the task delivers the code.
    settings.TEST_SMS_GATEWAY_PORT = working_gateway.port
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    send_deliveries.apply(args=([delivery.pk],))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 2, "")
    [(phone, text)] = working_gateway.received
    code = re.search(r"验证码是 (\d{6})", text).group(1)
    assert phone == PHONE and "企业注册" in text

    response = client.post(signup, {
        "action": "signup", "enterprise_name": "安顺网关测试有限公司", "uscc": valid_uscc(6511), "region": "xixiu",
        "person_name": "赵小刚", "phone": PHONE, "code": code, "password1": PASSWORD, "password2": PASSWORD,
        "licence": pdf(), "consent": "on",
    })
    assert response.status_code == 302 and User.objects.with_phone(PHONE).get().first_name == "赵小刚"
