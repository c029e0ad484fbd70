from django.conf import settings
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sso.models import OidcIdentity


@admin.register(OidcIdentity)
class OidcIdentityAdmin(SimpleHistoryAdmin):
    list_display = ["user", "subject", "issuer", "linked_at"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "subject"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["linked_at"]

    def get_changeform_initial_data(self, request):
        return {"issuer": settings.OIDC_OP_ISSUER, **super().get_changeform_initial_data(request)}
