"""Forms of the ticket page's supervise and urge actions: they check shape and hand values to supervision.services."""

from __future__ import annotations

from accounts.forms import DepartmentChoiceField
from accounts.models import Department
from core.forms import note_field, required_choice
from supervision.services import SupervisionForm, SupervisionTrigger
from tickets.forms.office import TicketActionForm


class SuperviseForm(TicketActionForm):
    """督办 a ticket (the office): form, trigger, addressee (default the lead department) and the requirement."""

    form = required_choice("督办方式", SupervisionForm.choices, radio=True)
    trigger = required_choice("督办情形", SupervisionTrigger.choices)
    department = DepartmentChoiceField(Department.objects.none(), label="督办对象", required=False,
                                       empty_label="牵头部门（默认）")
    content = note_field("督办事项及要求", placeholder="督办的事项、整改要求和回复要求")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.of_region(self.ticket.region)
        if not self.is_bound:
            self.initial.setdefault("form", SupervisionForm.SYSTEM)

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
        return {**super().workflow_kwargs(), "form": SupervisionForm.SPECIAL}


class UrgeForm(TicketActionForm):
    note = note_field("催办内容", placeholder="催办的事项与要求，将通知牵头部门")
