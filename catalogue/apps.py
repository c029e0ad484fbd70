from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "涉企服务事项清单"

    def menu_items(self):
        from accounts.models import Role
        from core.menu import MenuItem

        return [
            MenuItem(165, "服务事项", "catalogue:staff_list", "journal-bookmark",
                     frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})),
        ]
