from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin
from supervision.models import Supervision, Urge


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Supervisions are issued and answered through the screens and the API (supervision.services)."""

    list_display = ["number", "form", "trigger", "department", "ticket", "automatic", "issued_at", "due_at", "answered_at"]
    list_filter = ["form", "trigger", "automatic", "region"]
    search_fields = ["number", "ticket__number", "content", "answer"]
    list_select_related = ["department", "ticket"]
    date_hierarchy = "issued_at"


@admin.register(Urge)
class UrgeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "ticket", "department", "actor", "note"]
    search_fields = ["ticket__number", "note"]
    list_select_related = ["ticket", "department", "actor"]
    date_hierarchy = "at"
