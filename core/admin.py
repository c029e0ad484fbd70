"""Admin pieces shared by the apps."""


class ReadOnlyMixin:
    """For records that change only through the acts (screens, API, sweep): the admin only looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
