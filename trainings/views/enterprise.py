"""The enterprise user's "我的培训": the sessions they signed up for, what happens next, and feedback once attended."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import role_required
from accounts.models import Role
from trainings import selectors


@require_GET
@role_required({Role.ENTERPRISE}, "只有企业用户有“我的培训”。")
def mine(request):
    registrations = list(selectors.registrations_of(request.user)[:200])
    return render(request, "trainings/mine.html", {"registrations": registrations, "now": timezone.now()})
