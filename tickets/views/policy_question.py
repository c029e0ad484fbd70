""""就此政策咨询": an enterprise user asks about a published policy; the question is registered as a consultation
demand (channel `online`, domain `policy`) linked to the policy, and waits for the office's triage like any other."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import Role
from core.web import apply_errors
from policies.selectors import published_policy
from tickets import submissions
from tickets.forms.policy_question import PolicyQuestionForm
from tickets.workflow.policy_link import ask_about_policy

ENTERPRISE_ONLY = "只有企业用户可以就政策在线咨询。"


@require_http_methods(["GET", "POST"])
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def ask(request, pk: int):
    policy = published_policy(pk)
    if policy is None:
        raise Http404("政策不存在或未发布。")
    user = request.user
    status = 200
    if request.method == "POST":
        form = PolicyQuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand, _row, created = submissions.once(
                    user, "web:policy-question", submissions.form_token(form),
                    lambda: ask_about_policy(actor=user, policy=policy, title=data["title"], content=data["content"],
                                             requester_name=data["requester_name"],
                                             requester_phone=data["requester_phone"]))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if not created:
                    messages.info(request, submissions.already_submitted_message(demand))
                    return redirect("tickets:demand_detail", pk=demand.pk)
                messages.success(request, f"咨询已提交，编号 {demand.number}。联合服务办公室将在 1 个工作日内研判，"
                                          "之后由政策发布部门或相关部门答复。")
                return redirect("tickets:demand_detail", pk=demand.pk)
        status = 400
        messages.error(request, "提交未成功，请按提示修改标红的内容。")
    else:
        form = PolicyQuestionForm(initial={
            "title": f"政策咨询：{policy.title}"[:120],
            "requester_name": user.get_full_name(),
            "requester_phone": user.phone or user.enterprise.contact_phone,
        })
    return render(request, "tickets/policy_question.html", {"form": form, "policy": policy}, status=status)


urlpatterns = [
    path("policies/<int:pk>/ask/", ask, name="policy_question"),
]
