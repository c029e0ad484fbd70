from django.contrib import admin

from core.admin import ReadOnlyMixin
from deadlines.models import ClockAlert


@admin.register(ClockAlert)
class ClockAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What the deadline sweep recorded (deadlines.sweep): written only by the sweep, looked at here."""

    list_display = ["created_at", "kind", "clock", "subject", "due_at", "ticket", "demand", "supervision"]
    list_filter = ["kind", "clock"]
    search_fields = ["subject", "ticket__number", "demand__number", "supervision__number"]
    list_select_related = ["ticket", "demand", "supervision"]
    date_hierarchy = "created_at"
