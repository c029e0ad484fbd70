from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from notifications import checks  # noqa: F401  (registers the SMS_SENDER system check)
