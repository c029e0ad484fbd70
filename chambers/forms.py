"""Forms of the chamber screens: they check the shape of what a person typed; the acts (chambers.services) check
the rules (region, chamber, overlap) and report per field."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import Department
from chambers.models import Activity, Chamber, RotationEntry
from core.files import ACCEPT
from core.forms import StyledForm, date_field, note_field, required_choice


class ChamberForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100,
                           error_messages={"required": "请填写名称。", "max_length": "名称不能超过 100 个字。"})
    kind = required_choice("类别", Chamber.Kind.choices)
    contact = forms.CharField(label="联系人及电话", max_length=100, required=False,
                              error_messages={"max_length": "联系人及电话不能超过 100 个字。"})


class MembershipForm(StyledForm):
    user = forms.ModelChoiceField(label="商会工作人员", queryset=None, empty_label="请选择账号",
                                  error_messages={"required": "请选择商会工作人员账号。",
                                                  "invalid_choice": "请选择本区域的商会工作人员账号。"})
    chamber = forms.ModelChoiceField(label="所属商会", queryset=None, empty_label="请选择商会或协会",
                                     error_messages={"required": "请选择所属商会。",
                                                     "invalid_choice": "请选择本区域的商会或协会。"})

    def __init__(self, *args, users, chambers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username}（{u.username}）"
        self.fields["chamber"].queryset = chambers


class EntryForm(StyledForm):
    chamber = forms.ModelChoiceField(label="轮值商会", queryset=None, empty_label="请选择商会或协会",
                                     error_messages={"required": "请选择轮值商会。",
                                                     "invalid_choice": "请选择本区域的商会或协会。"})
    starts_on = date_field("开始日期")
    ends_on = date_field("结束日期")
    theme = forms.CharField(label="轮值主题", max_length=200,
                            error_messages={"required": "请填写轮值主题。", "max_length": "轮值主题不能超过 200 个字。"})

    def __init__(self, *args, chambers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chamber"].queryset = chambers

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class ActivityForm(StyledForm):
    chamber = forms.ModelChoiceField(label="商会/协会", queryset=None, empty_label="请选择商会或协会",
                                     error_messages={"required": "请选择商会或协会。",
                                                     "invalid_choice": "请选择本区域的商会或协会。"})
    rotation = forms.ModelChoiceField(label="轮值安排", queryset=None, required=False, empty_label="（不属于轮值计划）",
                                      error_messages={"invalid_choice": "请选择本区域的轮值安排。"},
                                      help_text="轮值期间的活动请选择该商会的轮值安排。")
    kind = required_choice("活动类型", Activity.Kind.choices, radio=True)
    held_on = date_field("活动日期")
    place = forms.CharField(label="活动地点", max_length=200,
                            error_messages={"required": "请填写活动地点。", "max_length": "活动地点不能超过 200 个字。"})
    departments = forms.ModelMultipleChoiceField(
        label="参加部门", queryset=None, required=False, to_field_name="code", widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请选择本区域的在用部门。", "invalid_pk_value": "请选择本区域的在用部门。"},
    )
    enterprises_count = forms.IntegerField(label="参加企业数", min_value=0, max_value=100000, required=False,
                                           error_messages={"invalid": "参加企业数应为整数。",
                                                           "min_value": "参加企业数不能小于 0。",
                                                           "max_value": "参加企业数不能超过 100000。"})
    summary = note_field("活动情况", rows=5, limit=5000, placeholder="活动内容、企业反映的主要问题、现场答复情况")

    def __init__(self, *args, chambers, entries, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chamber"].queryset = chambers
        self.fields["rotation"].queryset = entries
        self.fields["rotation"].label_from_instance = (
            lambda e: f"{e.plan.year} 年 · {e.chamber.name} · {e.starts_on:%m-%d}～{e.ends_on:%m-%d} · {e.theme}")
        self.fields["departments"].queryset = Department.objects.of_region(region)
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def act_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["chamber"] = data["chamber"].pk
        entry: RotationEntry | None = data.get("rotation")
        data["rotation"] = entry.pk if entry else None
        data["departments"] = [d.code for d in data.get("departments") or []]
        return data


class FileForm(StyledForm):
    file = forms.FileField(label="上传照片或附件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text="活动照片（JPG/PNG）、签到表、会议材料；PDF、图片、Word、Excel、TXT、ZIP，不超过 20 MB。",
                           error_messages={"required": "请选择要上传的文件。"})
