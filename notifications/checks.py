from django.conf import settings
from django.core import checks


@checks.register()
def sms_sender_check(app_configs, **kwargs):
    from notifications.sms import _sender_for

    try:
        _sender_for(settings.SMS_SENDER)
    except (ImportError, TypeError) as exc:
        return [
            checks.Error(
                f"环境变量 SMS_SENDER 的值无效：{exc}。应为 notifications.sms.SMSSender 子类的点分路径，"
                "例：notifications.sms.LoggingSMSSender。 / SMS_SENDER must name an SMSSender subclass.",
                id="notifications.E001",
            )
        ]
    return []
