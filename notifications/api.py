"""GET /api/v1/notifications/: the caller's own notifications, newest first (`?unread=1` for the unread ones)."""

from django.core.exceptions import ValidationError
from rest_framework import generics, serializers

from core.api import ContractErrors
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    event_label = serializers.CharField(read_only=True)
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "event_label", "title", "body", "url", "created_at", "read_at", "unread"]


class NotificationListView(ContractErrors, generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        notifications = Notification.objects.for_user(self.request.user)
        unread = self.request.query_params.get("unread")
        if unread not in (None, "", "0", "1"):
            raise ValidationError({"unread": ["unread 只能为 1（仅未读）或 0（全部）。"]})
        if unread == "1":
            notifications = notifications.unread()
        return notifications
