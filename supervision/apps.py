from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision (督办) and urging (催办), SPEC §7. Sits below tickets: tickets calls its services, never the reverse."""

    name = "supervision"
    verbose_name = "催办督办"
    provisional_clocks = "supervision.clocks.provisional_clocks"
    notification_events = {"supervision": "督办", "urge": "催办"}

    def menu_items(self):
        from accounts.roles import REPORT_READERS, SUPERVISION_ANSWERERS
        from core.menu import MenuItem

        return [
            MenuItem(170, "督办管理", "supervision:board", "megaphone", REPORT_READERS, "supervision_open"),
            MenuItem(180, "督办回复", "supervision:inbox", "reply-all", SUPERVISION_ANSWERERS, "supervision_inbox"),
        ]

    def menu_queues(self, user):
        from supervision.selectors import menu_queues

        return menu_queues(user)
