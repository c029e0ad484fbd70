from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.forms import LoginForm
from accounts.models import Role
from accounts.navigation import CAPABILITIES


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
