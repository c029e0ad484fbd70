from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.forms import LoginForm
from accounts.models import Role
from accounts.navigation import CAPABILITIES
from core.ratelimit import RateLimit, client_ip, too_many_requests

LOGIN_WINDOW = 300


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Besides the lockout (accounts/lockout.py): at most so many login POSTs per address and per username.
        by_ip = RateLimit("login-ip", limit=settings.LOGIN_RATE_PER_IP, window=LOGIN_WINDOW).hit(client_ip(request))
        username = request.POST.get("username", "").strip().lower()
        by_user = RateLimit("login-user", limit=settings.LOGIN_RATE_PER_USERNAME, window=LOGIN_WINDOW).hit(username)
        if not (by_ip.allowed and by_user.allowed):
            return too_many_requests(request, max(by_ip.retry_after, by_user.retry_after))
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or a prefetch must not log anybody out."""


@require_GET
@login_required
def home(request):
    if request.user.role == Role.LEADER:
        # A leader's home is the dashboard (SPEC §1: read-only dashboards of its region).
        return redirect("reports:dashboard")
    return render(
        request,
        "accounts/home.html",
        {"capabilities": CAPABILITIES.get(request.user.role, [])},
    )
