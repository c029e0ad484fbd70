"""Screens of enterprise users: submit a demand online, and "我的诉求" (SPEC §3: one form, then a status page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import role_required
from accounts.models import Role
from core.pagination import paginate
from core.web import apply_errors
from tickets import submissions, workflow
from tickets.forms.intake import SubmitDemandForm, service_item_initial
from tickets.models.demand import Channel
from tickets.search import clean_keyword, own_demand_matches
from tickets.selectors import demands_visible_to
from tickets.standing import where_it_stands

ENTERPRISE_ONLY = "只有企业用户可以在线提交和查看本企业的诉求。"


@require_http_methods(["GET", "POST"])
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def submit(request):
    user = request.user
    enterprise = user.enterprise
    item = None
    if request.method == "POST":
        form = SubmitDemandForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand, _row, created = submissions.once(user, "web:enterprise-submit", submissions.form_token(form), lambda: workflow.demand_register(
                    actor=user,
                    channel=Channel.ONLINE,
                    title=data["title"],
                    content=data["content"],
                    domain=data["domain"],
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    files=data["files"],
                    service_item=data["service_item"] or None,
                )[0])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if not created:
                    messages.info(request, submissions.already_submitted_message(demand))
                    return redirect("tickets:demand_detail", pk=demand.pk)
                messages.success(
                    request,
                    f"诉求已提交，编号 {demand.number}。联合服务办公室将在 1 个工作日内研判，"
                    "之后派给责任部门办理；需要补充材料时会在本页告知您。",
                )
                return redirect("tickets:demand_detail", pk=demand.pk)
        notice = "提交未成功，请按提示修改标红的内容。"
        if request.FILES:
            notice += "出于安全原因，已选择的附件需要重新选择。"
        messages.error(request, notice)
        item = service_item_initial(request.POST.get("service_item"))[1]
    else:
        prefill, item = service_item_initial(request.GET.get("service_item"))
        if request.GET.get("service_item") and item is None:
            messages.warning(request, "该服务事项不存在或未发布，请直接填写诉求。")
        form = SubmitDemandForm(
            initial={
                "requester_name": user.get_full_name(),
                "requester_phone": user.phone or enterprise.contact_phone,
                **prefill,
            }
        )
    return render(request, "tickets/submit.html", {"form": form, "enterprise": enterprise, "service_item": item})


@require_GET
@role_required({Role.ENTERPRISE}, ENTERPRISE_ONLY)
def my_demands(request):
    """The enterprise's own demands, newest first; `?q=` finds them by number (or a piece of it), a word of the title
    or of the content (tickets.search, within the enterprise's own demands)."""
    keyword, error = clean_keyword(request.GET.get("q"))
    demands = demands_visible_to(request.user)
    if keyword and not error:
        demands = demands.filter(own_demand_matches(keyword))
    demands = demands.select_related("region__parent", "ticket__lead_department").order_by("-registered_at", "-id")
    page = paginate(request, demands)
    for demand in page.object_list:
        demand.standing = where_it_stands(demand)
    return render(request, "tickets/my_demands.html", {"page": page, "q": keyword, "error": error})


urlpatterns = [
    path("demands/submit/", submit, name="submit"),
    path("my/demands/", my_demands, name="my_demands"),
]
