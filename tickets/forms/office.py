"""Forms of the office, department and government screens: triage decisions, ticket actions, queue filters.

Forms only check the shape of the input and turn it into the values the workflow takes (`workflow_kwargs()`);
the workflow checks the rules and reports rule errors per field, which the views put next to the same fields.
"""

from __future__ import annotations

from django import forms

from accounts.forms import DepartmentChoiceField, DepartmentsChoiceField
from accounts.models import Department
from core.dates import DateBoundsValidator
from core.forms import (
    NOTE_LIMIT,
    FilterForm,
    ModelChoiceField,
    StyledForm,
    optional_choice,
    textarea,
)
from tickets.models import Demand, Ticket
from tickets.models.demand import Channel, ConsentMethod, RejectReason
from tickets.models.ticket import Category


# --- triage (§4.2) ---------------------------------------------------------------------------------------------------
class TriageDecision(StyledForm):
    decision: str = ""

    def __init__(self, *args, demand: Demand, **kwargs):
        kwargs.setdefault("prefix", self.decision)
        super().__init__(*args, **kwargs)
        self.demand = demand

    def workflow_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class TicketDecisionForm(TriageDecision):
    decision = "ticket"
    category = forms.ChoiceField(
        label="诉求类别", choices=[("", "请选择类别"), *Category.choices],
        error_messages={"required": "请选择类别：咨询类、协调类或投诉举报类。"},
    )
    complex = forms.BooleanField(label="复杂事项（协调类、投诉举报类办理时限为 15 个工作日）", required=False)
    lead_department = DepartmentChoiceField(Department.objects.none(), label="牵头部门",
                                            error_messages={"required": "请选择牵头部门。"})
    co_departments = DepartmentsChoiceField(Department.objects.none(), label="协办部门", required=False,
                                            help_text="可输入名称搜索、选择多个；不需要协办时不选。")
    note = forms.CharField(label="研判说明", required=False, max_length=NOTE_LIMIT, widget=textarea(2))

    def __init__(self, *args, suggested: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.of_region(self.demand.region)
        self.fields["lead_department"].queryset = departments
        self.fields["co_departments"].queryset = departments
        if suggested is not None and not self.is_bound:
            self.initial.setdefault("lead_department", suggested.code)

    def workflow_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["co_departments"] = list(data.get("co_departments") or [])
        return data


class MergeDecisionForm(TriageDecision):
    decision = "merge"
    into = ModelChoiceField(
        Ticket.objects.none(), label="合并到工单", empty_label="请选择工单",
        error_messages={"required": "请选择要合并到的工单。", "invalid_choice": "请选择列表中的工单。"},
    )
    consent_by = forms.CharField(label="同意合并的诉求人", max_length=64,
                                 error_messages={"required": "请填写同意合并的诉求人。"})
    consent_method = forms.ChoiceField(
        label="同意方式", choices=[("", "请选择"), *ConsentMethod.choices],
        error_messages={"required": "请选择同意方式：电话、线上确认、当面或书面。"},
    )
    consent_at = forms.DateTimeField(
        label="同意时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": "请填写诉求人同意的时间。", "invalid": "请按“年-月-日 时:分”填写同意时间。"},
        validators=[DateBoundsValidator("同意时间")],
    )

    into_number = forms.CharField(
        label="或输入工单编号", required=False, max_length=32,
        help_text="列表只列出该企业和相似诉求尚在办理的工单；其他工单请输入编号。",
    )
    field_order = ["into", "into_number"]

    def __init__(self, *args, targets=None, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        # Any open ticket of the region validates; the select lists only `candidates` (a region holds hundreds of
        # thousands of open tickets at scale: never render them all), the number field reaches the others.
        field.queryset = targets if targets is not None else merge_targets(self.demand)
        field.required = False
        field.label_from_instance = label = (
            lambda t: f"{t.number} {t.title}（{t.lead_department.name}，{t.get_state_display()}）"
        )
        listed = list(candidates or [])
        chosen = self.data.get(self.add_prefix("into")) if self.is_bound else self.initial.get("into")
        if chosen and str(chosen).isdigit() and all(str(t.pk) != str(chosen) for t in listed):
            listed += list(field.queryset.filter(pk=int(chosen))[:1])
        field.widget.choices = [("", "请选择工单"), *((t.pk, label(t)) for t in listed)]

    def clean(self):
        data = super().clean()
        number = (data.get("into_number") or "").strip().upper()
        if number:
            ticket = self.fields["into"].queryset.filter(number=number).first()
            if ticket is None:
                self.add_error("into_number", f"没有找到本区域尚在办理的工单“{number}”，请核对编号。")
            else:
                data["into"] = ticket
        elif not data.get("into") and "into" not in self.errors:
            self.add_error("into", "请选择要合并到的工单。")
        return data

    def workflow_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"into": data["into"], "consent": {"by": data["consent_by"], "method": data["consent_method"], "at": data["consent_at"]}}


class ProposeMergeForm(MergeDecisionForm):
    """Ask the enterprise on the platform instead of recording a consent obtained elsewhere: the enterprise's answer
    is the consent (`workflow.demand_propose_merge`)."""

    decision = "propose_merge"
    message = forms.CharField(
        label="给企业的说明（可不填）", required=False, max_length=NOTE_LIMIT,
        widget=textarea(2, "例如：您反映的道路破损问题，交通局已在办理，合并后一并答复"),
        help_text="企业在“需要您处理”和诉求页面看到此说明与牵头部门，看不到其他企业的信息。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("consent_by", "consent_method", "consent_at"):
            del self.fields[name]

    def workflow_kwargs(self) -> dict:
        return {"into": self.cleaned_data["into"], "message": self.cleaned_data["message"]}


class SupplementDecisionForm(TriageDecision):
    decision = "supplement"
    missing = forms.CharField(label="需补充的材料", max_length=NOTE_LIMIT, widget=textarea(3, "写明缺少哪些材料、如何提交"),
                              error_messages={"required": "请填写需补充的材料。"})


class ConsultDecisionForm(TriageDecision):
    decision = "consult"
    departments = DepartmentsChoiceField(Department.objects.none(), label="会商部门",
                                         help_text="可输入名称搜索、选择多个。",
                                         error_messages={"required": "请至少选择一个会商部门。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.of_region(self.demand.region)

    def workflow_kwargs(self) -> dict:
        return {"departments": list(self.cleaned_data["departments"])}


class EscalateDecisionForm(TriageDecision):
    decision = "escalate"
    reason = forms.CharField(label="提级原因", max_length=NOTE_LIMIT, widget=textarea(3, "说明超出本级权限的理由"),
                             error_messages={"required": "请填写提级原因。"})
    external_ref = forms.CharField(label="省级平台编号", max_length=64, required=False,
                                   help_text="已在省级“企业之家”提交的，可填写其编号。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.demand.region.parent_id is not None:
            # A county escalates inside the system (a transfer demand of the city); no provincial number applies.
            del self.fields["external_ref"]


class RejectDecisionForm(TriageDecision):
    decision = "reject"
    reason = forms.ChoiceField(label="不予受理原因", choices=[("", "请选择原因"), *RejectReason.choices],
                               error_messages={"required": "请选择不予受理原因。"})
    note = forms.CharField(label="不予受理说明", max_length=NOTE_LIMIT, widget=textarea(3, "首问部门将据此向诉求人解释"),
                           error_messages={"required": "请填写不予受理说明。"})


TRIAGE_FORMS: dict[str, type[TriageDecision]] = {
    form.decision: form
    for form in (TicketDecisionForm, MergeDecisionForm, SupplementDecisionForm, ConsultDecisionForm,
                 EscalateDecisionForm, RejectDecisionForm)
}


def merge_targets(demand: Demand):
    """Open tickets of the demand's region a demand may be merged into."""
    return (
        Ticket.objects.filter(region_id=demand.region_id, state__in=Ticket.MERGEABLE_STATES)
        .select_related("lead_department")
        .order_by("-created_at", "-id")
    )


# --- ticket actions (§4.3) -------------------------------------------------------------------------------------------
class TicketActionForm(StyledForm):
    """The form of one action on the ticket page: built with the ticket, it hands the act its values."""

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def workflow_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class SignForm(TicketActionForm):
    """Signing needs nothing but the click."""


class ObjectForm(TicketActionForm):
    reason = forms.CharField(label="异议理由", max_length=NOTE_LIMIT,
                             widget=textarea(3, "说明该事项为何不属于本部门职责，建议由哪个部门办理"),
                             error_messages={"required": "请填写异议理由。"})


class ReassignForm(TicketActionForm):
    lead_department = DepartmentChoiceField(Department.objects.none(), label="新的牵头部门",
                                            error_messages={"required": "请选择新的牵头部门。"})
    co_departments = DepartmentsChoiceField(Department.objects.none(), label="协办部门", required=False,
                                            help_text="可多选；保留的选择即为重新派单后的协办部门。")
    note = forms.CharField(label="协调说明", required=False, max_length=NOTE_LIMIT, widget=textarea(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.of_region(self.ticket.region)
        self.fields["lead_department"].queryset = departments
        self.fields["co_departments"].queryset = departments
        if not self.is_bound:
            self.initial["co_departments"] = [link.department.code for link in self.ticket.co_links.all()]

    def workflow_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["co_departments"] = list(data.get("co_departments") or [])
        return data


class ReferForm(TicketActionForm):
    note = forms.CharField(label="协调情况说明", max_length=NOTE_LIMIT,
                           widget=textarea(3, "说明已开展的协调及无法确定牵头部门的原因"),
                           error_messages={"required": "请填写协调情况说明。"})


class DecideLeadForm(TicketActionForm):
    lead_department = DepartmentChoiceField(Department.objects.none(), label="确定牵头部门",
                                            error_messages={"required": "请选择牵头部门。"})
    note = forms.CharField(label="决定说明", required=False, max_length=NOTE_LIMIT, widget=textarea(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.of_region(self.ticket.region)


class OpinionForm(StyledForm):
    content = forms.CharField(label="会商意见", max_length=NOTE_LIMIT, widget=textarea(3, "本部门对该诉求的意见"),
                              error_messages={"required": "请填写会商意见。"})


# --- queue filters -------------------------------------------------------------------------------------------------


class TriageFilterForm(FilterForm):
    channel = optional_choice("渠道", Channel.choices)
    state = optional_choice("状态", [(Demand.State.REGISTERED, "待研判"), (Demand.State.CONSULTING, "会商中")])
    field_order = ["channel", "state", "overdue", "q"]


class InboxFilterForm(FilterForm):
    category = optional_choice("类别", Category.choices)
    field_order = ["category", "overdue", "q"]


class TicketListFilterForm(FilterForm):
    state = optional_choice("状态", Ticket.State.choices)
    category = optional_choice("类别", Category.choices)
    lead_department = DepartmentChoiceField(Department.objects.none(), label="牵头部门", required=False,
                                            empty_label="全部")
    field_order = ["state", "category", "lead_department", "overdue", "q"]

    def __init__(self, data=None, *, departments=None, **kwargs):
        self._departments = departments
        super().__init__(data, **kwargs)

    def full_clean(self):
        # The department choices must be in place before the data is validated (the base class validates in __init__).
        if self._departments is not None:
            self.fields["lead_department"].queryset = self._departments
        super().full_clean()

