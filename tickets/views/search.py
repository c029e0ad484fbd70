"""Screen: the staff's global search (/staff/search/?q=…), reached from the box in the top bar: tickets, demands and
enterprises found by one keyword, a few of each with their count, and each group in full (?group=…) page by page."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.access import role_required
from core.pagination import paginate
from tickets.search import (
    FINDERS,
    GROUPS,
    NOT_A_SEARCHER,
    SEARCHERS,
    clean_keyword,
    overview,
)


@require_GET
@role_required(SEARCHERS, NOT_A_SEARCHER)
def search(request):
    keyword, error = clean_keyword(request.GET.get("q"))
    group = request.GET.get("group", "")
    context = {"q": keyword, "error": error, "group": group if group in GROUPS else "", "groups": GROUPS}
    if keyword and not error:
        if context["group"]:
            context["page"] = paginate(request, FINDERS[group](request.user, keyword))
            context["group_label"] = GROUPS[group]
        else:
            context["overview"] = overview(request.user, keyword)
    return render(request, "tickets/search.html", context)


urlpatterns = [
    path("staff/search/", search, name="search"),
]
