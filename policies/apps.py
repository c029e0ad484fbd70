from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "惠企政策"
    default_auto_field = "django.db.models.BigAutoField"
    notification_events = {
        "policy_push": "惠企政策推送",
        "policy_benefit": "免申即享",
    }

    def menu_items(self):
        from accounts.models import Role
        from core.menu import MenuItem

        enterprise = frozenset({Role.ENTERPRISE})
        return [
            MenuItem(32, "为我匹配的政策", "policies:mine", "stars", enterprise),
            MenuItem(33, "我的惠企红利", "policies:benefits", "cash-coin", enterprise),
            MenuItem(34, "我的企业画像", "policies:profile", "person-vcard", enterprise),
            MenuItem(205, "政策管理", "policies:staff_list", "file-earmark-text",
                     frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})),
            MenuItem(206, "政策触达", "policies:reach", "broadcast", frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})),
        ]
