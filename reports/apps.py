from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from reports import daily  # noqa: F401  (connects the signals that keep the day rows correct)
