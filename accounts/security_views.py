"""The security administrator's screen (SECURITY.md §3 `secadmin`): current lockouts and recent login failures with
an unlock button, and the reset of a user's second factor. Other roles get 403."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import lockout, twofactor
from accounts.access import role_required
from accounts.models import Role
from accounts.security_forms import ResetSecondFactorForm, UnlockForm

SECADMIN_ONLY = role_required({Role.SECADMIN}, "只有安全管理员可以查看和处理账号安全事件。")


def _page(request, reset_form=None, status=200):
    context = {
        "lockouts": lockout.current_lockouts(),
        "failures": lockout.recent_failures(),
        "reset_form": reset_form or ResetSecondFactorForm(),
        "lockout_minutes": lockout.lockout_minutes(),
    }
    return render(request, "accounts/security.html", context, status=status)


@require_GET
@SECADMIN_ONLY
def security(request):
    return _page(request)


@require_POST
@SECADMIN_ONLY
def unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要解锁的账号或网络地址。")
        return redirect("accounts:security")
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    lockout.unlock(actor=request.user, kind=kind, value=value)
    label = "账号" if kind == "username" else "网络地址"
    messages.success(request, f"已解锁{label}“{value}”，其登录失败记录已清除。")
    return redirect("accounts:security")


@require_POST
@SECADMIN_ONLY
def reset_second_factor(request):
    form = ResetSecondFactorForm(request.POST)
    if not form.is_valid():
        return _page(request, reset_form=form)
    user = form.cleaned_data["username"]
    twofactor.reset_second_factor(actor=request.user, user=user)
    messages.success(request, f"已重置“{user.username}”的第二因子并结束其全部会话；该用户下次登录时需重新绑定身份验证器。")
    return redirect("accounts:security")
