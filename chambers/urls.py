"""Web routes of the chambers app: the public rotation page and the staff's chamber, plan and activity screens."""

from django.urls import path

from chambers.views import activities, public, staff

app_name = "chambers"

urlpatterns = [
    path("rotation/", public.rotation, name="rotation"),
    path("chambers/", staff.chamber_list, name="list"),
    path("chambers/members/", staff.membership_set, name="membership_set"),
    path("chambers/members/<int:pk>/remove/", staff.membership_remove, name="membership_remove"),
    path("chambers/plan/", staff.plan, name="plan"),
    path("chambers/plan/entries/", staff.entry_add, name="entry_add"),
    path("chambers/plan/<int:year>/publish/", staff.plan_publish, name="plan_publish"),
    path("chambers/activities/", activities.activity_list, name="activities"),
    path("chambers/activities/new/", activities.activity_create, name="activity_create"),
    path("chambers/activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("chambers/activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("chambers/activities/<int:pk>/files/", activities.file_upload, name="file_upload"),
    path("chambers/files/<int:pk>/", activities.file_download, name="file"),
]
