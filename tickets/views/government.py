"""Screens of the government office: tickets whose lead department it must decide (§4.3.2, §3.1.2)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.models import Role
from core.pagination import paginate
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to


@require_GET
@login_required
def government_queue(request):
    user = request.user
    if user.role != Role.GOVERNMENT or not user.department_id:
        raise PermissionDenied("只有政府办公室确定牵头部门。")
    tickets = (
        tickets_visible_to(user)
        .filter(region_id=user.department.region_id, state=Ticket.State.GOVERNMENT_DECISION)
        .select_related("lead_department", "disputed_by_department")
        .order_by(F("disputed_at").asc(nulls_last=True), "id")
    )
    return render(request, "tickets/government_queue.html", {"page": paginate(request, tickets)})


urlpatterns: list = [
    path("government/decisions/", government_queue, name="government_queue"),
]
