from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "工单与时限"

    def ready(self) -> None:
        from tickets import signals  # noqa: F401  (connects calendar cache invalidation)
