"""The public portal (OUTREACH §6): the platform's home for a visitor who is not logged in, and one search across the
published service items and the active policies. Works without JavaScript and on a phone."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal import selectors

SEARCH_LIMIT = 10
KEYWORD_LIMIT = 50


@require_GET
def home(request):
    return render(request, "portal/home.html", selectors.front_page())


@require_GET
def search(request):
    keyword = " ".join(request.GET.get("q", "").split())[:KEYWORD_LIMIT].replace("\x00", "")
    context = {"q": keyword, "error": ""}
    if not keyword:
        context["error"] = "请输入要查找的事项或政策名称中的词语。"
    elif len(keyword) < 2:
        context["error"] = "请至少输入两个字。"
    else:
        context.update(selectors.search(keyword, limit=SEARCH_LIMIT))
    return render(request, "portal/search.html", context, status=200)
