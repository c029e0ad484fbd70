from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.forms import LoginForm, PasswordChangeForm
from accounts.login_names import lockout_name
from accounts.passwords import MAX_AGE, password_set
from core.ratelimit import RateLimit, client_ip, too_many_requests

LOGIN_WINDOW = 300


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Besides the lockout (accounts/lockout.py): at most so many login POSTs per address and per username.
        by_ip = RateLimit("login-ip", limit=settings.LOGIN_RATE_PER_IP, window=LOGIN_WINDOW).hit(client_ip(request))
        # Counted per account however it is typed (a phone is its account's username; accounts.login_names).
        username = (lockout_name(request.POST.get("username", "").strip()) or "").lower()
        by_user = RateLimit("login-user", limit=settings.LOGIN_RATE_PER_USERNAME, window=LOGIN_WINDOW).hit(username)
        if not (by_ip.allowed and by_user.allowed):
            return too_many_requests(request, max(by_ip.retry_after, by_user.retry_after))
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or a prefetch must not log anybody out."""


@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    """Every user changes their own password here; a stale or administrator-chosen one leads here and nowhere else."""
    user = request.user
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password_set(user=user, raw_password=form.cleaned_data["new_password1"], must_change=False)
        # The session stays valid for the new password (Django would otherwise log this session out).
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("accounts:home")
    reason = ""
    if user.must_change_password:
        reason = "您的密码由管理员设置，请先修改为只有您知道的新密码，然后才能使用平台。"
    elif user.password_changed_at < timezone.now() - MAX_AGE:
        reason = f"您的密码已超过 {MAX_AGE.days} 天未修改，请先修改密码，然后才能使用平台。"
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})
