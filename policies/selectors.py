"""Read-only queries over policies for the screens, the API, the portal and the reports."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.search import matches
from policies.models import Policy


def active_condition(today: datetime.date) -> Q:
    """Published and not past `effective_to`."""
    return Q(state=Policy.State.PUBLISHED) & (Q(effective_to__isnull=True) | Q(effective_to__gte=today))


def public_policies(*, active: bool | None = None, q: str = "", today: datetime.date | None = None) -> QuerySet[Policy]:
    """Published policies, newest first: everything a visitor may read (`active` True/False narrows by expiry)."""
    today = today or timezone.localdate()
    queryset = Policy.objects.filter(state=Policy.State.PUBLISHED).select_related("department", "region")
    if active is True:
        queryset = queryset.filter(active_condition(today))
    elif active is False:
        queryset = queryset.filter(effective_to__lt=today)
    if q:
        queryset = queryset.filter(matches("search_text", q))
    return queryset.order_by("-published_at", "-id")
