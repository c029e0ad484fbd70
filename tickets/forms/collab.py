"""Forms of collaboration on the ticket page: the 承办人 and internal notes. They check shape; the workflow
(tickets.workflow.collab) checks the rules and the mentions."""

from __future__ import annotations

from core.forms import ModelChoiceField, StyledForm, note_field
from tickets.forms.office import TicketActionForm
from tickets.workflow.collab import NOTE_BODY_LIMIT, assignee_choices


class PersonChoiceField(ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name}（{obj.username}）" if name else obj.username


class AssignForm(TicketActionForm):
    assignee = PersonChoiceField(
        None, label="承办人", empty_label="请选择本部门工作人员", to_field_name="username",
        error_messages={"required": "请选择承办人。", "invalid_choice": "请选择本部门在岗的工作人员。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignee_choices(self.ticket).exclude(pk=self.ticket.assignee_id or 0)


class TakeForm(TicketActionForm):
    """我来办 needs only the click."""


class NoteForm(StyledForm):
    body = note_field("备注内容", limit=NOTE_BODY_LIMIT, rows=3,
                      placeholder="仅本平台工作人员可见，企业看不到；输入 @姓名 或 @用户名 提醒同事")

    def __init__(self, *args, mention_url: str = "", **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        if mention_url:
            self.fields["body"].widget.attrs["data-mention-url"] = mention_url
