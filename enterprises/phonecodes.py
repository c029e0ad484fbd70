"""SMS verification codes (SECURITY.md §1): 6 digits, valid 10 minutes, 5 tries, single use; a new one at most every
60 s per phone and purpose, and a daily cap per phone and per client address. Codes leave through the SMS sender
outbox (notifications.services.sms_to_outbox: a Delivery row, its text encrypted at rest, sent by a Celery task after the
request commits), so a stalled gateway never holds up a sign-up; in development the logging sender writes the text to
var/sms-inbox.txt, and no log line ever holds a code. Tests read the codes from the recording sender.

    phone_code_send(phone="13985300001", purpose=PhoneCode.Purpose.SIGNUP, ip=client_ip(request))
    phone_code_check(phone="13985300001", purpose=PhoneCode.Purpose.SIGNUP, code="123456")  # raises PhoneCodeError
"""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core.hashing import digests_match, keyed_digest
from enterprises.models import PhoneCode
from notifications.services import PHONE_CODE_EVENT, sms_to_outbox

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
CODE_LENGTH = 6
VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(seconds=60)
DAILY_PER_PHONE = 10
DAILY_PER_IP = 50


class PhoneCodeError(Exception):
    """A refusal to show the person beside the phone or code field (Chinese)."""

    def __init__(self, message: str, *, field: str = "code"):
        super().__init__(message)
        self.message = message
        self.field = field


def normalize_mobile(raw: str) -> str:
    """A mainland mobile number as 11 digits (spaces, dashes and a +86/86 prefix dropped), or PhoneCodeError."""
    phone = re.sub(r"[\s\-()]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not MOBILE_RE.match(phone):
        raise PhoneCodeError("请输入 11 位手机号码，例如 13985300001。", field="phone")
    return phone


def _phone_digest(phone: str) -> str:
    return keyed_digest("phonecode-phone", phone)


def _code_digest(phone: str, purpose: str, code: str) -> str:
    return keyed_digest("phonecode-code", f"{purpose}:{phone}:{code}")


def _today_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


def phone_code_send(*, phone: str, purpose: str, ip: str = "", now: datetime | None = None) -> None:
    """Send a new code to `phone` for `purpose`, or raise PhoneCodeError (field "phone") saying why not."""
    phone = normalize_mobile(phone)
    purpose = PhoneCode.Purpose(purpose)
    now = now or timezone.now()
    phone_digest = _phone_digest(phone)
    ip_digest = keyed_digest("phonecode-ip", ip) if ip else ""
    with transaction.atomic():
        recent = PhoneCode.objects.filter(phone_digest=phone_digest, purpose=purpose, sent_at__gt=now - RESEND_AFTER)
        last = recent.order_by("-sent_at").values_list("sent_at", flat=True).first()
        if last is not None:
            wait = math.ceil((last + RESEND_AFTER - now).total_seconds())
            raise PhoneCodeError(f"验证码已发送，请 {wait} 秒后再重新获取。", field="phone")
        today = _today_start(now)
        if PhoneCode.objects.filter(phone_digest=phone_digest, sent_at__gte=today).count() >= DAILY_PER_PHONE:
            raise PhoneCodeError("该手机号今天获取验证码的次数已达上限，请明天再试。", field="phone")
        if ip_digest and PhoneCode.objects.filter(ip_digest=ip_digest, sent_at__gte=today).count() >= DAILY_PER_IP:
            raise PhoneCodeError("当前网络今天获取验证码的次数已达上限，请明天再试。", field="phone")
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
        row = PhoneCode.objects.create(
            purpose=purpose,
            phone_digest=phone_digest,
            ip_digest=ip_digest,
            code_digest=_code_digest(phone, purpose, code),
            sent_at=now,
        )
        text = (
            f"【安顺市企业之家】您的验证码是 {code}，用于{purpose.label}，"
            f"{int(VALID_FOR.total_seconds() // 60)} 分钟内有效。请勿将验证码告诉他人。"
        )
        # Into the outbox with the code's row; the task sends it after commit, retrying a gateway that fails.
        sms_to_outbox(phone=phone, text=text, event=PHONE_CODE_EVENT, key=f"phone-code-{row.pk}")


def phone_code_check(*, phone: str, purpose: str, code: str, now: datetime | None = None) -> None:
    """Accept `code` (and use it up), or raise PhoneCodeError (field "code"). A wrong code counts a try even though
    the error is raised: the count is committed before the refusal."""
    phone = normalize_mobile(phone)
    purpose = PhoneCode.Purpose(purpose)
    now = now or timezone.now()
    code = (code or "").strip()
    error = None
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_digest=_phone_digest(phone), purpose=purpose, used_at__isnull=True)
            .order_by("-sent_at")
            .first()
        )
        if row is None or row.sent_at + VALID_FOR < now:
            error = "验证码已过期或尚未获取，请重新获取。"
        elif row.tries >= MAX_TRIES:
            error = "验证码输入错误次数过多，请重新获取。"
        elif not (len(code) == CODE_LENGTH and code.isdigit() and digests_match(
            "phonecode-code", f"{purpose}:{phone}:{code}", row.code_digest
        )):
            row.tries += 1
            row.save(update_fields=["tries"])
            left = MAX_TRIES - row.tries
            error = f"验证码不正确，还可尝试 {left} 次。" if left else "验证码输入错误次数过多，请重新获取。"
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if error:
        raise PhoneCodeError(error)
