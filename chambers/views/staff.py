"""The federation's screens (/chambers/…): chambers and their users, and the year's rotation plan with what each
turn produced. Every staff role of the region reads them; the federation (`{region}-gsl`) writes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from chambers import rules, selectors, services
from chambers.forms import ChamberForm, EntryForm, MembershipForm
from core.errors import Conflict
from core.web import run_act


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    if value.isdigit() and 2000 <= int(value) <= 2099:
        return int(value)
    return timezone.localdate().year


# --- chambers and members ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(rules.READERS, rules.NOT_READER)
def chamber_list(request):
    user = request.user
    chambers = selectors.chambers_for(user).order_by("kind", "name", "id")
    manage = rules.is_federation(user)
    form = ChamberForm(request.POST or None, initial={"kind": "chamber"}) if manage else None
    status = 200
    if request.method == "POST":
        selectors.require_federation(user)
        if form.is_valid() and run_act(
            request, form, lambda: services.chamber_create(actor=user, data=form.cleaned_data),
            success=f"已登记“{form.cleaned_data['name']}”。",
        ):
            return redirect("chambers:list")
        status = 400
    return _render_list(request, chambers, form=form, status=status)


def _render_list(request, chambers, *, form=None, member_form=None, status=200):
    user = request.user
    manage = rules.is_federation(user)
    memberships = list(selectors.memberships_for(user).order_by("chamber__name", "user__username"))
    members: dict[int, list] = {}
    for membership in memberships:
        members.setdefault(membership.chamber_id, []).append(membership)
    if manage and member_form is None:
        member_form = MembershipForm(users=selectors.chamber_users_of_region(rules.region_id_of(user)),
                                     chambers=chambers)
    rows = [(chamber, members.get(chamber.pk, [])) for chamber in chambers]
    return render(request, "chambers/chamber_list.html", {
        "rows": rows, "form": form, "member_form": member_form, "manage": manage,
    }, status=status)


@require_POST
@role_required(rules.FEDERATION_ROLES, rules.NOT_FEDERATION)
def membership_set(request):
    user = request.user
    selectors.require_federation(user)
    chambers = selectors.chambers_for(user).order_by("kind", "name", "id")
    form = MembershipForm(request.POST, users=selectors.chamber_users_of_region(rules.region_id_of(user)),
                          chambers=chambers)
    if form.is_valid() and run_act(
        request, form, lambda: services.membership_set(actor=user, user=form.cleaned_data["user"],
                                                       chamber=form.cleaned_data["chamber"]),
        success="已设置所属商会。",
    ):
        return redirect("chambers:list")
    messages.error(request, "设置未成功，请按提示修改。")
    return _render_list(request, chambers, form=ChamberForm(initial={"kind": "chamber"}), member_form=form, status=400)


@require_POST
@role_required(rules.FEDERATION_ROLES, rules.NOT_FEDERATION)
def membership_remove(request, pk: int):
    user = request.user
    selectors.require_federation(user)
    membership = selectors.memberships_for(user).filter(pk=pk).first()
    if membership is None:
        raise Http404("记录不存在或无权查看。")
    services.membership_remove(actor=user, membership=membership)
    messages.success(request, f"已将 {membership.user.get_full_name() or membership.user.username} 移出“{membership.chamber.name}”。")
    return redirect("chambers:list")


# --- the plan ------------------------------------------------------------------------------------------------------
@require_GET
@role_required(rules.READERS, rules.NOT_READER)
def plan(request):
    return _render_plan(request, _year(request))


def _render_plan(request, year: int, *, form=None, status=200):
    user = request.user
    manage = rules.is_federation(user)
    if manage and form is None:
        form = EntryForm(chambers=selectors.chambers_for(user).order_by("name"))
    entries = list(selectors.entries_for(user, year))
    today = timezone.localdate()
    return render(request, "chambers/plan.html", {
        "year": year, "years": [year - 1, year, year + 1], "plan": selectors.plan_for(user, year),
        "entries": entries, "today": today, "form": form, "manage": manage,
        "may_record": manage or (user.role == "chamber" and rules.chamber_id_of(user) is not None),
        "own_chamber": rules.chamber_id_of(user),
        "totals": (sum(e.activity_count for e in entries), sum(e.demand_count for e in entries)),
    }, status=status)


@require_POST
@role_required(rules.FEDERATION_ROLES, rules.NOT_FEDERATION)
def entry_add(request):
    user = request.user
    selectors.require_federation(user)
    year = _year(request)
    form = EntryForm(request.POST, chambers=selectors.chambers_for(user).order_by("name"))
    if form.is_valid():
        data = {**form.cleaned_data, "year": year}
        if run_act(request, form, lambda: services.entry_add(actor=user, data=data), success="已加入轮值计划。"):
            return redirect(f"{_plan_url()}?year={year}")
    messages.error(request, "未能加入轮值计划，请按提示修改。")
    return _render_plan(request, year, form=form, status=400)


@require_POST
@role_required(rules.FEDERATION_ROLES, rules.NOT_FEDERATION)
def plan_publish(request, year: int):
    try:
        services.plan_publish(actor=request.user, year=year)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{year} 年商会轮值计划已发布，公众可在“商会轮值”页面查看。")
    return redirect(f"{_plan_url()}?year={year}")


def _plan_url() -> str:
    return reverse("chambers:plan")
