"""Forms of the policy screens. They check the shape of what a person typed; the acts (policies.services,
policies.profile) check the rules and report per field."""

from __future__ import annotations

from django import forms

from accounts.industries import SECTIONS
from accounts.models import Department, Domain, Region, Scale
from core.dates import EARLIEST_HISTORIC_DATE
from core.files import ACCEPT
from core.forms import (
    FilterForm,
    StyledForm,
    date_field,
    note_field,
    optional_choice,
    required_choice,
    textarea,
)
from policies.models import Mode


def _checkboxes(label: str, choices, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text,
        error_messages={"invalid_choice": f"{label}中有无效的选项“%(value)s”。"},
    )


def _years(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=200, help_text="按整年计算；不限请留空。",
        error_messages={"invalid": f"{label}应为整数。", "min_value": f"{label}不能小于 0。",
                        "max_value": f"{label}不能大于 200。"},
    )


class PolicyForm(StyledForm):
    title = forms.CharField(label="政策名称", max_length=200,
                            error_messages={"required": "请填写政策名称。", "max_length": "政策名称不能超过 200 个字。"})
    doc_number = forms.CharField(label="文号", max_length=64, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "如 安市工信发〔2026〕12号"}))
    issued_on = date_field("发文日期", earliest=EARLIEST_HISTORIC_DATE)
    effective_from = date_field("生效日期", earliest=EARLIEST_HISTORIC_DATE)
    effective_to = date_field("失效日期", required=False, earliest=EARLIEST_HISTORIC_DATE)
    summary = note_field("政策要点", rows=5, limit=5000,
                         placeholder="用企业看得懂的话写：谁能享受、享受什么、怎么享受")
    full_text = forms.CharField(label="政策原文", required=False, widget=textarea(8), max_length=100_000)
    domains = _checkboxes("业务领域", [])
    mode = required_choice("兑现方式", Mode.choices, radio=True)
    apply_url = forms.CharField(label="申请网址", required=False, max_length=300,
                                help_text="须以 https:// 开头，如省政策兑现大厅的申报页面。",
                                widget=forms.URLInput(attrs={"placeholder": "https://"}))
    contact = forms.CharField(label="咨询电话/联系人", required=False, max_length=100)
    industries = _checkboxes("适用行业门类", [(c, f"{c} {n}") for c, n in SECTIONS], "不选表示不限行业。")
    scales = _checkboxes("适用企业规模", Scale.choices, "不选表示不限规模。")
    regions = _checkboxes("适用区域", [], "不选表示发布区域及其下辖全部区域。")
    min_years = _years("成立年限下限（年）")
    max_years = _years("成立年限上限（年）")
    tags = _checkboxes("须具备的企业标签", [], "所选标签企业须全部具备；不选表示不限。")

    def __init__(self, *args, region: Region, departments=None, **kwargs):
        from enterprises.models import Tag
        from policies.services import region_choices

        super().__init__(*args, **kwargs)
        if departments is not None:
            # The office issues in the name of any department of its region.
            self.fields = {"department": required_choice("发布部门", [(d.code, d.name) for d in departments]),
                           **self.fields}
        self.fields["domains"].choices = list(Domain.objects.values_list("code", "name"))
        self.fields["regions"].choices = [(r.code, r.name) for r in region_choices(region)]
        self.fields["tags"].choices = list(Tag.objects.filter(active=True).values_list("code", "name"))

    @classmethod
    def initial_of(cls, policy) -> dict:
        initial = {name: getattr(policy, name) for name in (
            "title", "doc_number", "issued_on", "effective_from", "effective_to", "summary", "full_text", "mode",
            "apply_url", "contact", "industries", "scales", "regions", "min_years", "max_years", "tags")}
        initial["domains"] = list(policy.domains.values_list("code", flat=True))
        return initial


class WithdrawForm(StyledForm):
    reason = note_field("撤回原因", placeholder="如：政策已被新文件替代", limit=500)


class AttachmentForm(StyledForm):
    file = forms.FileField(label="上传附件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text="政策原文、解读或申报表格；PDF、图片、Word、Excel、TXT、ZIP，不超过 20 MB。",
                           error_messages={"required": "请选择要上传的文件。"})


class PublicFilterForm(FilterForm):
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "政策名称、文号或要点", "type": "search"}))
    domain = optional_choice("业务领域", [])
    mode = optional_choice("兑现方式", Mode.choices)
    department = optional_choice("发布部门", [])
    active = optional_choice("是否有效", [("true", "有效"), ("false", "已失效")])

    def full_clean(self):
        # Choices are filled before validating (FilterForm validates in its constructor).
        if not getattr(self, "_choices_ready", False):
            self._choices_ready = True
            self.fields["domain"].choices = [("", "全部"), *Domain.objects.values_list("code", "name")]
            self.fields["department"].choices = [
                ("", "全部"), *Department.objects.filter(active=True, policies__state="published")
                .distinct().order_by("region__sort_order", "sort_order", "code").values_list("code", "name")]
            self.fields.pop("overdue", None)
        super().full_clean()


class ProfileForm(StyledForm):
    industry = optional_choice("行业门类（GB/T 4754-2017）", [(c, f"{c} {n}") for c, n in SECTIONS], empty="未填写")
    scale = optional_choice("企业规模", Scale.choices, empty="未填写")
    established_on = date_field("成立日期", required=False, earliest=EARLIEST_HISTORIC_DATE)

