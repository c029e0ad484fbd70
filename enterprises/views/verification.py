"""The office's verification queue (/enterprises/verification/): the unverified enterprises of its region, each with
its licence beside the data; approve, or reject with a reason the applicant receives by SMS. Also the join requests to
enterprises of the region without an administrator, and the permission-checked licence download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import role_required
from accounts.models import Role
from audit.services import record
from core.errors import Conflict
from core.pagination import paginate
from core.web import apply_errors
from enterprises import services
from enterprises.forms import RejectForm
from enterprises.models import EnterpriseAdmin
from enterprises.selectors import (
    licence_for_user,
    orphan_join_requests,
    verification_for_user,
    verification_queue,
)

OFFICE_ONLY = "只有联合服务办公室可以认证企业。"


@require_GET
@role_required({Role.OFFICE}, OFFICE_ONLY)
def queue(request):
    region_id = request.user.department.region_id
    waiting = verification_queue(region_id).select_related("enterprise__region").order_by("submitted_at", "pk")
    joins = orphan_join_requests(region_id).select_related("enterprise")
    return render(request, "enterprises/verification_queue.html", {"page": paginate(request, waiting), "joins": joins})


@require_http_methods(["GET", "POST"])
@role_required({Role.OFFICE}, OFFICE_ONLY)
def detail(request, pk: int):
    verification = verification_for_user(request.user, pk)
    enterprise = verification.enterprise
    form = RejectForm()
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        form = RejectForm(request.POST) if not approve else RejectForm()
        if approve or form.is_valid():
            reason = "" if approve else form.cleaned_data["reason"]
            try:
                services.verification_decide(actor=request.user, enterprise=enterprise, approve=approve, reason=reason)
            except Conflict as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{enterprise.name}已通过认证。" if approve
                                 else f"已将{enterprise.name}标记为未通过认证，原因已短信告知申请人。")
                return redirect("enterprises:verification_queue")
    admin = EnterpriseAdmin.objects.filter(pk=enterprise.pk).select_related("user").first()
    return render(request, "enterprises/verification_detail.html", {
        "verification": verification, "enterprise": enterprise, "form": form,
        "licence": enterprise.licences.first(), "admin": admin,
        "admin_phone": services.mask_phone(admin.user.phone) if admin and admin.user.phone else "",
    })


@require_GET
@login_required
@xframe_options_sameorigin
def licence_file(request, pk: int):
    """The licence scan, inline (an <img> or an embedded PDF on the verification page)."""
    licence = licence_for_user(request.user, pk)
    try:
        handle = licence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系系统管理员。") from None
    record("attachment.download", request=request, obj=licence, kind="licence", enterprise=licence.enterprise_id)
    response = FileResponse(handle, filename=licence.original_name, content_type=licence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
