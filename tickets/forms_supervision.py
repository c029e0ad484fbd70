"""Forms of supervision (督办) and urging (催办): they check shape and hand values to tickets/supervision.py."""

from __future__ import annotations

from django import forms

from accounts.models import Department
from tickets.forms_handling import note_field
from tickets.forms_office import DepartmentChoiceField, FilterForm, StyledForm, TicketActionForm, region_departments
from tickets.models import Supervision


def _choice(label: str, choices, *, radio: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": f"请选择{label}。", "invalid_choice": f"请选择有效的{label}。"},
    )


class SuperviseForm(TicketActionForm):
    """督办 a ticket (the office): form, trigger, addressee (default the lead department) and the requirement."""

    form = _choice("督办方式", Supervision.Form.choices, radio=True)
    trigger = _choice("督办情形", Supervision.Trigger.choices)
    department = DepartmentChoiceField(Department.objects.none(), label="督办对象", required=False,
                                       empty_label="牵头部门（默认）")
    content = note_field("督办事项及要求", placeholder="督办的事项、整改要求和回复要求")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = region_departments(self.ticket.region)
        if not self.is_bound:
            self.initial.setdefault("form", Supervision.Form.SYSTEM)

    def workflow_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["department"] = data.get("department") or None
        return data


class SpecialSuperviseForm(SuperviseForm):
    """The government's 一事一议: always the special form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["form"]

    def workflow_kwargs(self) -> dict:
        return {**super().workflow_kwargs(), "form": Supervision.Form.SPECIAL}


class UrgeForm(TicketActionForm):
    note = note_field("催办内容", placeholder="催办的事项与要求，将通知牵头部门")


class UnregisteredSupervisionForm(StyledForm):
    """督办 a department that did not register an enterprise's matter (no ticket exists)."""

    department = DepartmentChoiceField(Department.objects.none(), label="督办对象",
                                       error_messages={"required": "请选择督办对象部门。"})
    form = _choice("督办方式", Supervision.Form.choices, radio=True)
    content = note_field("督办事项及要求", rows=5,
                         placeholder="企业名称、反映的事项、何时向该部门反映、未登记的情况，以及整改和回复要求")

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = region_departments(region)
        if not self.is_bound:
            self.initial.setdefault("form", Supervision.Form.WRITTEN)


class AnswerForm(StyledForm):
    content = note_field("回复内容", rows=4, placeholder="落实情况、整改措施和办理时限")


class BoardFilterForm(FilterForm):
    """The office's supervision board: a tab and filters; bad values are ignored with a message."""

    TABS = [("open", "待回复"), ("overdue", "逾期未回复"), ("answered", "已回复"), ("all", "全部")]

    tab = forms.ChoiceField(label="范围", required=False, choices=TABS, widget=forms.HiddenInput)
    department = forms.ModelChoiceField(Department.objects.none(), label="督办对象", required=False,
                                        to_field_name="code", empty_label="全部")
    trigger = forms.ChoiceField(label="督办情形", required=False, choices=[("", "全部"), *Supervision.Trigger.choices])
    form = forms.ChoiceField(label="督办方式", required=False, choices=[("", "全部"), *Supervision.Form.choices])
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "督办编号、工单编号或内容", "type": "search"}))
    overdue = None  # the "逾期未回复" tab says it
    field_order = ["tab", "department", "trigger", "form", "q"]

    def __init__(self, data=None, *, departments=None, **kwargs):
        self._departments = departments
        super().__init__(data, **kwargs)

    def full_clean(self):
        if self._departments is not None:
            self.fields["department"].queryset = self._departments
        super().full_clean()

    @property
    def current_tab(self) -> str:
        return self.cleaned_data.get("tab") or "open"
