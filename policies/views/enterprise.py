"""The enterprise's policy screens: "为我匹配的政策" (active, published, fitting, newest first, with the reasons and
its status), marking one 感兴趣 / 已申报, and "我的企业画像" (industry, scale, founding date; tags read-only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from core.errors import Conflict
from core.web import apply_errors
from policies import profile, selectors, services
from policies.forms import ProfileForm
from policies.models import Reach

ENTERPRISE_ONLY = "只有企业用户可以查看为本企业匹配的政策和维护企业画像。"


@require_GET
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def mine(request):
    enterprise = request.user.enterprise
    found = selectors.matched_for_enterprise(enterprise)
    return render(request, "policies/mine.html", {
        "found": found, "enterprise": enterprise, "marks": [(s.value, s.label) for s in services.ENTERPRISE_MARKS],
        "statuses": Reach.Status,
    })


@require_POST
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def mark(request, pk: int):
    policy = selectors.public_policy_or_404(pk)
    status = request.POST.get("status", "")
    try:
        services.policy_mark(actor=request.user, policy=policy, status=status)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{policy.title}”标记为{Reach.Status(status).label}。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = ""
    return redirect(target or "policies:mine")


@require_http_methods(["GET", "POST"])
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def profile_edit(request):
    from enterprises.models import EnterpriseTag

    enterprise = request.user.enterprise
    initial = {"industry": enterprise.industry_id or "", "scale": enterprise.scale,
               "established_on": enterprise.established_on}
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                profile.profile_update(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "企业画像已保存，“为我匹配的政策”已按新画像更新。")
                return redirect("policies:profile")
        status = 400
        messages.error(request, "保存未成功，请按提示修改标红的内容。")
    holdings = (EnterpriseTag.objects.filter(enterprise=enterprise).select_related("tag", "granted_by__department")
                .order_by("tag__sort_order", "tag__code"))
    return render(request, "policies/profile.html", {
        "form": form, "enterprise": enterprise, "holdings": holdings,
        "verified": selectors.matching.verified_enterprises().filter(pk=enterprise.pk).exists(),
    }, status=status)
