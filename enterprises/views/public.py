"""Pages without login: sign-up (/signup/), the privacy notice (/privacy/), password reset by SMS (/password/reset/)
and the invitation link of a new staff member (/invite/<token>/). They work without JavaScript and on a phone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import Conflict
from core.ratelimit import client_ip, too_many_requests
from core.web import apply_errors
from enterprises import limits, services
from enterprises.forms import PasswordResetForm, SetPasswordForm, SignupForm
from enterprises.models import PhoneCode
from enterprises.privacy import PRIVACY_DATE, PRIVACY_VERSION
from enterprises.views._codes import (
    code_accepted,
    code_reply,
    is_fetch,
    send_code,
    sent_message,
    wants_code,
)

RESET_SENT = "如果该手机号已注册企业账号，验证码已发送，10 分钟内有效。"
RESET_BAD_CODE = "验证码不正确或已过期，请核对或重新获取。"
FILES_AGAIN = "出于安全原因，已选择的营业执照需要重新选择。"


def _login_backend() -> str:
    """The backend that loads users for a session (not the lockout backend, which only guards authenticate())."""
    return settings.SESSION_USER_BACKEND


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        messages.info(request, "您已登录。如需为其他企业注册，请先退出。")
        return redirect("accounts:home")
    form = SignupForm()
    if request.method == "POST":
        sending = wants_code(request)
        form = SignupForm(request.POST, request.FILES, sending=sending)
        if sending:
            if form.is_valid() and (limited := send_code(request, form, PhoneCode.Purpose.SIGNUP)):
                return limited
            if is_fetch(request):
                return code_reply(form, sent_message(form.cleaned_data.get("phone", "")))
        else:
            verdict = limits.SIGNUP.hit(client_ip(request))
            if not verdict.allowed:
                return too_many_requests(request, verdict.retry_after)
            if form.is_valid() and code_accepted(form, PhoneCode.Purpose.SIGNUP):
                data = form.cleaned_data
                try:
                    result = services.enterprise_signup(
                        enterprise_name=data["enterprise_name"], uscc=data["uscc"], region=data["region"],
                        person_name=data["person_name"], phone=data["phone"], password=data["password1"],
                        licence=data["licence"], consent_version=PRIVACY_VERSION,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    if result.joined:
                        return render(request, "enterprises/signup_joined.html", {"result": result})
                    login(request, result.user, backend=_login_backend())
                    messages.success(request, f"注册成功，{result.enterprise.name}的企业账号已开通，您是本企业的管理员。")
                    return redirect("enterprises:home")
            else:
                messages.error(request, "注册未成功，请按提示修改标红的内容。")
        if request.FILES:
            messages.warning(request, FILES_AGAIN)
    return render(request, "enterprises/signup.html", {"form": form})


@require_GET
def privacy(request):
    return render(request, "enterprises/privacy.html", {"version": PRIVACY_VERSION, "date": PRIVACY_DATE})


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetForm()
    if request.method == "POST":
        sending = wants_code(request)
        form = PasswordResetForm(request.POST, sending=sending)
        phone = form.data.get("phone", "")
        if sending:
            if form.is_valid():
                # Counted and answered alike whether or not the phone has an account.
                verdict = limits.CODE.hit(client_ip(request), form.cleaned_data["phone"])
                if not verdict.allowed:
                    return too_many_requests(request, verdict.retry_after)
                if services.reset_account(form.cleaned_data["phone"]) is not None:
                    send_code(request, form, PhoneCode.Purpose.RESET_PASSWORD, quiet=True, counted=True)
                if not is_fetch(request):
                    messages.info(request, RESET_SENT)
            if is_fetch(request):
                return code_reply(form, RESET_SENT)
        else:
            verdict = limits.RESET.hit(client_ip(request), phone)
            if not verdict.allowed:
                return too_many_requests(request, verdict.retry_after)
            if form.is_valid():
                account = services.reset_account(form.cleaned_data["phone"])
                if account is None:
                    form.add_error("code", RESET_BAD_CODE)
                elif code_accepted(form, PhoneCode.Purpose.RESET_PASSWORD, message=RESET_BAD_CODE):
                    try:
                        services.password_reset(phone=form.cleaned_data["phone"], password=form.cleaned_data["password1"])
                    except ValidationError as exc:
                        apply_errors(form, exc)
                    else:
                        messages.success(request, "密码已重置，请用手机号和新密码登录。")
                        return redirect("accounts:login")
    return render(request, "enterprises/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    invite = services.invitation_for(token)
    if invite is None:
        return render(request, "enterprises/invitation_invalid.html", status=404)
    form = SetPasswordForm(user=invite.user)
    if request.method == "POST":
        form = SetPasswordForm(request.POST, user=invite.user)
        if form.is_valid():
            try:
                user = services.invitation_accept(token=token, password=form.cleaned_data["password1"],
                                                  consent_version=PRIVACY_VERSION)
            except ValidationError as exc:
                apply_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
            else:
                login(request, user, backend=_login_backend())
                messages.success(request, "密码已设置，欢迎使用企业之家。")
                return redirect("enterprises:home")
    return render(request, "enterprises/invitation.html", {"form": form, "invite": invite})
