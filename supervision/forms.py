"""Forms of the supervision screens (督办): they check shape and hand values to supervision.services. The ticket page's
supervise and urge forms are the tickets app's (tickets/forms/supervision.py)."""

from __future__ import annotations

from django import forms

from accounts.forms import DepartmentChoiceField
from accounts.models import Department
from core.forms import (
    FilterForm,
    ModelChoiceField,
    StyledForm,
    note_field,
    required_choice,
)
from supervision.models import Supervision


class UnregisteredSupervisionForm(StyledForm):
    """督办 a department that did not register an enterprise's matter (no ticket exists)."""

    department = DepartmentChoiceField(Department.objects.none(), label="督办对象",
                                       error_messages={"required": "请选择督办对象部门。"})
    form = required_choice("督办方式", Supervision.Form.choices, radio=True)
    content = note_field("督办事项及要求", rows=5,
                         placeholder="企业名称、反映的事项、何时向该部门反映、未登记的情况，以及整改和回复要求")

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.of_region(region)
        if not self.is_bound:
            self.initial.setdefault("form", Supervision.Form.WRITTEN)


class AnswerForm(StyledForm):
    content = note_field("回复内容", rows=4, placeholder="落实情况、整改措施和办理时限")


class BoardFilterForm(FilterForm):
    """The office's supervision board: a tab and filters; bad values are ignored with a message."""

    TABS = [("open", "待回复"), ("overdue", "逾期未回复"), ("answered", "已回复"), ("all", "全部")]

    tab = forms.ChoiceField(label="范围", required=False, choices=TABS, widget=forms.HiddenInput)
    department = ModelChoiceField(Department.objects.none(), label="督办对象", required=False,
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
