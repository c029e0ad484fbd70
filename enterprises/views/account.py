"""The enterprise's own page (/enterprise/: where its verification stands, what to do next, and for its
administrator the staff, join requests and invitations) and every user's account page (/account/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role, User
from accounts.navigation import CAPABILITIES
from core.errors import Conflict
from core.web import apply_errors
from enterprises import services
from enterprises.forms import InviteForm, LicenceForm, PhoneChangeForm
from enterprises.models import EnterpriseAdmin, JoinRequest, PhoneCode, Verification
from enterprises.views._codes import (
    code_accepted,
    code_reply,
    is_fetch,
    send_code,
    sent_message,
    wants_code,
)

ENTERPRISE_ONLY = "只有企业用户可以查看本企业的账号信息。"


def _act(request, act, *, success: str) -> bool:
    try:
        act()
    except Conflict as exc:
        messages.error(request, exc.message)
        return False
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    messages.success(request, success)
    return True


@require_GET
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def home(request):
    return _render_home(request)


def _render_home(request, invite_form=None, licence_form=None):
    """The page, with a form of the administrator's that came back with errors."""
    user = request.user
    enterprise = user.enterprise
    verification = Verification.objects.filter(pk=enterprise.pk).select_related("verified_by").first()
    admin = EnterpriseAdmin.objects.filter(pk=enterprise.pk).select_related("user").first()
    is_admin = admin is not None and admin.user_id == user.pk
    context = {
        "enterprise": enterprise, "verification": verification, "admin": admin, "is_admin": is_admin,
        "Status": Verification.Status,
    }
    if is_admin:
        context["staff"] = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).order_by("pk")
        context["invited"] = (
            User.objects.filter(
                enterprise=enterprise, is_active=False, invitations__isnull=False, invitations__used_at__isnull=True
            )
            .distinct().order_by("pk")
        )
        context["joins"] = JoinRequest.objects.filter(enterprise=enterprise, status=JoinRequest.Status.PENDING)
        context["invite_form"] = invite_form or InviteForm()
        if verification and verification.status == Verification.Status.REJECTED:
            context["licence_form"] = licence_form or LicenceForm()
    return render(request, "enterprises/home.html", context)


def _join_request(user, pk: int) -> JoinRequest:
    """A join request to the user's own enterprise (404 for any other)."""
    request = JoinRequest.objects.select_related("enterprise").filter(pk=pk).first()
    if request is None or not services.may_decide_join(request, user) and request.enterprise_id != user.enterprise_id:
        raise Http404("申请不存在。")
    return request


@require_POST
@login_required
def join_decide(request, pk: int):
    """The administrator (or, for an enterprise without one, the region's office) approves or refuses."""
    if request.user.role not in (Role.ENTERPRISE, Role.OFFICE):
        raise PermissionDenied("只有企业管理员可以处理加入申请。")
    join = _join_request(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    done = "已同意加入申请，对方可以用手机号登录了。" if approve else "已拒绝加入申请，已短信告知对方。"
    _act(request, lambda: services.join_decide(actor=request.user, join_request=join, approve=approve), success=done)
    return redirect("enterprises:home" if request.user.role == Role.ENTERPRISE else "enterprises:verification_queue")


@require_POST
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        base = request.build_absolute_uri(reverse("enterprises:invitation", args=["x"]))[:-2]
        try:
            services.staff_invite(actor=request.user, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                                  link_base=base)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已向 {services.mask_phone(form.cleaned_data['phone'])} 发送邀请短信，对方设置密码后即可登录。")
            return redirect("enterprises:home")
    elif not services.is_enterprise_admin(request.user):
        raise PermissionDenied(services.NOT_ADMIN)
    messages.error(request, "邀请未发送，请按提示修改。")
    return _render_home(request, invite_form=form)


def _member(user, pk: int) -> User:
    """A staff member of the user's own enterprise (404 for anyone else)."""
    member = User.objects.filter(pk=pk, role=Role.ENTERPRISE, enterprise_id=user.enterprise_id).first()
    if member is None:
        raise Http404("员工不存在。")
    return member


@require_POST
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def staff_remove(request, pk: int):
    member = _member(request.user, pk)
    _act(request, lambda: services.staff_remove(actor=request.user, member=member),
         success=f"已移除 {member.get_full_name()}，其登录已立即失效。")
    return redirect("enterprises:home")


@require_POST
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def hand_over(request, pk: int):
    member = _member(request.user, pk)
    _act(request, lambda: services.admin_hand_over(actor=request.user, member=member),
         success=f"已将企业管理员移交给 {member.get_full_name()}。")
    return redirect("enterprises:home")


@require_POST
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def licence_resubmit(request):
    form = LicenceForm(request.POST, request.FILES)
    if form.is_valid():
        _act(request, lambda: services.licence_resubmit(actor=request.user, upload=form.cleaned_data["licence"]),
             success="营业执照已重新提交，联合服务办公室将尽快认证。")
        return redirect("enterprises:home")
    if not services.is_enterprise_admin(request.user):
        raise PermissionDenied(services.NOT_ADMIN)
    messages.error(request, "营业执照未提交，请按提示修改。")
    return _render_home(request, licence_form=form)


def _password_change_url() -> str:
    try:
        return reverse("accounts:password_change")
    except NoReverseMatch:
        return "/accounts/password/"


@require_http_methods(["GET", "POST"])
@login_required
def account(request):
    """我的账号, every role's one account page: who I am, what my role may do on the platform, my phone (changed only to a phone verified by SMS), and the link to change my password."""
    form = PhoneChangeForm(user=request.user)
    if request.method == "POST":
        sending = wants_code(request)
        form = PhoneChangeForm(request.POST, sending=sending, user=request.user)
        if sending and is_fetch(request):
            if form.is_valid() and (limited := send_code(request, form, PhoneCode.Purpose.CHANGE_PHONE)):
                return limited
            return code_reply(form, sent_message(form.cleaned_data.get("phone", "")))
        if form.is_valid():
            if sending:
                if limited := send_code(request, form, PhoneCode.Purpose.CHANGE_PHONE):
                    return limited
            elif code_accepted(form, PhoneCode.Purpose.CHANGE_PHONE):
                try:
                    user = services.phone_change(actor=request.user, phone=form.cleaned_data["phone"])
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    note = "，今后请用新手机号登录" if user.role == Role.ENTERPRISE else ""
                    messages.success(request, f"手机号已更换为 {services.mask_phone(user.phone)}{note}。")
                    return redirect("enterprises:account")
    user = request.user
    return render(request, "enterprises/account.html", {
        "form": form, "phone": services.mask_phone(user.phone) if user.phone else "未填写",
        "password_url": _password_change_url(),
        "is_admin": services.is_enterprise_admin(user),
        "capabilities": CAPABILITIES.get(user.role, []),
    })
