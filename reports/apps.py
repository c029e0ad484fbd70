from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "统计报表"

    def menu_items(self):
        from accounts.roles import LEDGER_ROLES, REPORT_READERS
        from core.menu import MenuItem

        return [
            MenuItem(230, "运行看板", "reports:dashboard", "speedometer2", REPORT_READERS),
            MenuItem(240, "台账", "reports:ledger", "journal-text", LEDGER_ROLES),
            MenuItem(250, "运行报告", "reports:operations", "file-earmark-bar-graph", REPORT_READERS),
        ]
