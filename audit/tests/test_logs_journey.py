"""No log line holds a password, an SMS code or a full phone (SECURITY.md §4): a whole journey — sign-up with an SMS
code, a login by phone, a password reset by SMS code, a visitor's demand with a verified phone, a workflow step — runs
with every logger at DEBUG, through the development SMS sender that writes to the log (the codes leave through the
outbox and its Celery task, run in-process here; the gateway fails once, with an error that repeats the number and
the text, as a careless gateway may), and every captured record is searched for them."""

import logging
import re

import pytest
from django.urls import reverse

from accounts.tests.factories import valid_uscc
from enterprises.tests.helpers import pdf
from notifications.models import Delivery
from notifications.sms import LoggingSMSSender
from notifications.tasks import send_deliveries
from qiyezhijia.testing import committed
from tickets.models import Demand
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db
SENT: list[tuple[str, str]] = []
SIGNUP_PHONE = "13985300711"
VISITOR_PHONE = "13985300722"
PASSWORD = "Qyzj-2026-Journey"
NEW_PASSWORD = "Qyzj-2026-Renewed"


FAIL_ONCE: list[str] = []


class LoggedAndRecordedSMS(LoggingSMSSender):
    """The development sender (it logs), which also hands the test its codes; it fails once for a phone in FAIL_ONCE."""

    def send(self, phone, text):
        if phone in FAIL_ONCE:
            FAIL_ONCE.remove(phone)
            raise ConnectionError(f"gateway refused {phone}: {text}")
        SENT.append((phone, text))
        super().send(phone, text)


def _code(phone):
    return re.search(r"验证码是 (\d{6})", [t for p, t in SENT if p == phone][-1]).group(1)


@pytest.fixture(autouse=True)
def _logging_sender(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ENVIRONMENT = "development"
    settings.SMS_SENDER = f"{__name__}.LoggedAndRecordedSMS"
    SENT.clear()
    FAIL_ONCE.clear()
    yield
    SENT.clear()
    FAIL_ONCE.clear()


def test_a_whole_journey_logs_no_secret(client, office_clerk, lead_handler, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        signup = reverse("enterprises:signup")
        with committed():  # the code leaves through the outbox once the request commits
            client.post(signup, {"action": "send_code", "phone": SIGNUP_PHONE})
        signup_code = _code(SIGNUP_PHONE)
        response = client.post(signup, {
            "action": "signup", "enterprise_name": "安顺日志测试有限公司", "uscc": valid_uscc(7711), "region": "xixiu",
            "person_name": "王小明", "phone": SIGNUP_PHONE, "code": signup_code, "password1": PASSWORD,
            "password2": PASSWORD, "licence": pdf(), "consent": "on",
        })
        assert response.status_code == 302
        client.post(reverse("accounts:logout"))
        client.post(reverse("accounts:login"), {"username": SIGNUP_PHONE, "password": "wrong-" + PASSWORD})
        client.post(reverse("accounts:login"), {"username": "139 8530 0711", "password": "wrong-" + PASSWORD})
        client.post(reverse("accounts:login"), {"username": "13985300799", "password": "wrong-" + PASSWORD})  # nobody's
        assert client.post(reverse("accounts:login"), {"username": SIGNUP_PHONE, "password": PASSWORD}).status_code == 302
        client.post(reverse("accounts:logout"))

        # A password reset by SMS code; the gateway fails the first time, the outbox's retry delivers the code.
        reset = reverse("enterprises:password_reset")
        FAIL_ONCE.append(SIGNUP_PHONE)
        with committed():
            client.post(reset, {"action": "send_code", "phone": SIGNUP_PHONE})
        delivery = Delivery.objects.filter(event="phone_code").latest("pk")
        assert delivery.status == "pending" and delivery.attempts == 1
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        send_deliveries.apply(args=([delivery.pk],))
        reset_code = _code(SIGNUP_PHONE)
        assert reset_code != signup_code
        response = client.post(reset, {"action": "reset", "phone": SIGNUP_PHONE, "code": reset_code,
                                       "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302

        new = reverse("tickets:public_submit")
        visitor = {
            "mode": "phone", "requester_phone": VISITOR_PHONE, "requester_name": "刘女士", "region": "xixiu",
            "title": "开办餐饮店办证进度慢", "content": "三周前提交食品经营许可申请，至今没有答复。", "domain": "market",
            "enterprise_name": "西秀区好味道餐饮店", "enterprise_uscc": valid_uscc(4243),
        }
        with committed():
            client.post(new, {**visitor, "action": "send_code", "phone_code": ""})
        visitor_code = _code(VISITOR_PHONE)
        client.post(new, {**visitor, "action": "submit", "phone_code": visitor_code})
        # The phone is stored encrypted: read it back through the model.
        assert any(demand.requester_phone == VISITOR_PHONE for demand in Demand.objects.all())

        lead_handler.phone = "13985300733"
        lead_handler.save(update_fields=["phone"])
        dispatched_ticket(office_clerk, requester_phone="13985300744")
    assert SENT, "the journey sent SMS"
    secrets = [SIGNUP_PHONE, VISITOR_PHONE, "13985300733", "13985300744", "13985300799", "8530 0711", signup_code,
               visitor_code, reset_code, PASSWORD, NEW_PASSWORD]
    lines = [record.getMessage() for record in caplog.records]
    assert any("SMS to" in line for line in lines)
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"{secret!r} in log line {line!r}"
