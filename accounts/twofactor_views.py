"""The second-factor pages: enrolment at the first login, verification at every later one (SECURITY.md §2)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import twofactor
from accounts.security_forms import EnrolForm, OtpForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request):
    if not twofactor.has_device(request.user):
        return redirect(reverse("accounts:otp_enrol") + "?" + request.GET.urlencode())
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = twofactor.wait_seconds(request.user)
        if wait:
            form.add_error("code", f"输错次数较多，请在 {wait} 秒后再输入。")
        elif twofactor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        else:
            form.add_error("code", "动态口令或恢复码不正确，或已使用过；请输入身份验证器当前显示的数字。")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
@login_required
def otp_enrol(request):
    if twofactor.has_device(request.user):
        return redirect(reverse("accounts:otp_verify") + "?" + request.GET.urlencode())
    device = twofactor.start_enrolment(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", "动态口令不正确，请确认手机时间准确后输入身份验证器当前显示的数字。")
    context = {
        "form": form,
        "secret": twofactor.secret_base32(device),
        "otpauth_uri": device.config_url,
        "qr_svg": twofactor.qr_svg(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_enrol.html", context)
