"""Forms of the training screens. They check the shape of what a person typed; the acts (trainings.services) check
the rules and report per field."""

from __future__ import annotations

from django import forms

from core.dates import DateBoundsValidator
from core.files import ACCEPT
from core.forms import (
    FilterForm,
    StyledForm,
    note_field,
    optional_choice,
    required_choice,
)
from trainings.models import Topic

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _moment(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        validators=[DateBoundsValidator(label)],
        error_messages={"required": f"请填写{label}。", "invalid": f"请按“年-月-日 时:分”填写{label}。"},
    )


class SessionForm(StyledForm):
    topic = required_choice("主题", Topic.choices)
    title = forms.CharField(label="标题", max_length=200,
                            error_messages={"required": "请填写标题。", "max_length": "标题不能超过 200 个字。"})
    description = forms.CharField(label="内容介绍", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"max_length": "内容介绍不能超过 5000 个字。"})
    starts_at = _moment("开始时间")
    ends_at = _moment("结束时间")
    signup_closes_at = _moment("报名截止时间")
    venue = forms.CharField(label="地点", required=False, max_length=200,
                            help_text="线下举办时填写；与线上参加网址至少填一项。")
    online_url = forms.CharField(label="线上参加网址", required=False, max_length=300,
                                 widget=forms.URLInput(attrs={"placeholder": "https://"}),
                                 help_text="线上举办时填写，须以 https:// 开头。")
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=100_000,
                                  error_messages={"required": "请填写名额。", "invalid": "名额应为正整数。",
                                                  "min_value": "名额必须大于 0。", "max_value": "名额不能超过 100000。"})
    policies = forms.MultipleChoiceField(label="相关政策", required=False, widget=forms.CheckboxSelectMultiple,
                                         error_messages={"invalid_choice": "相关政策中有无效的选项。"},
                                         help_text="宣讲所涉及的已发布惠企政策（可不选）。")

    def __init__(self, *args, departments=None, **kwargs):
        from policies.selectors import published_policies

        super().__init__(*args, **kwargs)
        if departments is not None:
            # The office organises in the name of any department of its region.
            self.fields = {"department": required_choice("主办部门", [(d.code, d.name) for d in departments]),
                           **self.fields}
        self.fields["policies"].choices = [
            (str(pk), title) for pk, title in published_policies().order_by("-published_at", "-id")
            .values_list("pk", "title")[:200]
        ]

    @classmethod
    def initial_of(cls, session) -> dict:
        from django.utils import timezone

        initial = {name: getattr(session, name) for name in ("topic", "title", "description", "venue", "online_url",
                                                               "capacity")}
        for name in ("starts_at", "ends_at", "signup_closes_at"):
            initial[name] = timezone.localtime(getattr(session, name))
        initial["policies"] = [str(pk) for pk in session.policies.values_list("pk", flat=True)]
        return initial

    def act_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("department", None)
        data["policies"] = [int(pk) for pk in data.get("policies") or []]
        return data


class CancelForm(StyledForm):
    reason = note_field("取消原因", placeholder="如：主讲嘉宾临时有公务，另行安排", limit=500)


class AttachmentForm(StyledForm):
    file = forms.FileField(label="上传资料", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text="讲义、课件等；PDF、图片、Word、Excel、TXT、ZIP，不超过 20 MB。",
                           error_messages={"required": "请选择要上传的文件。"})


class FeedbackForm(StyledForm):
    score = forms.TypedChoiceField(
        label="评分", coerce=int, widget=forms.RadioSelect,
        choices=[(5, "5 分（很满意）"), (4, "4 分"), (3, "3 分"), (2, "2 分"), (1, "1 分（很不满意）")],
        error_messages={"required": "请选择评分。", "invalid_choice": "评分应为 1～5。"},
    )
    comment = note_field("意见建议", required=False, limit=1000, placeholder="对这场培训的意见和建议（可不填）")


class PublicFilterForm(FilterForm):
    topic = optional_choice("主题", Topic.choices)

    def full_clean(self):
        self.fields.pop("overdue", None)
        self.fields.pop("q", None)
        super().full_clean()
