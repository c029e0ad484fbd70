"""The system administrator's staff-account screen (SECURITY.md §1): list, create, reset a password, import an .xlsx.

A one-time password is shown once, in the answer to the POST that made it, and never stored in clear or logged.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.forms import StaffCreateForm, StaffImportForm, StaffSearchForm
from accounts.models import Role
from accounts.staff import ACTOR_MESSAGE, StaffRow, staff_accounts, staff_create, staff_import, staff_password_reset
from accounts.staff_xlsx import MAX_ROWS, XLSX_TYPE, read_staff_rows, template_bytes
from core.masking import mask_phone
from core.pagination import paginate
from core.web import apply_errors

SYSADMIN = frozenset({Role.SYSADMIN})


def _one_time(request, created: list, *, title: str):
    """The page that shows generated passwords once (its views are never_cache: no browser or proxy keeps it)."""
    for item in created:
        item.masked_phone = mask_phone(item.user.phone)
    return render(request, "accounts/staff_passwords.html", {"created": created, "title": title})


@require_GET
@role_required(SYSADMIN, ACTOR_MESSAGE)
def staff_list(request):
    search = StaffSearchForm(request.GET or None)
    accounts = staff_accounts().select_related("department__region").order_by("department__region__sort_order",
                                                                                "department__sort_order", "username")
    if search.is_valid() and search.cleaned_data["q"]:
        q = search.cleaned_data["q"].strip()
        accounts = accounts.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
            | Q(department__name__icontains=q) | Q(department__code__icontains=q)
        )
    page = paginate(request, accounts)
    for user in page.object_list:
        user.masked_phone = mask_phone(user.phone)
    return render(request, "accounts/staff_list.html", {"page": page, "search": search})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(SYSADMIN, ACTOR_MESSAGE)
def staff_new(request):
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = StaffRow(username=data["username"], name=data["name"], phone=data["phone"], role=data["role"],
                       department=data["department"])
        try:
            created = staff_create(actor=request.user, row=row)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _one_time(request, [created], title="账号已创建")
    return render(request, "accounts/staff_new.html", {"form": form})


@never_cache
@require_POST
@role_required(SYSADMIN, ACTOR_MESSAGE)
def staff_reset(request, pk: int):
    created = staff_password_reset(actor=request.user, user_id=pk)
    return _one_time(request, [created], title="密码已重置")


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(SYSADMIN, ACTOR_MESSAGE)
def staff_import_view(request):
    posted = request.method == "POST"
    form = StaffImportForm(request.POST if posted else None, request.FILES if posted else None)
    row_errors = []
    if posted and form.is_valid():
        rows, row_errors = read_staff_rows(form.cleaned_data["file"])
        if not row_errors:
            try:
                created = staff_import(actor=request.user, rows=rows)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _one_time(request, created, title=f"已导入 {len(created)} 个账号")
    return render(request, "accounts/staff_import.html", {"form": form, "row_errors": row_errors, "max_rows": MAX_ROWS})


@require_GET
@role_required(SYSADMIN, ACTOR_MESSAGE)
def staff_import_template(request):
    response = HttpResponse(template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''staff-accounts-template.xlsx"
    return response
