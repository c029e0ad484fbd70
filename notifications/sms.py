"""SMS gateway interface. The gateway in use is the class named by settings.SMS_SENDER (env SMS_SENDER)."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")


class SMSSender:
    """Base class of SMS gateways: `send` delivers one text to one phone number or raises."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSSender(SMSSender):
    """The default: writes each text to the log instead of a gateway. In development the whole text shows (so a
    developer can read a verification code on the console); anywhere else the log holds neither the phone nor the
    text, only that a message was not sent (SECURITY.md §4: no codes or full phones in logs)."""

    def send(self, phone: str, text: str) -> None:
        if settings.ENVIRONMENT == "development":
            logger.info("SMS to %s: %s", phone, text)
        else:
            logger.warning("未配置短信网关（SMS_SENDER）：一条 %d 字的短信未发送。", len(text))


@cache
def _sender_for(path: str) -> SMSSender:
    sender_class = import_string(path)
    if not (isinstance(sender_class, type) and issubclass(sender_class, SMSSender)):
        raise TypeError(f"{path} is not a notifications.sms.SMSSender subclass")
    return sender_class()


def get_sms_sender() -> SMSSender:
    return _sender_for(settings.SMS_SENDER)
