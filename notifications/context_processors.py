from notifications.models import Notification


def unread_notifications(request):
    """The bell's number in the top bar. The session's user arrives with it (notifications.backends); a user
    authenticated another way costs one COUNT over the (recipient, read_at) index."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = Notification.objects.for_user(user).unread().count()
    return {"unread_notifications": count}
