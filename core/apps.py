from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every app shares. It imports no other app of the platform (the dependency contract)."""

    name = "core"
    verbose_name = "公共组件"
