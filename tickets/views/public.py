"""Public screens, no account needed (SECURITY.md §1): a visitor submits a demand at /demands/new/, with a verified
phone or anonymously, gets its number and a query code once, and follows it at /track/ with both.

Rate limits (core.ratelimit, 429 page): submissions per address and per phone, code requests per address (on top of
the per-phone and per-address daily caps of enterprises.phonecodes), look-ups per address.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from core.ratelimit import RateLimit, client_ip, rate_limited, too_many_requests
from core.web import apply_errors
from enterprises.models import PhoneCode
from enterprises.phonecodes import PhoneCodeError, normalize_mobile, phone_code_send
from tickets import submissions, workflow
from tickets.forms.intake import service_item_initial
from tickets.forms.public import PublicDemandForm, TrackForm
from tickets.models import Ticket
from tickets.standing import where_it_stands
from tickets.tracking import demand_for_tracking

SUBMIT_PER_IP = RateLimit("public-submit-ip", limit=10, window=3600)
SUBMIT_PER_PHONE = RateLimit("public-submit-phone", limit=5, window=24 * 3600)
CODE_PER_IP = RateLimit("public-code-ip", limit=10, window=3600)
TRACK_PER_IP = RateLimit("track-ip", limit=20, window=600)

DONE_COOKIE = "qyzj_public_demand"
DONE_SALT = "tickets.public.done"
DONE_PATH = "/demands/new/done/"
WRONG = "编号或查询码不正确，请核对后重新输入。"
# The ticket states in which the ticket's result is the one given to the enterprise.
RESULT_STATES = (Ticket.State.CLOSED, Ticket.State.REVIEW, Ticket.State.ARCHIVED)


def _mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def _phone_key(data) -> str:
    """The mobile number a phone submission names (normalised, so "139 8530 0001" counts as 13985300001), or ""."""
    if data.get("mode") == "anonymous":
        return ""
    try:
        return normalize_mobile(data.get("requester_phone") or "")
    except PhoneCodeError:
        return ""


def _render_submit(request, form, status: int = 200):
    code = form["service_item"].value() if form.is_bound else form.initial.get("service_item")
    item = service_item_initial(code)[1] if code else None
    return render(request, "tickets/public_submit.html", {"form": form, "service_item": item}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.user.is_authenticated and request.user.role == Role.ENTERPRISE:
        messages.info(request, "您已登录企业账号，请在这里提交诉求，办理进度可在“我的诉求”中查看。")
        code = request.GET.get("service_item")
        return redirect(f"{reverse('tickets:submit')}?{urlencode({'service_item': code})}" if code else "tickets:submit")
    if request.method == "GET":
        prefill, item = service_item_initial(request.GET.get("service_item"))
        if request.GET.get("service_item") and item is None:
            messages.warning(request, "该服务事项不存在或未发布，请直接填写诉求。")
        return _render_submit(request, PublicDemandForm(initial={"mode": "phone", **prefill}))
    form = PublicDemandForm(request.POST, request.FILES)
    if request.POST.get("action") == "send_code":
        return _send_code(request, form)
    return _submit(request, form)


def _send_code(request, form: PublicDemandForm):
    """获取验证码: the page comes back with everything typed so far and, when the code left, a note saying where."""
    ip = client_ip(request)
    verdict = CODE_PER_IP.hit(ip)
    if not verdict.allowed:
        return too_many_requests(request, verdict.retry_after)
    phone = form.phone_for_code()
    if phone is not None:
        try:
            phone_code_send(phone=phone, purpose=PhoneCode.Purpose.PUBLIC_SUBMIT, ip=ip)
        except PhoneCodeError as exc:
            form.add_error("requester_phone", exc.message)
        else:
            messages.success(request, f"验证码已发送至 {_mask(phone)}，10 分钟内有效。")
    if request.FILES:
        messages.warning(request, "出于安全原因，已选择的附件需要在提交前重新选择。")
    return _render_submit(request, form)


def _submit(request, form: PublicDemandForm):
    verdict = SUBMIT_PER_IP.hit(client_ip(request))
    phone = _phone_key(request.POST)
    if verdict.allowed and phone:
        verdict = SUBMIT_PER_PHONE.hit(phone)
    if not verdict.allowed:
        return too_many_requests(request, verdict.retry_after)
    if form.is_valid():
        token = submissions.form_token(form)
        issued = {}

        def create():
            demand, issued["code"] = workflow.demand_submit_public(**form.act_arguments())
            return demand

        try:
            demand, _row, created = submissions.once(None, "web:public-submit", token, create)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if created:
                sent = "1" if demand.requester_phone else "0"
                done_value = f"{demand.number}:{issued['code']}:{sent}"
                if token:
                    # A double click: the browser shows the second response, which must carry the code too. Kept
                    # server-side as long as the cookie lives (the database keeps only the code's digest).
                    cache.set(f"{DONE_COOKIE}:{token}", done_value, 600)
            else:
                done_value = cache.get(f"{DONE_COOKIE}:{token}")
                if done_value is None:
                    messages.info(request, f"{submissions.already_submitted_message(demand)}"
                                           "请凭首次提交后显示的查询码查询办理进度。")
                    return redirect("tickets:track")
            response = redirect("tickets:public_done")
            response.set_signed_cookie(
                DONE_COOKIE, done_value, salt=DONE_SALT, max_age=600, path=DONE_PATH,
                secure=request.is_secure(), httponly=True, samesite="Lax",
            )
            return response
    notice = "提交未成功，请按提示修改标红的内容。"
    if request.FILES:
        notice += "出于安全原因，已选择的附件需要重新选择。"
    messages.error(request, notice)
    return _render_submit(request, form)


@never_cache
@require_GET
def done(request):
    """The number and the query code, shown once: they live only in a short-lived signed cookie of this browser, which
    this page deletes (the server keeps a digest of the code only)."""
    value = request.get_signed_cookie(DONE_COOKIE, default=None, salt=DONE_SALT, max_age=600)
    parts = value.split(":") if value else []
    if len(parts) != 3:
        messages.info(request, "查询码只在提交成功后显示一次。请凭诉求编号和查询码查询办理进度。")
        return redirect("tickets:track")
    number, code, sent = parts
    response = render(request, "tickets/public_done.html", {"number": number, "code": code, "sms_sent": sent == "1"})
    response.delete_cookie(DONE_COOKIE, path=DONE_PATH, samesite="Lax")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(TRACK_PER_IP, key=client_ip)
def track(request):
    """Number + query code → one sentence of where the demand stands and, once closed, the result given to the
    enterprise; nothing else (no department notes, no staff, no phone). A wrong number and a wrong code read alike."""
    if request.method == "GET":
        return render(request, "tickets/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        demand = demand_for_tracking(form.cleaned_data["number"], form.cleaned_data["code"])
        if demand is None:
            form.add_error(None, WRONG)
        else:
            ticket = demand.ticket
            result = ticket if ticket is not None and ticket.state in RESULT_STATES and ticket.closure_result else None
            context.update(
                found={"number": demand.number, "state": demand.get_state_display()},
                standing=where_it_stands(demand, visitor=True),
                result=result and {"text": ticket.closure_result, "explanation": ticket.closure_explanation},
            )
            form = TrackForm()
            context["form"] = form
    return render(request, "tickets/track.html", context)


urlpatterns = [
    path("demands/new/", submit, name="public_submit"),
    path("demands/new/done/", done, name="public_done"),
    path("track/", track, name="track"),
]
