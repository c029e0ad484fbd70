"""What the screens that verify a phone share: sending a code (rate-limited) and checking it beside the field."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse

from core.ratelimit import client_ip, too_many_requests
from enterprises import limits
from enterprises.forms import SEND_CODE
from enterprises.phonecodes import PhoneCodeError, phone_code_check, phone_code_send
from enterprises.services import mask_phone


def wants_code(request) -> bool:
    return request.POST.get("action") == SEND_CODE


def is_fetch(request) -> bool:
    """The "获取验证码" button's script (static/js/phonecode.js) asks for a JSON answer and stays on the page."""
    return request.headers.get("X-Requested-With") == "fetch"


def code_reply(form, message: str) -> JsonResponse:
    """The script's answer: the message to show beside the button, or the phone's error."""
    if form.errors:
        errors = form.errors.get("phone") or next(iter(form.errors.values()))
        return JsonResponse({"ok": False, "message": errors[0]}, status=400)
    return JsonResponse({"ok": True, "message": message})


def sent_message(phone: str) -> str:
    return f"验证码已发送至 {mask_phone(phone)}，10 分钟内有效。"


def send_code(request, form, purpose: str, *, quiet: bool = False, counted: bool = False):
    """Send a code to the form's (valid) phone. Returns a 429 response when over the limit, else None. `quiet` keeps
    the refusals of the code service to itself; `counted`: the caller has counted the rate limit (password reset: nothing may tell whether a phone has an account)."""
    phone = form.cleaned_data["phone"]
    if not counted:
        verdict = limits.CODE.hit(client_ip(request), phone)
        if not verdict.allowed:
            return too_many_requests(request, verdict.retry_after)
    try:
        phone_code_send(phone=phone, purpose=purpose, ip=client_ip(request))
    except PhoneCodeError as exc:
        if not quiet:
            form.add_error(exc.field if exc.field in form.fields else "phone", exc.message)
            return None
    if not quiet and not is_fetch(request):
        messages.success(request, sent_message(phone))
    return None


def code_accepted(form, purpose: str, *, message: str | None = None) -> bool:
    """Check the form's code; on refusal put the reason (or `message`) beside the code field."""
    try:
        phone_code_check(phone=form.cleaned_data["phone"], purpose=purpose, code=form.cleaned_data["code"])
    except PhoneCodeError as exc:
        form.add_error("code", message or exc.message)
        return False
    return True
