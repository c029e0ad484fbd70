"""Routes of the meetings API (OUTREACH §5), included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from meetings import api

app_name = "meetings_api"

urlpatterns = [
    path("meetings/", api.MeetingListView.as_view(), name="list"),
    path("meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="detail"),
    path("meetings/<int:pk>/items/", api.ItemListView.as_view(), name="items"),
    path("meetings/<int:pk>/hold/", api.HoldView.as_view(), name="hold"),
    path("meetings/<int:pk>/cancel/", api.CancelView.as_view(), name="cancel"),
    path("meetings/<int:pk>/items/<int:item>/decide/", api.DecideView.as_view(), name="decide"),
    path("meetings/<int:pk>/items/<int:item>/follow-up/", api.FollowUpView.as_view(), name="follow_up"),
]
