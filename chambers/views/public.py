"""The public rotation page (/rotation/): the current year's published plans and the turn(s) under way today.
Works without logging in and without JavaScript."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chambers import selectors


@require_GET
def rotation(request):
    today = timezone.localdate()
    entries = list(selectors.published_entries(today.year))
    current = [e for e in entries if e.starts_on <= today <= e.ends_on]
    return render(request, "chambers/rotation.html", {
        "year": today.year, "today": today, "entries": entries, "current": current,
    })
