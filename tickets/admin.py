from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin
from tickets.models import Demand, Ticket, WorkflowSettings


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "auto_sign_enabled", "auto_sign_raises_supervision"]

    def has_add_permission(self, request) -> bool:
        return not WorkflowSettings.objects.exists()

    def save_model(self, request, obj, form, change):
        obj.pk = 1  # the one row (a database constraint refuses any other)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Demands and tickets change only through the acts (screens and API); the admin only looks."""


@admin.register(Demand)
class DemandAdmin(_ReadOnlyAdmin):
    list_display = ["number", "title", "channel", "state", "region", "first_contact_department", "registered_at"]
    list_filter = ["state", "channel", "region"]
    search_fields = ["number", "title", "enterprise_name", "external_ref"]
    list_select_related = ["region", "first_contact_department"]
    date_hierarchy = "registered_at"


@admin.register(Ticket)
class TicketAdmin(_ReadOnlyAdmin):
    list_display = ["number", "title", "category", "state", "region", "lead_department", "sign_due_at", "handle_due_at"]
    list_filter = ["state", "category", "region"]
    search_fields = ["number", "title"]
    list_select_related = ["region", "lead_department"]
    date_hierarchy = "created_at"
