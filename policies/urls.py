"""Web routes of the policies app: the public library, the enterprise's matches and profile, the department's
screens, and (policies.reach_urls) reach figures, beneficiaries and benefits."""

from django.urls import path

from policies.reach_urls import urlpatterns as reach_urlpatterns
from policies.views import enterprise, public, staff

app_name = "policies"

urlpatterns = [
    path("policies/", public.policy_list, name="public_list"),
    path("policies/<int:pk>/", public.policy_detail, name="public_detail"),
    path("policies/files/<int:pk>/", public.attachment_file, name="attachment"),
    path("policies/mine/", enterprise.mine, name="mine"),
    path("policies/mine/<int:pk>/status/", enterprise.mark, name="mark"),
    path("enterprise/profile/", enterprise.profile_edit, name="profile"),
    path("policies/manage/", staff.policy_list, name="staff_list"),
    path("policies/manage/new/", staff.policy_create, name="staff_create"),
    path("policies/manage/<int:pk>/", staff.policy_detail, name="staff_detail"),
    path("policies/manage/<int:pk>/edit/", staff.policy_edit, name="staff_edit"),
    path("policies/manage/<int:pk>/publish/", staff.policy_publish, name="staff_publish"),
    path("policies/manage/<int:pk>/withdraw/", staff.policy_withdraw, name="staff_withdraw"),
    path("policies/manage/<int:pk>/attachments/", staff.attachment_upload, name="staff_attachment"),
    *reach_urlpatterns,
]
