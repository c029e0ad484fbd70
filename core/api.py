"""What every endpoint shares: the contract's error shapes (API.md), action tables and input fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.dates import DateBoundsValidator, bounds_message
from core.errors import Conflict

NON_FIELD = "non_field_errors"


# --- errors --------------------------------------------------------------------------------------------------------
def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as the contract's flat `{field: [messages]}`, named like the workflow names fields.

    {"enterprise": {"uscc": [...]}} → {"enterprise.uscc": [...]}; a list item's errors belong to the list field.
    """
    out: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        out.setdefault(name, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int) or key == NON_FIELD:
                name = prefix or NON_FIELD
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_errors(value, name).items():
                add(field, messages)
    elif isinstance(detail, list):
        for item in detail:
            for field, messages in flatten_errors(item, prefix).items():
                add(field, messages)
    else:
        add(prefix or NON_FIELD, [str(detail)])
    return out


def exception_handler(exc, context):
    """DRF's handler, with a rate-limit refusal in the contract's shape: 429 {"error": "…"} and Retry-After."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.Throttled):
        response.data = {"error": str(exc.detail)}
    elif response is not None and isinstance(exc, exceptions.ParseError):
        response.data = {"errors": {NON_FIELD: [f"请求体格式错误：{exc.detail}"]}}
    return response


def workflow_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD if field == "__all__" else field): messages for field, messages in exc.message_dict.items()}
    return {NON_FIELD: exc.messages}


class ContractErrors:
    """Answers errors as the contract says: 400 {"errors": {field: [..]}}, 401/403/404/405/409 {"error": "…"}.

    The workflow raises Django's ValidationError / PermissionDenied and core.errors.Conflict; the selectors raise
    Http404 with a Chinese message. Their messages go to the caller unchanged.
    """

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            return Response({"errors": workflow_errors(exc)}, status=400)
        if isinstance(exc, Conflict):
            return Response({"error": exc.message}, status=409)
        if isinstance(exc, DjangoPermissionDenied):
            return Response({"error": str(exc) or "您没有权限执行此操作。"}, status=403)
        if isinstance(exc, Http404):
            return Response({"error": str(exc) or "对象不存在或无权查看。"}, status=404)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.ParseError):
            response.data = {"errors": {NON_FIELD: [f"请求体格式错误：{exc.detail}"]}}
        elif isinstance(exc, exceptions.ValidationError):
            response.data = {"errors": flatten_errors(exc.detail)}
        elif isinstance(exc, exceptions.APIException):
            response.data = {"error": str(exc.detail)}
        return response


# --- input fields ----------------------------------------------------------------------------------------------------
class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset. A time without one is refused rather than guessed (the caller may be in another zone)."""

    default_error_messages = {"naive": "时间必须带时区，例如 2026-09-18T10:00:00+08:00。"}

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        # Before any conversion between zones: year 1 at +08:00 is year 0 in UTC (an OverflowError, or a row that
        # PostgreSQL stores and Python cannot read back).
        message = bounds_message("时间", value)
        if message:
            raise serializers.ValidationError(message, code="date_bounds")
        return super().enforce_timezone(value)


def bounded_date(**kwargs) -> serializers.DateField:
    """An optional date (YYYY-MM-DD) within the bounds of core.dates."""
    return serializers.DateField(
        required=False, allow_null=True, default=None, validators=[DateBoundsValidator("日期")],
        error_messages={"invalid": "日期格式不正确，应为 YYYY-MM-DD。"}, **kwargs,
    )


def text(**kwargs) -> serializers.CharField:
    """A text input the workflow checks itself (required or not, its length): absent or null reads as ""."""
    return serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", trim_whitespace=False, **kwargs
    )


def code(**kwargs) -> serializers.CharField:
    """A department (or other) code; absent reads as None so the workflow says which one is missing."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, **kwargs)


class NoBody(serializers.Serializer):
    """The action takes no input (`{}`); anything sent is ignored."""


class ReasonBody(serializers.Serializer):
    reason = text()


class NoteBody(serializers.Serializer):
    note = text()


class ContentBody(serializers.Serializer):
    content = text()


def choice_filters(params, choices: dict) -> dict[str, str]:
    """Exact-match list filters from the query string (`?state=handling`); an unknown value is a 400, not an empty page."""
    lookups: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, enum in choices.items():
        value = params.get(name)
        if value in (None, ""):
            continue
        if value in enum.values:
            lookups[name] = value
        else:
            errors[name] = [f"无效的取值“{value}”，可选：{'、'.join(enum.values)}。"]
    if errors:
        raise DjangoValidationError(errors)
    return lookups


# --- action tables -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """One row of an action table: what the API docs call it, the body it reads, the workflow function that acts.

    `run` is called as run(actor=user, <subject>=obj, **validated body), so body field names are the workflow's
    keyword arguments. Bodies check only the shape of what is sent (a list is a list, a time has an offset) and are
    lenient about presence: the workflow checks permission (403) and state (409) before it complains about missing
    input (400), the same order a person meets on the web.
    """

    summary: str
    body: type[serializers.Serializer]
    run: Callable[..., object]


class ActionSchema(AutoSchema):
    """OpenAPI for an action route: the body, summary and `action` values come from the action table."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *self.view.parameters_for_schema()]

    def get_request_serializer(self):
        return self.view.body_for_schema()

    def get_response_serializers(self):
        return self.view.representation

    def get_summary(self):
        return self.view.summary_for_schema()

    def get_description(self):
        return "成功返回 200 和操作后的对象。400 输入有误；403 角色或部门无权操作；404 对象不存在或不可见；409 当前状态不允许该操作。"


class ActionView(ContractErrors, APIView):
    """POST one action from `actions` on one object; answers 200 with the object as it now is."""

    schema = ActionSchema()
    actions: dict[str, Action] = {}
    subject = ""  # the workflow's keyword for the object: "demand" or "ticket"
    action_name = ""  # fixed per route, or taken from the URL's `action`
    representation: type[serializers.Serializer]

    def fetch(self, user, pk):
        """The object through the access selectors: 404 outside the caller's scope."""
        raise NotImplementedError

    def represent(self, pk) -> dict:
        raise NotImplementedError

    def post(self, request, pk, action: str | None = None):
        obj = self.fetch(request.user, pk)
        name = action or self.action_name
        entry = self.actions.get(name)
        if entry is None:
            raise Http404(f"没有“{name}”这个操作。")
        body = entry.body(data=request.data)
        body.is_valid(raise_exception=True)
        entry.run(actor=request.user, **{self.subject: obj}, **body.validated_data)
        return Response(self.represent(pk))

    def body_for_schema(self):
        return self.actions[self.action_name].body

    def summary_for_schema(self):
        return self.actions[self.action_name].summary

    def parameters_for_schema(self) -> list:
        return []
