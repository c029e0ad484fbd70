from django.apps import AppConfig


class ChambersConfig(AppConfig):
    name = "chambers"
    verbose_name = "商会轮值"
    default_auto_field = "django.db.models.BigAutoField"

    def menu_items(self):
        from chambers.rules import ACTIVITY_READERS, READERS
        from core.menu import MenuItem

        return [
            MenuItem(212, "商会轮值计划", "chambers:plan", "calendar-range", READERS),
            MenuItem(213, "商会轮值活动", "chambers:activities", "people-fill", ACTIVITY_READERS),
            MenuItem(214, "商会与成员", "chambers:list", "building-gear", READERS),
        ]
