"""Screens of a policy's reach and 免申即享 list (OUTREACH §2): the department's policies with their figures, one
policy's matched enterprises, its beneficiary list (import, disburse), and the enterprise's own benefits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.dates import DateBoundsValidator
from core.errors import Conflict
from core.forms import StyledForm
from core.pagination import paginate
from core.web import apply_errors
from policies.beneficiaries import (
    MAX_ROWS,
    MODE_MESSAGE,
    XLSX_TYPE,
    FileRejected,
    beneficiaries_disburse,
    beneficiaries_import,
    beneficiaries_of,
    benefits_of,
    template_bytes,
)
from policies.models import BENEFICIARY_MODES, Beneficiary
from policies.reach import (
    MATCH_PAGE_SIZE,
    match_rows,
    matched_enterprises,
    may_manage,
    outreach_policies,
    outreach_policy,
    policy_figures,
)

POLICY_PAGE_SIZE = 20  # the figures page counts each listed policy's matches: keep the page bounded
BENEFICIARY_PAGE_SIZE = 50


class BeneficiaryImportForm(StyledForm):
    file = forms.FileField(
        label="受益企业名单（.xlsx）",
        help_text=f"列：uscc（统一社会信用代码）、amount（金额，元）、note（备注）；每个文件最多 {MAX_ROWS} 行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。", "empty": "上传的文件是空的。"},
    )


class DisburseForm(StyledForm):
    on = forms.DateField(
        label="兑付日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[DateBoundsValidator("兑付日期")],
        error_messages={"required": "请填写兑付日期。", "invalid": "兑付日期格式不正确，应为 YYYY-MM-DD。"},
    )


# --- the department's policies with their figures --------------------------------------------------------------------
@require_GET
@login_required
def reach_list(request):
    policies = (outreach_policies(request.user).select_related("department", "region")
                .order_by(F("published_at").desc(nulls_last=True), "-pk"))
    page = paginate(request, policies, per_page=POLICY_PAGE_SIZE)
    items = list(page.object_list)
    figures = policy_figures(items)
    rows = [(policy, figures[policy.pk]) for policy in items]
    return render(request, "policies/reach/list.html", {"page": page, "rows": rows})


@require_GET
@login_required
def reach_matches(request, pk: int):
    policy = outreach_policy(request.user, pk)
    page = paginate(request, matched_enterprises(policy), per_page=MATCH_PAGE_SIZE)
    rows = match_rows(policy, list(page.object_list))
    figures = policy_figures([policy])[policy.pk]
    return render(request, "policies/reach/matches.html",
                  {"policy": policy, "page": page, "rows": rows, "figures": figures})


# --- the beneficiary list --------------------------------------------------------------------------------------------
def _beneficiary_page(request, policy, *, import_form=None, disburse_form=None, rejected=None, error="", status=200):
    state = request.GET.get("state") or ""
    if state not in Beneficiary.State.values:
        state = ""
    page = paginate(request, beneficiaries_of(policy, state=state), per_page=BENEFICIARY_PAGE_SIZE)
    context = {
        "policy": policy,
        "state": state,
        "states": Beneficiary.State.choices,
        "page": page,
        "pending_on_page": [b for b in page.object_list if b.state == Beneficiary.State.PENDING],
        "figures": policy_figures([policy])[policy.pk],
        "import_form": import_form or BeneficiaryImportForm(),
        "disburse_form": disburse_form or DisburseForm(initial={"on": timezone.localdate()}),
        "today": timezone.localdate(),
        "rejected": rejected,
        "error": error,
        "may_manage": may_manage(request.user, policy),
        "max_rows": MAX_ROWS,
    }
    return render(request, "policies/reach/beneficiaries.html", context, status=status)


def _beneficiary_policy(request, pk: int):
    """The policy (403/404 as outreach_policy), or a 409 page when its mode has no beneficiary list."""
    policy = outreach_policy(request.user, pk)
    if policy.mode not in BENEFICIARY_MODES:
        return policy, render(request, "policies/reach/not_beneficiary.html", {"policy": policy, "message": MODE_MESSAGE},
                              status=409)
    return policy, None


@require_GET
@login_required
def beneficiary_list(request, pk: int):
    policy, refused = _beneficiary_policy(request, pk)
    return refused or _beneficiary_page(request, policy)


@require_GET
@login_required
def beneficiary_template(request, pk: int):
    policy, refused = _beneficiary_policy(request, pk)
    if refused:
        return refused
    response = HttpResponse(template_bytes(policy), content_type=XLSX_TYPE)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''beneficiaries-template.xlsx"
    return response


@require_POST
@login_required
def beneficiary_import(request, pk: int):
    policy, refused = _beneficiary_policy(request, pk)
    if refused:
        return refused
    form = BeneficiaryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _beneficiary_page(request, policy, import_form=form, status=400)
    try:
        imported = beneficiaries_import(actor=request.user, policy=policy, upload=form.cleaned_data["file"])
    except FileRejected as rejected:
        return _beneficiary_page(request, policy, import_form=form, rejected=rejected, status=400)
    except Conflict as exc:
        return _beneficiary_page(request, policy, error=exc.message, status=409)
    messages.success(request, f"已导入 {imported} 家受益企业，并已通知各企业。")
    return redirect("policies:beneficiaries", pk=policy.pk)


@require_POST
@login_required
def beneficiary_disburse(request, pk: int):
    """Per row (one `uscc`), the ticked rows (`uscc` checkboxes), or every pending row of the page (`all_on_page`,
    the page's codes as `page_uscc`: a select-all that needs no script)."""
    policy, refused = _beneficiary_policy(request, pk)
    if refused:
        return refused
    form = DisburseForm(request.POST)
    codes = request.POST.getlist("page_uscc") if request.POST.get("all_on_page") else request.POST.getlist("uscc")
    if not form.is_valid():
        return _beneficiary_page(request, policy, disburse_form=form, status=400)
    try:
        count = beneficiaries_disburse(actor=request.user, policy=policy, usccs=codes, on=form.cleaned_data["on"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _beneficiary_page(request, policy, disburse_form=form, status=400)
    except Conflict as exc:
        return _beneficiary_page(request, policy, disburse_form=form, error=exc.message, status=409)
    messages.success(request, f"已登记 {count} 家企业兑付（{form.cleaned_data['on']:%Y-%m-%d}），并已通知各企业。")
    back = reverse("policies:beneficiaries", kwargs={"pk": policy.pk})
    state = request.POST.get("state") or ""
    return redirect(f"{back}?state={state}" if state in Beneficiary.State.values else back)


# --- the enterprise's benefits ---------------------------------------------------------------------------------------
@require_GET
@login_required
def benefits(request):
    page = paginate(request, benefits_of(request.user), per_page=BENEFICIARY_PAGE_SIZE)
    return render(request, "policies/reach/benefits.html", {"page": page})
