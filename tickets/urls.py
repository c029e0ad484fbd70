"""Web routes of the tickets app; each screen module owns its own `urlpatterns`."""

from django.urls import path

from tickets.views import (
    attachments,
    collab,
    demands,
    enterprise,
    government,
    inbox,
    intake,
    lists,
    pii,
    policy_question,
    public,
    queues,
    search,
    tickets,
    triage,
)

app_name = "tickets"

urlpatterns = [
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    path("attachments/<int:pk>/inline/", attachments.inline, name="attachment_inline"),
    path("attachments/<int:pk>/preview/", attachments.preview, name="attachment_preview"),
    *collab.urlpatterns,
    *public.urlpatterns,
    *enterprise.urlpatterns,
    *policy_question.urlpatterns,
    *intake.urlpatterns,
    *demands.urlpatterns,
    *pii.urlpatterns,
    *triage.urlpatterns,
    *inbox.urlpatterns,
    *lists.urlpatterns,
    *tickets.urlpatterns,
    *government.urlpatterns,
    *queues.urlpatterns,
    *search.urlpatterns,
]
