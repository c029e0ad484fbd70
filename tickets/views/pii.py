"""The reveal of a requester's full phone from a demand's or ticket's page (POST; tickets.pii audits it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from tickets.pii import reveal_requester_phone


@require_POST
@login_required
def demand_reveal_phone(request, pk: int):
    demand, phone = reveal_requester_phone(request, pk)
    response = render(request, "tickets/phone_reveal.html", {"demand": demand, "phone": phone})
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("demands/<int:pk>/reveal-phone/", demand_reveal_phone, name="demand_reveal_phone"),
]
