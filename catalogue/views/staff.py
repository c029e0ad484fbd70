"""Screens of department staff and the office: their items, a draft, the guide form, publish, retire, files,
and the published versions kept in each item's history (OUTREACH §1)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Domain
from audit.services import record
from catalogue import rules, selectors, services
from catalogue.forms import AttachmentForm, ServiceItemForm, material_formset
from catalogue.models import GUIDE_FIELDS, ServiceItem
from core.errors import Conflict
from core.forms import FilterForm
from core.pagination import paginate
from core.search import matches
from core.web import apply_errors

MORE_ROWS = 3


class StaffFilterForm(FilterForm):
    overdue = None

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "事项名称、申请条件或材料"


@require_GET
@login_required
def staff_list(request):
    items = selectors.managed_items(request.user)
    filters = StaffFilterForm(request.GET)
    state = request.GET.get("state", "")
    if state in ServiceItem.State.values:
        items = items.filter(state=state)
    if filters.values.get("q"):
        items = items.filter(matches("search_text", filters.values["q"]))
    items = items.select_related("department", "domain").order_by("department__sort_order", "code")
    page = paginate(request, items)
    context = {"page": page, "filters": filters, "state": state, "states": ServiceItem.State.choices}
    return render(request, "catalogue/staff_list.html", context)


def _guide_page(request, *, item: ServiceItem | None):
    """The guide form (new draft or edit): the item's fields and its materials as rows; "再加 3 行" posts the form
    back with three more empty rows (no JavaScript needed)."""
    initial = services.guide_values(item) if item is not None else {}
    if request.method == "POST" and "more_materials" in request.POST:
        data = request.POST.copy()
        total = data.get("materials-TOTAL_FORMS", "0")
        data["materials-TOTAL_FORMS"] = str(min((int(total) if total.isdigit() else 0) + MORE_ROWS, 100))
        form = ServiceItemForm(initial={name: request.POST.get(name, "") for name in ServiceItemForm.base_fields})
        formset = material_formset(data)
        return _render_guide_form(request, item, form, formset)
    if request.method == "POST":
        form = ServiceItemForm(request.POST)
        formset = material_formset(request.POST)
        form_ok, rows_ok = form.is_valid(), formset.is_valid()
        if form_ok and rows_ok:
            values = {**form.act_values(), "materials": formset.materials()}
            try:
                if item is None:
                    item = services.item_create(actor=request.user, **values)
                    messages.success(request, f"已保存草稿，事项编码 {item.code}。发布后公众即可查看办事指南。")
                else:
                    item = services.item_update(actor=request.user, item=item, **values)
                    if item.state == ServiceItem.State.PUBLISHED and item.pending is not None:
                        messages.success(request, "修改已保存，尚未公开：公众仍看到当前发布的版本，点击“发布修改”后生效。")
                    elif item.state == ServiceItem.State.PUBLISHED:
                        messages.info(request, "内容与当前发布的版本相同，没有待发布的修改。")
                    else:
                        messages.success(request, "草稿已保存。")
            except ValidationError as exc:
                apply_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("catalogue:staff_detail", code=item.code)
            else:
                return redirect("catalogue:staff_detail", code=item.code)
        messages.error(request, "保存未成功，请按提示修改标红的内容。")
        return _render_guide_form(request, item, form, formset, status=200)
    form = ServiceItemForm(initial=initial)
    formset = material_formset(materials=initial.get("materials"))
    return _render_guide_form(request, item, form, formset)


def _render_guide_form(request, item, form, formset, status: int = 200):
    return render(request, "catalogue/staff_form.html", {"item": item, "form": form, "formset": formset}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def staff_create(request):
    selectors.require_manager(request.user)
    return _guide_page(request, item=None)


@require_http_methods(["GET", "POST"])
@login_required
def staff_edit(request, code: str):
    item = selectors.managed_item(request.user, code)
    if item.state == ServiceItem.State.RETIRED:
        messages.error(request, "该服务事项已停用，不能再修改。")
        return redirect("catalogue:staff_detail", code=item.code)
    return _guide_page(request, item=item)


def _preview(item: ServiceItem) -> ServiceItem:
    """The item as it would read once its pending edit is published (not saved)."""
    preview = copy.copy(item)
    values = dict(item.pending)
    for name in GUIDE_FIELDS:
        if name == "domain":
            preview.domain = Domain.objects.filter(code=values["domain"]).first()
        else:
            setattr(preview, name, values[name])
    return preview


@require_GET
@login_required
def staff_detail(request, code: str):
    item = selectors.managed_item(request.user, code)
    may = rules.may_manage(item, request.user)
    context = {
        "item": item,
        "pending": _preview(item) if item.pending is not None else None,
        "versions": selectors.published_versions(item),
        "attachments": list(item.attachments.all()),
        "attachment_form": AttachmentForm(),
        "may_manage": may,
        "may_publish": may and rules.has_something_to_publish(item) and item.state != ServiceItem.State.RETIRED,
        "may_retire": may and item.state != ServiceItem.State.RETIRED,
        "may_edit": may and item.state != ServiceItem.State.RETIRED,
    }
    return render(request, "catalogue/staff_detail.html", context)


@require_GET
@login_required
def staff_version(request, code: str, history_id: int):
    item = selectors.managed_item(request.user, code)
    version = selectors.published_version(item, history_id)
    return render(request, "catalogue/staff_version.html", {"item": item, "version": version})


def _act(request, code: str, act, success: str):
    item = selectors.managed_item(request.user, code)
    try:
        act(actor=request.user, item=item)
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("catalogue:staff_detail", code=item.code)


@require_POST
@login_required
def staff_publish(request, code: str):
    return _act(request, code, services.item_publish, "已发布：公众现在看到的是这一版办事指南，之前发布的版本保留在历史版本中。")


@require_POST
@login_required
def staff_retire(request, code: str):
    return _act(request, code, services.item_retire, "已停用：该事项不再出现在公开的服务事项清单中。")


@require_POST
@login_required
def staff_attach(request, code: str):
    item = selectors.managed_item(request.user, code)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, item=item, upload=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            messages.error(request, "上传未成功：" + "；".join(exc.messages))
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "附件已上传。")
    else:
        messages.error(request, "上传未成功：" + "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("catalogue:staff_detail", code=item.code)


@require_POST
@login_required
def staff_detach(request, code: str, pk: int):
    item = selectors.managed_item(request.user, code)
    try:
        services.attachment_remove(actor=request.user, item=item, attachment_id=pk)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已删除。")
    return redirect("catalogue:staff_detail", code=item.code)


def file_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失，请联系系统管理员。") from None
    record("attachment.download", obj=attachment, kind="service_item")
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def staff_download(request, code: str, pk: int):
    item = selectors.managed_item(request.user, code)
    attachment = item.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在。")
    return file_response(attachment)
