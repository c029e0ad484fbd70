"""An enterprise's question about a policy (OUTREACH §2, "就此政策咨询")."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import OneTimeTokenMixin, StyledForm
from tickets import workflow
from tickets.forms.intake import content_field, title_field


class PolicyQuestionForm(OneTimeTokenMixin, StyledForm):
    title = title_field()
    content = content_field()
    requester_name = forms.CharField(label="联系人", max_length=64,
                                     error_messages={"required": "请填写联系人姓名。",
                                                     "max_length": "联系人姓名不能超过 64 个字。"})
    requester_phone = forms.CharField(
        label="联系电话", max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": "请填写联系电话。", "max_length": "联系电话不能超过 20 位。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].label = "想咨询的问题"
        self.fields["content"].widget.attrs["placeholder"] = "如：我公司是否符合申报条件、需要准备哪些材料"

    def clean_requester_phone(self):
        phone = self.cleaned_data["requester_phone"].strip()
        if not workflow.PHONE_RE.match(phone):
            raise ValidationError("联系电话格式不正确（7～20 位数字，可含 - 和括号）。")
        return phone
