"""Public policy screens, no login (OUTREACH §2, §6): published policies with search and filters, and each policy's
page with its public fields only; an expired one reads "已失效". An enterprise user reading a policy that fits it sees
why, and the page counts as read."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from audit.services import record
from core.pagination import paginate
from policies import selectors, services
from policies.forms import PublicFilterForm
from policies.models import Reach
from policies.presentation import eligibility


@require_GET
def policy_list(request):
    form = PublicFilterForm(request.GET)
    values = form.values
    active = {"true": True, "false": False}.get(values.get("active", ""))
    policies = selectors.search_published(
        q=values.get("q", ""), domain=values.get("domain", ""), mode=values.get("mode", ""),
        department=values.get("department", ""), active=active,
    ).select_related("department")
    return render(request, "policies/public_list.html", {"form": form, "page": paginate(request, policies)})


@require_GET
def policy_detail(request, pk: int):
    policy = selectors.public_policy_or_404(pk)
    context = {
        "policy": policy, "criteria": eligibility(policy), "domains": policy.domains.all(),
        "attachments": policy.attachments.all(), "fit": None, "reach": None,
        "may_edit": request.user.is_authenticated and selectors.may_edit(request.user, policy),
    }
    user = request.user
    if user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id:
        fit = selectors.match_for_enterprise(policy, user.enterprise)
        context["fit"] = fit
        if fit:
            context["reach"] = services.policy_mark_read(actor=user, policy=policy)
            context["marks"] = [(s.value, s.label) for s in services.ENTERPRISE_MARKS]
            context["statuses"] = Reach.Status
    return render(request, "policies/public_detail.html", context)


@require_GET
def attachment_file(request, pk: int):
    """A policy's file: anyone once it is published; its editors before that (404 to everyone else)."""
    attachment = selectors.attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系系统管理员。") from None
    record("attachment.download", request=request, obj=attachment, kind="policy")
    response = FileResponse(handle, filename=attachment.original_name, content_type=attachment.content_type,
                            as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


