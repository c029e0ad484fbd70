"""Forms of the meeting screens. They check the shape of what a person typed (and turn a ticket or demand number into
the row the person may read); meetings.services checks the rules and reports per field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Department
from core.dates import DateBoundsValidator
from core.forms import (
    StyledForm,
    date_field,
    note_field,
    optional_choice,
    required_choice,
)
from meetings import rules, sectors
from meetings.models import Kind, Outcome
from tickets.selectors import demands_visible_to, tickets_visible_to

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _departments(region) -> list[tuple[str, str]]:
    return list(Department.objects.active().filter(region=region).order_by("sort_order", "code")
                .values_list("code", "name"))


class MeetingForm(StyledForm):
    kind = required_choice("会议类型", Kind.choices, radio=True)
    title = forms.CharField(label="会议名称", max_length=200,
                            error_messages={"required": "请填写会议名称。", "max_length": "会议名称不能超过 200 个字。"})
    starts_at = forms.DateTimeField(
        label="召开时间", input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        validators=[DateBoundsValidator("召开时间")],
        error_messages={"required": "请填写召开时间。", "invalid": "请按“年-月-日 时:分”填写召开时间。"},
    )
    place = forms.CharField(label="会议地点", max_length=200,
                            error_messages={"required": "请填写会议地点。", "max_length": "会议地点不能超过 200 个字。"})
    chair = forms.CharField(label="主持人", max_length=64, required=False,
                            error_messages={"max_length": "主持人不能超过 64 个字。"})
    ticket = forms.CharField(label="协调的工单编号", max_length=32, required=False,
                             help_text="协调会必填：就哪张工单召开协调会。")
    departments = forms.MultipleChoiceField(
        label="参会部门", required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "参会部门中有无效的选项“%(value)s”。"},
        help_text="被邀请的部门会收到会议通知。",
    )
    enterprises = forms.CharField(
        label="受邀企业（统一社会信用代码）", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="仅企业家见面会：每行一个统一社会信用代码。",
    )

    def __init__(self, *args, user, region, meeting=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = _departments(region)
        if meeting is not None:
            # The kind and the ticket of a meeting never change.
            del self.fields["kind"]
            del self.fields["ticket"]
        else:
            kinds = rules.kinds_for(user)
            self.fields["kind"].choices = [(code, label) for code, label in Kind.choices if code in kinds]

    @classmethod
    def initial_of(cls, meeting) -> dict:
        from django.utils import timezone

        return {
            "title": meeting.title, "starts_at": timezone.localtime(meeting.starts_at), "place": meeting.place,
            "chair": meeting.chair, "departments": [d.code for d in meeting.departments.all()],
            "enterprises": "\n".join(e.uscc for e in meeting.enterprises.all()),
        }

    def clean_ticket(self):
        number = (self.cleaned_data.get("ticket") or "").strip()
        if not number:
            return None
        ticket = tickets_visible_to(self.user).filter(number=number).first()
        if ticket is None:
            raise ValidationError(f"工单“{number}”不存在或无权查看。")
        return ticket

    def clean_enterprises(self):
        text = self.cleaned_data.get("enterprises") or ""
        return [line.strip() for line in text.replace(",", "\n").replace("，", "\n").splitlines() if line.strip()]

    def act_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in ("title", "starts_at", "place", "chair", "departments", "enterprises")}
        if "kind" in self.fields:
            arguments["kind"] = data["kind"]
            arguments["ticket"] = data.get("ticket")
        return arguments


class ItemForm(StyledForm):
    """One agenda item: a demand number, a ticket number or a free-text matter (exactly one)."""

    demand = forms.CharField(label="诉求编号", max_length=32, required=False)
    ticket = forms.CharField(label="工单编号", max_length=32, required=False)
    title = forms.CharField(label="文字议题", max_length=200, required=False,
                            error_messages={"max_length": "议题不能超过 200 个字。"})

    def __init__(self, *args, user, region_id, **kwargs):
        self.user, self.region_id = user, region_id
        super().__init__(*args, **kwargs)

    def clean_demand(self):
        number = (self.cleaned_data.get("demand") or "").strip()
        if not number:
            return None
        demand = demands_visible_to(self.user).filter(number=number, region_id=self.region_id).first()
        if demand is None:
            raise ValidationError(f"诉求“{number}”不存在、无权查看或不属于本区域。")
        return demand

    def clean_ticket(self):
        number = (self.cleaned_data.get("ticket") or "").strip()
        if not number:
            return None
        ticket = tickets_visible_to(self.user).filter(number=number, region_id=self.region_id).first()
        if ticket is None:
            raise ValidationError(f"工单“{number}”不存在、无权查看或不属于本区域。")
        return ticket

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        given = [name for name in ("demand", "ticket", "title") if data.get(name)]
        if len(given) != 1:
            raise ValidationError("请填写一项诉求编号、一张工单编号或一段文字议题，且只能填其中之一。")
        return data


class HoldForm(StyledForm):
    minutes = note_field("会议纪要", rows=10, limit=10000,
                         placeholder="会议议定的事项、责任单位和要求；各议题的决定在召开后逐项登记。")


class CancelForm(StyledForm):
    reason = note_field("取消原因", rows=3, limit=500)


class DecideForm(StyledForm):
    outcome = required_choice("处理结果", Outcome.choices, radio=True)
    decision = note_field("会议决定", rows=4, limit=10000)
    department = forms.ChoiceField(label="责任单位", required=False,
                                   error_messages={"invalid_choice": "请选择本区域的在用部门。"},
                                   help_text="“明确责任单位限期办理”时必填。")
    due_date = date_field("办理期限", required=False)
    due_working_days = forms.IntegerField(
        label="或：自今日起的工作日数", required=False, min_value=1, max_value=250,
        help_text="填写后按工作日历（扣除法定节假日、含调休上班日）计算办理期限，代替上面的日期。",
        error_messages={"invalid": "请填写整数（工作日）。", "min_value": "至少 1 个工作日。",
                        "max_value": "不能超过 250 个工作日。"},
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "请选择责任单位"), *_departments(region)]


class FollowUpForm(StyledForm):
    note = note_field("落实情况", rows=4, limit=10000)


class DrawForm(StyledForm):
    """The period and sector whose collected demands an entrepreneur meeting draws on (§3.6.3)."""

    start = date_field("收集起始日期")
    end = date_field("收集截止日期")
    sector = optional_choice("行业", [*sectors.SECTORS, (sectors.UNKNOWN, sectors.SECTOR_LABELS[sectors.UNKNOWN])],
                             empty="全部行业")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "截止日期不能早于起始日期。")
        return data
