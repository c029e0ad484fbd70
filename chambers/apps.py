from django.apps import AppConfig


class ChambersConfig(AppConfig):
    name = "chambers"
    verbose_name = "商会轮值"
    default_auto_field = "django.db.models.BigAutoField"

    def menu_items(self):
        from accounts.models import Role
        from chambers.rules import STAFF_READERS
        from core.menu import MenuItem

        # One entry for the region's staff (the plan page leads to the activities and the chambers; the federation
        # writes there, the others read); chamber users land on their own chamber's activities.
        return [
            MenuItem(212, "商会轮值", "chambers:plan", "calendar-range", STAFF_READERS),
            MenuItem(213, "本商会活动", "chambers:activities", "people-fill", frozenset({Role.CHAMBER})),
        ]
