from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业自助服务"
    notification_events = {
        "enterprise_signup": "企业注册",
        "enterprise_verification": "企业认证",
        "join_request": "加入企业申请",
        "enterprise_account": "企业账号",
        "phone_code": "短信验证码",
    }

    def menu_items(self):
        from accounts.models import Role
        from accounts.roles import ALL_ROLES
        from core.menu import MenuItem

        return [
            # No count here: every enterprise page would pay a query for it; the bell announces each join request.
            MenuItem(15, "我的企业", "enterprises:home", "building", frozenset({Role.ENTERPRISE})),
            MenuItem(35, "企业认证", "enterprises:verification_queue", "patch-check", frozenset({Role.OFFICE}),
                     "verification"),
            MenuItem(207, "企业标签认定", "enterprises:tag_search", "tags",
                     frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})),
            MenuItem(255, "我的账号", "enterprises:account", "person-gear", ALL_ROLES),
        ]

    def menu_queues(self, user):
        from enterprises.selectors import menu_queues

        return menu_queues(user)
