from django.contrib import admin

from core.admin import ReadOnlyMixin
from notifications.models import Delivery, Notification, address_digest


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
    """The address is shown masked and the text not at all (both are encrypted personal data, SECURITY.md §5). A search
    finds a row by its key, or by a whole phone or email address through the keyed hash (never by a fragment)."""

    list_display = ["created_at", "channel", "masked_address", "event", "status", "attempts", "next_attempt_at", "error"]
    list_filter = ["channel", "status", "event"]
    search_fields = ["key"]
    exclude = ["address", "body"]
    readonly_fields = ["masked_address"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="地址")
    def masked_address(self, obj: Delivery) -> str:
        return obj.masked_address

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            digests = {address_digest(channel, term) for channel in Delivery.Channel.values} - {""}
            results |= queryset.filter(address_digest__in=digests)
        return results, may_have_duplicates
