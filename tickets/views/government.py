"""Screens of the government office: tickets whose lead department it must decide (§4.3.2, §3.1.2)."""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.access import role_required
from accounts.models import Role
from tickets import queues
from core.pagination import paginate


@require_GET
@role_required({Role.GOVERNMENT}, "只有政府办公室确定牵头部门。")
def government_queue(request):
    tickets = (
        queues.awaiting_government(request.user)
        .select_related("lead_department", "disputed_by_department")
        .order_by(F("disputed_at").asc(nulls_last=True), "id")
    )
    return render(request, "tickets/government_queue.html", {"page": paginate(request, tickets)})


urlpatterns: list = [
    path("government/decisions/", government_queue, name="government_queue"),
]
