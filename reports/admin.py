from django.contrib import admin

from reports.models import RankingWeights


@admin.register(RankingWeights)
class RankingWeightsAdmin(admin.ModelAdmin):
    list_display = ["sign_weight", "resolution_weight", "satisfaction_weight", "updated_at"]

    def has_add_permission(self, request) -> bool:
        # One row: the ranking reads the first; a second would be silently ignored.
        return not RankingWeights.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
