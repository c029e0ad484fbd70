"""The session's user is loaded together with the number of their unread notifications.

The bell in the top bar of every page needs that number; reading it in the same SELECT that loads the user costs no
extra query per page (the correlated COUNT runs over the (recipient, read_at) index).
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.backends import LoginNameBackend
from notifications.models import Notification


def unread_count_subquery():
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


class PlatformBackend(LoginNameBackend):
    """Logs in by username or phone (accounts.backends); reads the session's user with the unread count."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            # The top bar shows the user's region (through the department or the enterprise) on every page.
            user = (
                User._default_manager.select_related("department__region", "enterprise__region")
                .annotate(unread_notification_count=unread_count_subquery())
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
