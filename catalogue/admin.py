"""The reference list of kinds (read-only: its codes are the contract) and the items with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import ServiceItem, ServiceKind


@admin.register(ServiceKind)
class ServiceKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(SimpleHistoryAdmin):
    """Read-only: items are written by their department's staff on the platform's screens (every change kept)."""

    list_display = ["code", "name", "department", "kind", "state", "published_at"]
    list_filter = ["state", "kind", "region"]
    search_fields = ["code", "name"]
    exclude = ["search_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
