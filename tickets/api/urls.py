"""Routes of the demands and tickets API, included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from tickets.api import demands, escalations, tickets

app_name = "tickets_api"

urlpatterns = [
    path("demands/", demands.DemandListView.as_view(), name="demand-list"),
    path("demands/<int:pk>/", demands.DemandDetailView.as_view(), name="demand-detail"),
    path("demands/<int:pk>/reveal-phone/", demands.DemandRevealPhoneView.as_view(), name="demand-reveal-phone"),
    path("demands/<int:pk>/attachments/", demands.DemandAttachmentView.as_view(), name="demand-attachments"),
    *[
        path(f"demands/<int:pk>/{name}/", demands.DemandActionView.as_view(action_name=name), name=f"demand-{name}")
        for name in demands.DEMAND_ACTIONS
    ],
    path("tickets/", tickets.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", tickets.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/attachments/", tickets.TicketAttachmentView.as_view(), name="ticket-attachments"),
    path("tickets/<int:pk>/actions/<str:action>/", tickets.TicketActionView.as_view(), name="ticket-action"),
    path("escalations/", escalations.EscalationListView.as_view(), name="escalation-list"),
    path("escalations/<int:pk>/update/", escalations.EscalationUpdateView.as_view(), name="escalation-update"),
]
