from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"
    default_auto_field = "django.db.models.BigAutoField"

    def menu_items(self):
        from core.menu import MenuItem

        # The auditor alone (三权分立, SECURITY.md §3); the role's code, as accounts.models.Role names it.
        return [MenuItem(280, "安全审计", "audit:events", "journal-text", frozenset({"auditor"}))]

    def ready(self):
        from audit import admin_log, receivers  # noqa: F401

        admin_log.install()
