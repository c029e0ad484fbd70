from django.contrib import admin

from enterprises.models import Tag, TagChange


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """The list of enterprise tags policies may ask for. A tag in use is retired (启用 off), never deleted."""

    list_display = ["code", "name", "description", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Policies name tags by code: a code once saved stays.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TagChange)
class TagChangeAdmin(admin.ModelAdmin):
    """Who granted or withdrew which tag, when: read only."""

    list_display = ["enterprise", "tag", "granted", "changed_by", "changed_at"]
    list_filter = ["granted", "tag"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "tag", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
