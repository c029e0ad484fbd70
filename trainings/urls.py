"""Web routes of the trainings app: the public list and page (with .ics), the enterprise's sign-ups, and the
department's screens."""

from django.urls import path

from trainings.views import enterprise, public, staff

app_name = "trainings"

urlpatterns = [
    path("trainings/", public.session_list, name="public_list"),
    path("trainings/<int:pk>/", public.session_detail, name="public_detail"),
    path("trainings/<int:pk>/ics/", public.session_ics, name="ics"),
    path("trainings/<int:pk>/signup/", public.signup, name="signup"),
    path("trainings/<int:pk>/signup/cancel/", public.signup_cancel, name="signup_cancel"),
    path("trainings/<int:pk>/feedback/", public.feedback, name="feedback"),
    path("trainings/files/<int:pk>/", public.attachment_file, name="attachment"),
    path("trainings/mine/", enterprise.mine, name="mine"),
    path("trainings/manage/", staff.session_list, name="staff_list"),
    path("trainings/manage/new/", staff.session_create, name="staff_create"),
    path("trainings/manage/<int:pk>/", staff.session_detail, name="staff_detail"),
    path("trainings/manage/<int:pk>/edit/", staff.session_edit, name="staff_edit"),
    path("trainings/manage/<int:pk>/publish/", staff.session_publish, name="staff_publish"),
    path("trainings/manage/<int:pk>/hold/", staff.session_hold, name="staff_hold"),
    path("trainings/manage/<int:pk>/cancel/", staff.session_cancel, name="staff_cancel"),
    path("trainings/manage/<int:pk>/attachments/", staff.attachment_upload, name="staff_attachment"),
    path("trainings/manage/<int:pk>/attendance/", staff.attendance, name="staff_attendance"),
]
