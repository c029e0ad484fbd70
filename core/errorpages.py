"""The platform's own 403, 404, 500 and CSRF-failure answers (issue 15): Chinese pages in the platform layout with the
reason and a way back; under /api/ the contract's JSON errors instead (API.md).

Django calls these only when DEBUG is off (the development server shows its technical pages otherwise).
"""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from core.input import SERVER_ERROR_MESSAGE, is_api

FORBIDDEN = "您没有权限执行此操作。"
NOT_FOUND = "您要找的页面或对象不存在，或您无权查看。"
CSRF_FAILED = "页面已过期或来源无法验证（CSRF 校验失败）。请返回上一页，刷新后重新提交；您填写的内容请先复制保存。"


def _reason(exception, default: str) -> str:
    """The exception's own message when it is one written for people (the platform's messages are Chinese); Django's
    internal English messages (e.g. "No Ticket matches the given query.") are not shown."""
    message = str(exception or "").strip()
    if message and any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    return default


def _json(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def permission_denied(request, exception=None):
    reason = _reason(exception, FORBIDDEN)
    if is_api(request):
        return _json(reason, 403)
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    reason = _reason(exception, NOT_FOUND)
    if is_api(request):
        return _json(reason, 404)
    return render(request, "404.html", {"reason": reason, "path": request.path}, status=404)


def server_error(request):
    if is_api(request):
        return _json(SERVER_ERROR_MESSAGE, 500)
    # No context processors and no database: whatever broke the request may break them too.
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason: str = ""):
    if is_api(request):
        return _json(CSRF_FAILED, 403)
    return render(request, "403.html", {"reason": CSRF_FAILED, "csrf": True}, status=403)
