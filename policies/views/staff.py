"""Department staff's policy screens (/policies/manage/): the department's policies (the office: its region's), a
draft with its eligibility, attachments, publish, withdraw with a reason, and how many verified enterprises fit now."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Department, Role
from core.errors import Conflict
from core.pagination import paginate
from core.web import run_act
from policies import selectors, services
from policies.forms import AttachmentForm, PolicyForm, WithdrawForm
from policies.models import Policy

EDITORS = selectors.EDITOR_ROLES
NOT_EDITOR = selectors.NOT_EDITOR


@require_GET
@role_required(EDITORS, NOT_EDITOR)
def policy_list(request):
    policies = selectors.policies_for_staff(request.user).select_related("department").order_by("-updated_at", "-id")
    state = request.GET.get("state", "")
    if state in Policy.State.values:
        policies = policies.filter(state=state)
    return render(request, "policies/staff_list.html", {
        "page": paginate(request, policies), "state": state, "states": Policy.State.choices,
    })


@require_http_methods(["GET", "POST"])
@role_required(EDITORS, NOT_EDITOR)
def policy_create(request):
    user = request.user
    region = user.department.region
    departments = Department.objects.of_region(region) if user.role == Role.OFFICE else None
    form = PolicyForm(request.POST or None, region=region, departments=departments,
                      initial={"mode": "apply", "department": user.department.code})
    if request.method == "POST" and form.is_valid():
        created = {}

        def act():
            data = dict(form.cleaned_data)
            created["policy"] = services.policy_create(actor=user, data=data, department=data.pop("department", None))

        if run_act(request, form, act, success="政策草稿已保存。核对适用条件后即可发布。"):
            return redirect("policies:staff_detail", pk=created["policy"].pk)
    return render(request, "policies/staff_form.html", {"form": form, "policy": None})


@require_http_methods(["GET", "POST"])
@role_required(EDITORS, NOT_EDITOR)
def policy_edit(request, pk: int):
    policy = selectors.policy_for_staff(request.user, pk)
    if not selectors.may_edit(request.user, policy) or policy.state == Policy.State.WITHDRAWN:
        messages.error(request, "已撤回的政策不能再修改。")
        return redirect("policies:staff_detail", pk=policy.pk)
    form = PolicyForm(request.POST or None, region=policy.region, initial=PolicyForm.initial_of(policy))
    if request.method == "POST" and form.is_valid():
        success = "政策已保存。"
        if policy.state == Policy.State.PUBLISHED:
            success = "政策已保存；适用条件变化后新匹配的企业将收到推送。"
        if run_act(request, form, lambda: services.policy_update(actor=request.user, policy=policy,
                                                                  data=form.cleaned_data), success=success):
            return redirect("policies:staff_detail", pk=policy.pk)
    return render(request, "policies/staff_form.html", {"form": form, "policy": policy})


@require_GET
@role_required(EDITORS, NOT_EDITOR)
def policy_detail(request, pk: int):
    policy = selectors.policy_for_staff(request.user, pk)
    return _render_detail(request, policy)


def _render_detail(request, policy, *, withdraw_form=None, attachment_form=None, status=200):
    return render(request, "policies/staff_detail.html", {
        "policy": policy,
        "domains": policy.domains.all(),
        "attachments": policy.attachments.all(),
        "matched": selectors.matched_count(policy) if policy.state != Policy.State.WITHDRAWN else None,
        "criteria": _criteria_lines(policy),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "attachment_form": attachment_form or AttachmentForm(),
        "may_edit": selectors.may_edit(request.user, policy),
    }, status=status)


@require_POST
@role_required(EDITORS, NOT_EDITOR)
def policy_publish(request, pk: int):
    policy = selectors.policy_for_staff(request.user, pk)
    try:
        services.policy_publish(actor=request.user, policy=policy)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"政策已发布，现匹配 {selectors.matched_count(policy)} 家已认证企业，将向其推送。")
    return redirect("policies:staff_detail", pk=policy.pk)


@require_POST
@role_required(EDITORS, NOT_EDITOR)
def policy_withdraw(request, pk: int):
    policy = selectors.policy_for_staff(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid() and run_act(
        request, form, lambda: services.policy_withdraw(actor=request.user, policy=policy,
                                                         reason=form.cleaned_data["reason"]),
        success="政策已撤回，公众将不再看到这项政策。",
    ):
        return redirect("policies:staff_detail", pk=policy.pk)
    policy.refresh_from_db()
    messages.error(request, "撤回未成功，请按提示修改。")
    return _render_detail(request, policy, withdraw_form=form, status=400)


@require_POST
@role_required(EDITORS, NOT_EDITOR)
def attachment_upload(request, pk: int):
    policy = selectors.policy_for_staff(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and run_act(
        request, form, lambda: services.attachment_add(actor=request.user, policy=policy,
                                                        upload=form.cleaned_data["file"]),
        success="附件已上传。",
    ):
        return redirect("policies:staff_detail", pk=policy.pk)
    messages.error(request, "附件上传未成功，请按提示修改。")
    return _render_detail(request, policy, attachment_form=form, status=400)


def _criteria_lines(policy) -> list[tuple[str, str]]:
    from policies.presentation import eligibility

    return eligibility(policy)
