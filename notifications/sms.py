"""SMS gateway interface. The gateway in use is the class named by settings.SMS_SENDER (env SMS_SENDER)."""

import logging
import os
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger("notifications.sms")


class SMSSender:
    """Base class of SMS gateways: `send` delivers one text to one phone number or raises."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSSender(SMSSender):
    """The default: writes each text to the log instead of a gateway. In development the log shows the masked phone
    and the text, except a verification code's text (never logged) and links (which can carry a one-time token);
    anywhere else the log holds neither the phone nor the text, only that a message was not sent (SECURITY.md §4: no
    passwords, tokens, codes or full phones in logs). Tests read codes from a recording sender.

    In development the whole message also goes to `var/sms-inbox.txt` (owner-readable only): the developer's stand-in
    for the phone, so that a sign-up or a password reset on `make run` can be finished with the code. It is not a log
    and exists only where ENVIRONMENT is development."""

    def send(self, phone: str, text: str) -> None:
        if settings.ENVIRONMENT == "development":
            logger.info("SMS to %s: %s", mask_phone(phone), loggable_text(text))
            _to_development_inbox(phone, text)
        else:
            logger.warning("未配置短信网关（SMS_SENDER）：一条 %d 字的短信未发送。", len(text))


def _to_development_inbox(phone: str, text: str) -> None:
    inbox = Path(settings.VAR_DIR) / "sms-inbox.txt"
    try:
        inbox.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(inbox, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {phone} {text}\n")
    except OSError:
        logger.warning("开发短信收件箱 var/sms-inbox.txt 无法写入。")


_LINK = re.compile(r"https?://\S+|/[\w\-/]*[A-Za-z0-9_\-]{16,}/?")
_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def loggable_text(text: str) -> str:
    """What of an SMS text a log line may hold: nothing of a verification code's text; links and mobile numbers
    inside any other text masked."""
    if "验证码" in text:
        return "（验证码短信，内容不记录）"
    text = _LINK.sub("[链接]", text)
    return _MOBILE.sub(lambda match: mask_phone(match.group(0)), text)


@cache
def _sender_for(path: str) -> SMSSender:
    sender_class = import_string(path)
    if not (isinstance(sender_class, type) and issubclass(sender_class, SMSSender)):
        raise TypeError(f"{path} is not a notifications.sms.SMSSender subclass")
    return sender_class()


def get_sms_sender() -> SMSSender:
    return _sender_for(settings.SMS_SENDER)
