"""Forms of the catalogue's screens: the guide (with its materials as a repeatable formset that works without
JavaScript), a file, and the public list's filters. Forms check the shape of what was typed; the acts
(catalogue.services) check the rules and report per field."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef

from accounts.models import Department, Domain
from catalogue.models import Kind, ServiceAttachment, ServiceItem
from core.forms import FilterForm, StyledForm, required_choice, textarea

EXTRA_MATERIAL_ROWS = 3


def _text(label: str, limit: int, *, rows: int = 0, required: bool = False, help_text: str = "") -> forms.CharField:
    widget = textarea(rows) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=required, max_length=limit, widget=widget, help_text=help_text,
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}不能超过 {limit} 个字。"},
    )


def _days(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=999, help_text="工作日",
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}必须是整数。",
                        "min_value": f"{label}不能小于 0。", "max_value": f"{label}不能超过 999 个工作日。"},
    )


class ServiceItemForm(StyledForm):
    name = _text("事项名称", 120, required=True)
    domain = forms.ModelChoiceField(
        label="业务领域", queryset=Domain.objects.order_by("sort_order", "code"), to_field_name="code",
        empty_label="请选择业务领域",
        error_messages={"required": "请选择业务领域。", "invalid_choice": "请选择有效的业务领域。"},
    )
    kind = required_choice("事项类型", [("", "请选择事项类型"), *Kind.choices])
    basis = _text("设定依据", 5000, rows=3, help_text="法律、法规、规章或规范性文件的名称和条款")
    conditions = _text("申请条件", 5000, rows=4)
    steps = _text("办理流程", 5000, rows=4, help_text="每行一个步骤，例如：1. 申请 2. 受理 3. 审查 4. 决定 5. 送达")
    legal_days = _days("法定办结时限")
    promised_days = _days("承诺办结时限")
    fee = _text("收费标准", 500, help_text="不收费请留空，指南显示“不收费”")
    location = _text("办理地点", 300)
    hours = _text("办理时间", 200, help_text="例如：工作日 9:00—12:00，13:00—17:00")
    phone = _text("咨询电话", 64)
    online_url = _text("网上办理地址", 500, help_text="只接受 https:// 开头的地址")
    responsibility = _text("职责依据", 5000, rows=3, help_text="说明本部门为什么是该事项的责任部门（三定方案、权责清单等），研判派单时显示")

    def clean_online_url(self):
        url = self.cleaned_data["online_url"].strip()
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError("网上办理地址必须以 https:// 开头。")
        return url

    def clean(self):
        data = super().clean()
        legal, promised = data.get("legal_days"), data.get("promised_days")
        if legal is not None and promised is not None and promised > legal:
            self.add_error("promised_days", f"承诺办结时限（{promised} 个工作日）不能超过法定办结时限（{legal} 个工作日）。")
        return data

    def act_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["domain"] = data["domain"].code
        return data


class MaterialForm(StyledForm):
    name = forms.CharField(label="材料名称", required=False, max_length=200,
                           error_messages={"max_length": "材料名称不能超过 200 个字。"})
    original = forms.TypedChoiceField(
        label="原件/复印件", choices=[("no", "复印件"), ("yes", "原件")], coerce=lambda v: v == "yes", required=False,
        empty_value=False,
    )
    copies = forms.IntegerField(label="份数", required=False, min_value=1, max_value=99, initial=1,
                                error_messages={"invalid": "份数必须是整数。", "min_value": "份数至少 1 份。",
                                                "max_value": "份数不能超过 99 份。"})
    note = forms.CharField(label="备注", required=False, max_length=500,
                           error_messages={"max_length": "备注不能超过 500 个字。"})

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and (data.get("note") or "").strip() and not self.errors:
            self.add_error("name", "请填写材料名称（不需要这一行时请清空整行）。")
        return data


class BaseMaterialFormSet(forms.BaseFormSet):
    def materials(self) -> list[dict]:
        """The filled rows, in order; an empty row is no material, a row marked for deletion is dropped."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            name = (data.get("name") or "").strip()
            if not name:
                continue
            out.append({"name": name, "original": bool(data.get("original")), "copies": data.get("copies") or 1,
                        "note": (data.get("note") or "").strip()})
        return out


def material_formset(data=None, *, materials=None, extra: int = EXTRA_MATERIAL_ROWS):
    formset_class = forms.formset_factory(
        MaterialForm, formset=BaseMaterialFormSet, extra=extra, can_delete=True, max_num=100, validate_max=True,
        absolute_max=200,
    )
    initial = [
        {"name": m.get("name", ""), "original": "yes" if m.get("original") else "no", "copies": m.get("copies", 1),
         "note": m.get("note", "")}
        for m in (materials or [])
    ]
    return formset_class(data, initial=initial or None, prefix="materials")


class AttachmentForm(StyledForm):
    kind = required_choice("附件类型", ServiceAttachment.Kind.choices)
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的文件。"},
                           help_text="PDF、图片、Word、Excel、TXT 或 ZIP，不超过 20 MB。")


class PublicFilterForm(FilterForm):
    """`/services/`: keyword, department, domain, kind. Bad values are dropped with a note, never an error page."""

    overdue = None

    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "事项名称、申请条件或材料，如 营业执照", "type": "search"}))
    department = forms.ModelChoiceField(
        label="实施部门", required=False, to_field_name="code", empty_label="全部部门",
        # One index probe per department (state, department, code), not a DISTINCT over every published item.
        queryset=Department.objects.filter(active=True).filter(
            Exists(ServiceItem.objects.filter(department=OuterRef("pk"), state=ServiceItem.State.PUBLISHED))
        ).order_by("region__sort_order", "sort_order", "code"),
    )
    domain = forms.ModelChoiceField(label="业务领域", required=False, to_field_name="code", empty_label="全部领域",
                                    queryset=Domain.objects.order_by("sort_order", "code"))
    kind = forms.ChoiceField(label="事项类型", required=False, choices=[("", "全部类型"), *Kind.choices])

