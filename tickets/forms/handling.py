"""Forms of the ticket actions after signing (SPEC §5 second half): they check shape and hand values to the workflow."""

from __future__ import annotations

from django import forms

from accounts.forms import DepartmentChoiceField
from accounts.models import Department
from core.forms import MultipleFileField, date_field, note_field, yes_no_field
from tickets.forms.office import TicketActionForm
from tickets.models import Review
from tickets.models.handling import ClosureStandard, Satisfaction, TerminationReason


class AddCoDepartmentForm(TicketActionForm):
    department = DepartmentChoiceField(Department.objects.none(), label="协办部门", error_messages={"required": "请选择协办部门。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = [self.ticket.lead_department_id, *[link.department_id for link in self.ticket.co_links.all()]]
        self.fields["department"].queryset = Department.objects.of_region(self.ticket.region).exclude(pk__in=taken)


class CoConfirmForm(TicketActionForm):
    """Confirming needs only the click."""


class CoFeedbackForm(TicketActionForm):
    content = note_field("协办反馈", placeholder="本部门的处置情况，将反馈给牵头部门")


class RequestExtensionForm(TicketActionForm):
    due_date = date_field("承诺办结日期")
    reason = note_field("延期理由", placeholder="说明需求复杂、核查难度大等无法按期办结的原因")


class DecideForm(TicketActionForm):
    approve = yes_no_field("是否同意")
    note = note_field("审批意见", required=False, rows=2)


class RequestTerminationForm(TicketActionForm):
    reason = forms.ChoiceField(label="终止原因", choices=[("", "请选择终止原因"), *TerminationReason.choices],
                               error_messages={"required": "请选择终止原因。"})
    note = note_field("终止说明", placeholder="例如：已于何时通过何种方式多次联系诉求人")


class EscalateTicketForm(TicketActionForm):
    reason = note_field("提级原因", placeholder="说明超出本级权限或需上级协调的理由")
    external_ref = forms.CharField(label="省级平台编号（如已提交）", required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ticket.region.parent_id is not None:
            # A county escalates inside the system (a transfer demand of the city); no provincial number applies.
            del self.fields["external_ref"]


class CloseForm(TicketActionForm):
    standard = forms.ChoiceField(label="办结标准", choices=[("", "请选择办结标准"), *ClosureStandard.choices],
                                 error_messages={"required": "请选择办结标准。"})
    result = note_field("办理结果（将告知企业）", rows=4)
    explanation = note_field("书面说明或解决路径", required=False,
                             placeholder="部分解决、难以解决或应通过法定途径解决时必填")
    files = MultipleFileField(label="佐证材料")


class CallbackForm(TicketActionForm):
    reached = yes_no_field("是否联系上诉求人")
    satisfaction = forms.ChoiceField(label="满意度", required=False, choices=[("", "未联系上时不填"), *Satisfaction.choices])
    consistent = yes_no_field("回访情况与办结信息是否一致", required=False)
    meets_standard = yes_no_field("是否符合办结标准", required=False)
    note = note_field("回访记录", required=False, placeholder="未联系上时记录时间、号码和结果")


class RequestReviewForm(TicketActionForm):
    reason = note_field("复查复核建议", placeholder="说明不认可退回或难以解决的理由")


class ReviewForm(TicketActionForm):
    outcome = forms.ChoiceField(label="复查复核结论", choices=[("", "请选择结论"), *Review.Outcome.choices],
                                error_messages={"required": "请选择复查复核结论。"})
    opinion = note_field("处置意见")
    due_date = date_field("整改期限（责令整改时必填）", required=False)


class RateForm(TicketActionForm):
    satisfaction = forms.ChoiceField(label="您对办理结果是否满意", choices=Satisfaction.choices, widget=forms.RadioSelect,
                                     error_messages={"required": "请选择满意度。"})
    comment = note_field("评价（可不填）", required=False, rows=2)
