from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """Each person's home after login: a staff role's workbench, the enterprise's home (UI.md "Everyone lands on
    their work"). It composes the panels the domain apps contribute and owns no data."""

    name = "workbench"
    verbose_name = "工作台"
