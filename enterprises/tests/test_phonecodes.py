"""SMS verification codes: 6 digits, 10 minutes, 5 tries, single use, resend after 60 s, daily caps; stored hashed."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from enterprises.models import PhoneCode
from enterprises.phonecodes import (
    DAILY_PER_IP,
    DAILY_PER_PHONE,
    PhoneCodeError,
    normalize_mobile,
    phone_code_check,
    phone_code_send,
)
from notifications.models import Delivery
from notifications.tasks import send_deliveries
from qiyezhijia.testing import committed

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=SH)
PHONE = "13985300001"
SIGNUP = PhoneCode.Purpose.SIGNUP


def sent_code(sms) -> str:
    return re.search(r"验证码是 (\d{6})", sms[-1][1]).group(1)


def send(at=T0, phone=PHONE, purpose=SIGNUP, ip="10.0.0.1"):
    with time_machine.travel(at, tick=False), committed():
        phone_code_send(phone=phone, purpose=purpose, ip=ip)


def check(code, at=T0, phone=PHONE, purpose=SIGNUP):
    with time_machine.travel(at, tick=False):
        phone_code_check(phone=phone, purpose=purpose, code=code)


def test_the_code_arrives_by_sms_and_is_stored_only_as_digests(sms):
    send(phone="139 8530 0001")
    assert sms[-1][0] == PHONE and "10 分钟内有效" in sms[-1][1] and "企业注册" in sms[-1][1]
    code = sent_code(sms)
    row = PhoneCode.objects.get()
    stored = " ".join(str(v) for v in PhoneCode.objects.values().get().values())
    assert code not in stored and PHONE not in stored and "10.0.0.1" not in stored
    check(code, at=T0 + timedelta(minutes=9))
    row.refresh_from_db()
    assert row.used_at is not None


def test_a_code_is_single_use(sms):
    send()
    code = sent_code(sms)
    check(code)
    with pytest.raises(PhoneCodeError, match="已过期或尚未获取"):
        check(code)


def test_a_code_expires_after_ten_minutes(sms):
    send()
    with pytest.raises(PhoneCodeError, match="已过期"):
        check(sent_code(sms), at=T0 + timedelta(minutes=10, seconds=1))


def test_five_wrong_tries_spend_the_code(sms):
    send()
    code = sent_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(PhoneCodeError, match=f"还可尝试 {left} 次"):
            check(wrong)
    with pytest.raises(PhoneCodeError, match="错误次数过多"):
        check(wrong)
    with pytest.raises(PhoneCodeError, match="错误次数过多"):
        check(code)  # even the right code no longer counts
    assert PhoneCode.objects.get().tries == 5


def test_a_code_is_bound_to_its_phone_and_purpose(sms):
    send()
    code = sent_code(sms)
    with pytest.raises(PhoneCodeError):
        check(code, phone="13985300002")
    with pytest.raises(PhoneCodeError):
        check(code, purpose=PhoneCode.Purpose.RESET_PASSWORD)
    check(code)


def test_resend_waits_sixty_seconds_and_the_newest_code_counts(sms):
    send()
    first = sent_code(sms)
    with pytest.raises(PhoneCodeError, match="请 30 秒后再重新获取") as refused:
        send(at=T0 + timedelta(seconds=30))
    assert refused.value.field == "phone" and len(sms) == 1
    send(at=T0 + timedelta(seconds=60))
    second = sent_code(sms)
    if second != first:
        with pytest.raises(PhoneCodeError):
            check(first, at=T0 + timedelta(seconds=61))
    check(second, at=T0 + timedelta(seconds=61))


def test_daily_cap_per_phone_resets_at_midnight(sms):
    for n in range(DAILY_PER_PHONE):
        send(at=T0 + timedelta(minutes=2 * n))
    with pytest.raises(PhoneCodeError, match="今天获取验证码的次数已达上限"):
        send(at=T0 + timedelta(hours=5))
    send(at=datetime(2026, 12, 8, 0, 1, tzinfo=SH))
    assert len(sms) == DAILY_PER_PHONE + 1


def test_daily_cap_per_address(sms):
    for n in range(DAILY_PER_IP):
        send(phone=f"1398530{n:04d}", at=T0 + timedelta(seconds=n))
    with pytest.raises(PhoneCodeError, match="当前网络"):
        send(phone="13700000000", at=T0 + timedelta(minutes=5))
    send(phone="13700000000", at=T0 + timedelta(minutes=5), ip="10.0.0.2")


def test_a_failing_gateway_refuses_nothing_the_code_waits_in_the_outbox_for_the_retry(settings, sms):
    # Before the outbox, a failing gateway refused the request and recorded nothing; now the request never meets the
    # gateway: the code's row and its SMS (encrypted) are kept, and the task's retry delivers it when the gateway is back.
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    send()
    delivery = Delivery.objects.get()
    assert PhoneCode.objects.count() == 1 and sms == []
    assert (delivery.channel, delivery.event, delivery.status, delivery.attempts) == ("sms", "phone_code", "pending", 1)
    assert delivery.error == "短信网关无响应"
    settings.SMS_SENDER = "notifications.tests.sms_doubles.RecordingSMSSender"
    with time_machine.travel(delivery.next_attempt_at, tick=False):
        send_deliveries.apply(args=([delivery.pk],))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and sms[-1][0] == PHONE
    check(sent_code(sms), at=delivery.next_attempt_at or T0 + timedelta(minutes=2))


@pytest.mark.parametrize("raw", ["", "1234", "23985300001", "139853000012", "abc"])
def test_bad_phone_numbers_are_refused_in_chinese(raw):
    with pytest.raises(PhoneCodeError, match="11 位手机号码") as refused:
        normalize_mobile(raw)
    assert refused.value.field == "phone"


def test_common_spellings_of_a_mobile_number():
    assert {normalize_mobile(p) for p in ["+86 139-8530-0001", "8613985300001", "(139)85300001"]} == {PHONE}
