"""Web routes of meetings (/meetings/), for the region's staff."""

from django.urls import path

from meetings.views import staff

app_name = "meetings"

urlpatterns = [
    path("meetings/", staff.meeting_list, name="list"),
    path("meetings/new/", staff.meeting_create, name="create"),
    path("meetings/<int:pk>/", staff.meeting_detail, name="detail"),
    path("meetings/<int:pk>/edit/", staff.meeting_edit, name="edit"),
    path("meetings/<int:pk>/items/", staff.item_add, name="item_add"),
    path("meetings/<int:pk>/draw/", staff.meeting_draw, name="draw"),
    path("meetings/<int:pk>/hold/", staff.meeting_hold, name="hold"),
    path("meetings/<int:pk>/cancel/", staff.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/items/<int:item>/remove/", staff.item_remove, name="item_remove"),
    path("meetings/<int:pk>/items/<int:item>/decide/", staff.item_decide, name="decide"),
    path("meetings/<int:pk>/items/<int:item>/follow-up/", staff.item_follow_up, name="follow_up"),
    path("meetings/<int:pk>/minutes/", staff.meeting_minutes, name="minutes"),
]
