from django.contrib import admin

from core.admin import ReadOnlyMixin
from notifications.models import Delivery, Notification


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Notifications are written by the platform only; the admin lists them for support questions."""


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key", "recipient__username", "recipient__last_name", "recipient__first_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "address", "event", "status", "attempts", "next_attempt_at", "error"]
    list_filter = ["channel", "status", "event"]
    search_fields = ["address", "key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
