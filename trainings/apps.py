from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "政策宣讲培训"
    default_auto_field = "django.db.models.BigAutoField"
    notification_events = {
        "training_cancel": "培训取消",
        "training_reminder": "培训提醒",
    }

    def menu_items(self):
        from accounts.models import Role
        from core.menu import MenuItem

        return [
            MenuItem(35, "我的培训", "trainings:mine", "mortarboard", frozenset({Role.ENTERPRISE})),
            MenuItem(207, "宣讲培训", "trainings:staff_list", "easel",
                     frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})),
        ]
