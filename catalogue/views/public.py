"""Public screens, no login (OUTREACH §1, §6): the list of published items with search and filters, each item's
printable guide (办事指南) and its files, and "就此事项反映诉求"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Role
from catalogue import selectors
from catalogue.forms import PublicFilterForm
from catalogue.views.staff import file_response
from core.pagination import paginate


@require_GET
def service_list(request):
    filters = PublicFilterForm(request.GET)
    values = filters.values
    items = selectors.search_published(
        q=values.get("q", ""), department=values.get("department"), domain=values.get("domain"),
        kind=values.get("kind", ""),
    ).select_related("department", "domain").order_by("department_id", "code")
    # By department in the order the organisation was loaded (the city's departments, then each county's), along the
    # index (state, department, code): a page of a broad search reads 20 rows, not every match (bench/catalogue_search.py).
    page = paginate(request, items)
    return render(request, "catalogue/public_list.html", {"page": page, "filters": filters})


def demand_links(request, item) -> dict:
    """Where "就此事项反映诉求" leads: an enterprise user to its submit form, a visitor to the login (coming back to
    that form) or to the public form; both pre-filled with the item."""
    query = urlencode({"service_item": item.code})
    enterprise_form = f"{reverse('tickets:submit')}?{query}"
    user = request.user
    if user.is_authenticated:
        return {"enterprise": enterprise_form} if user.role == Role.ENTERPRISE else {}
    return {
        "login": f"{reverse('accounts:login')}?{urlencode({'next': enterprise_form})}",
        "public": f"{reverse('tickets:public_submit')}?{query}",
    }


@require_GET
def service_detail(request, code: str):
    item = selectors.public_item(code)
    context = {"item": item, "attachments": list(item.attachments.all()), "demand": demand_links(request, item)}
    return render(request, "catalogue/public_detail.html", context)


@require_GET
def service_demand(request, code: str):
    """A plain link target for "就此事项反映诉求" (e.g. from a printed guide): sends each person where they belong."""
    item = selectors.public_item(code)
    links = demand_links(request, item)
    target = links.get("enterprise") or links.get("login")
    if target is None:
        raise Http404("只有企业用户可以就服务事项反映诉求。")
    return redirect(target)


@require_GET
def service_file(request, code: str, pk: int):
    item = selectors.public_item(code)
    attachment = item.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在。")
    return file_response(attachment)
