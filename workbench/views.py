"""`/` once logged in: a staff role's workbench, the enterprise's home (the composition root dispatches here)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from notifications import workbench as notification_panels
from tickets.workbench import enterprise_home
from workbench.panels import panels_for, queue_links
from workcalendar.clocks import due_windows


@require_GET
@login_required
def home(request):
    user = request.user
    if user.role == Role.LEADER:
        # A leader reads; its work is the region's dashboard (SPEC §1), which links the ledger and the reports.
        return redirect("reports:dashboard")
    windows = due_windows()
    if user.role == Role.ENTERPRISE:
        context = enterprise_home(user)
        context["notifications"] = notification_panels.workbench_panels(user, windows=windows)[0]
        return render(request, "workbench/enterprise.html", context)
    today = timezone.localdate(windows.now)
    context = {
        "panels": panels_for(user, windows=windows),
        "queue_links": queue_links(user, request=request),
        "today": today,
        "weekday": "一二三四五六日"[today.weekday()],
    }
    return render(request, "workbench/home.html", context)
