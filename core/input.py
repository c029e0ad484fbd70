"""Input no view should ever see (SECURITY.md §6): NUL bytes and absurdly nested JSON are a 400, not a 500.

`RejectMalformedInputMiddleware` refuses a request whose path, query string or form fields carry a NUL byte — the API
with the contract's JSON (`{"errors": {"non_field_errors": [...]}}`), the web with a Chinese 400 page. JSON bodies are
checked by `SafeJSONParser` (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES): no NUL (raw or `\\u0000`), nesting at most
MAX_JSON_DEPTH deep. `ApiServerErrorMiddleware` answers an unhandled exception under /api/ with the contract's 500
JSON — `{"error": "服务器内部错误…"}`, the shape API.md gives every non-400 error — and logs it (the web keeps Django's handler and templates/500.html).
"""

from __future__ import annotations

import codecs
import json
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.files import MAX_FILES_PER_REQUEST, too_many_files_message

logger = logging.getLogger("qiyezhijia.errors")

MAX_JSON_DEPTH = 32
NUL_MESSAGE = "请求中含有不允许的空字符（NUL）。"
DEPTH_MESSAGE = f"请求体嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）。"
SERVER_ERROR_MESSAGE = "服务器内部错误，请稍后重试；如果问题持续，请联系平台管理员。"
API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request, message: str):
    if is_api(request):
        return JsonResponse({"errors": {"non_field_errors": [message]}}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    html = render_to_string("400.html", {"message": message})
    return HttpResponseBadRequest(html)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class RejectMalformedInputMiddleware:
    """List it early (after SecurityMiddleware): nothing below it meets a NUL byte from the request line or a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            return bad_request(request, NUL_MESSAGE)
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            try:
                post, files = request.POST, request.FILES
            except Exception:
                if not is_api(request):
                    raise  # Django answers a malformed or oversized form itself (400 / 413)
                return bad_request(request, "请求体格式错误，无法解析。")
            if _has_nul(post) or any("\x00" in (upload.name or "") for upload in files.values()):
                return bad_request(request, NUL_MESSAGE)
            count = sum(len(uploads) for _, uploads in files.lists())
            if is_api(request) and count > MAX_FILES_PER_REQUEST:
                # The web's forms say it next to the field (core.forms.MultipleFileField), keeping what was typed.
                return bad_request(request, too_many_files_message(count))
        return self.get_response(request)


def json_depth_exceeds(value, limit: int) -> bool:
    """True when `value` nests lists/objects more than `limit` deep (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _raw_depth_exceeds(text: str, limit: int) -> bool:
    """Count brackets outside strings before json.loads, so a 100,000-deep body never reaches the decoder."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _contains_nul(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit and no NUL anywhere in the document (400 with the contract's shape)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(f"无法按 {encoding} 解码：{exc.reason}") from None
        if "\x00" in text:
            raise ParseError(NUL_MESSAGE)
        if _raw_depth_exceeds(text, MAX_JSON_DEPTH):
            raise ParseError(DEPTH_MESSAGE)
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON 格式不正确：{exc}") from None
        if _contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"不支持 {name}")


class ApiServerErrorMiddleware:
    """An exception nobody handled, under /api/: logged, answered 500 {"error": "服务器内部错误…"} (API.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        logger.error("未处理的 API 异常：%s %s", request.method, request.path, exc_info=exception)
        return JsonResponse({"error": SERVER_ERROR_MESSAGE}, status=500, json_dumps_params={"ensure_ascii": False})
