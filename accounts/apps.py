from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "组织与账号"

    def menu_items(self):
        from accounts.models import Role
        from accounts.roles import ALL_ROLES, API_DOC_READERS
        from core.menu import MenuItem

        return [
            MenuItem(10, "首页", "accounts:home", "house", ALL_ROLES),
            MenuItem(260, "API 文档", "api-docs", "braces", API_DOC_READERS),
            MenuItem(265, "工作人员账号", "accounts:staff_list", "people", frozenset({Role.SYSADMIN})),
            MenuItem(270, "平台管理", "admin:index", "gear", frozenset({Role.SYSADMIN})),
            MenuItem(275, "账号安全", "accounts:security", "shield-lock", frozenset({Role.SECADMIN})),
        ]

    def ready(self):
        # Signal receivers: sessions and tokens end with a deactivation; lockouts are heard (accounts/lockout.py).
        from accounts import lockout, sessions  # noqa: F401
