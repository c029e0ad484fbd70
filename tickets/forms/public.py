"""Forms of the public screens (no account): a visitor's demand at /demands/new/ and tracking it at /track/."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts import uscc as uscc_rules
from accounts.models import Region
from core.forms import MultipleFileField, OneTimeTokenMixin, StyledForm, required_choice
from enterprises.phonecodes import PhoneCodeError, normalize_mobile
from tickets.forms.intake import (
    content_field,
    domain_field,
    service_item_field,
    title_field,
)

PHONE, ANONYMOUS = "phone", "anonymous"
MODES = [
    (PHONE, "验证手机号后提交（可收到短信通知，办公室可回电了解情况）"),
    (ANONYMOUS, "匿名提交（不留姓名和手机号）"),
]


class PublicDemandForm(OneTimeTokenMixin, StyledForm):
    """What a visitor types. The act (workflow.demand_submit_public) checks the rules again and the SMS code."""

    mode = required_choice("提交方式", MODES, radio=True)
    requester_phone = forms.CharField(
        label="手机号", required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"}),
        error_messages={"max_length": "手机号不能超过 20 位。"},
    )
    phone_code = forms.CharField(
        label="短信验证码", required=False, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"max_length": "验证码为 6 位数字。"},
    )
    requester_name = forms.CharField(
        label="您的姓名", required=False, max_length=64, error_messages={"max_length": "姓名不能超过 64 个字。"}
    )
    region = forms.ModelChoiceField(
        label="诉求所在区域",
        queryset=Region.objects.filter(active=True).order_by("sort_order", "code"),
        to_field_name="code",
        empty_label="请选择市或县（区）",
        error_messages={"required": "请选择诉求所在的区域。", "invalid_choice": "请选择有效的区域。"},
        help_text="由该市或县（区）的“企业之家”联合服务办公室受理。",
    )
    title = title_field()
    content = content_field()
    domain = domain_field()
    enterprise_name = forms.CharField(
        label="企业名称", required=False, max_length=128, error_messages={"max_length": "企业名称不能超过 128 个字。"}
    )
    enterprise_uscc = forms.CharField(
        label="统一社会信用代码", required=False, max_length=24,
        help_text="18 位，见营业执照。匿名提交时企业名称和代码可不填。",
        error_messages={"max_length": "统一社会信用代码应为 18 位。"},
    )
    files = MultipleFileField(label="附件材料（可不传）")
    service_item = service_item_field()

    @property
    def anonymous(self) -> bool:
        return self.data.get("mode") == ANONYMOUS

    def clean_requester_phone(self) -> str:
        raw = self.cleaned_data["requester_phone"].strip()
        if not raw or self.anonymous:
            return ""
        try:
            return normalize_mobile(raw)
        except PhoneCodeError as exc:
            raise ValidationError(exc.message) from None

    def clean_enterprise_uscc(self) -> str:
        code = uscc_rules.normalize(self.cleaned_data["enterprise_uscc"])
        if code:
            uscc_rules.validate_uscc(code)
        return code

    def clean(self):
        data = super().clean()
        if data.get("mode") == PHONE:
            if not self.errors.get("requester_phone") and not data.get("requester_phone"):
                self.add_error("requester_phone", "请填写手机号，或选择匿名提交。")
            if not (data.get("phone_code") or "").strip():
                self.add_error("phone_code", "请填写短信验证码（先点“获取验证码”）。")
            if not (data.get("requester_name") or "").strip():
                self.add_error("requester_name", "请填写您的姓名。")
        return data

    def phone_for_code(self) -> str | None:
        """For "获取验证码": the mobile number, or None with the phone's error as the only one shown (the rest of the
        form is not finished yet, so its empty fields are not errors now)."""
        self.is_valid()
        for name in list(self.errors):
            if name != "requester_phone":
                del self.errors[name]
        if self.anonymous:
            self.errors.pop("requester_phone", None)
            self.add_error("requester_phone", "匿名提交不需要验证码；如需验证手机号，请先选择“验证手机号后提交”。")
            return None
        phone = self.cleaned_data.get("requester_phone") if "requester_phone" not in self.errors else None
        if "requester_phone" not in self.errors and not phone:
            self.add_error("requester_phone", "请填写手机号。")
        return phone or None

    def act_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "anonymous": data["mode"] == ANONYMOUS,
            "requester_phone": data["requester_phone"],
            "phone_code": data["phone_code"],
            "requester_name": data["requester_name"],
            "region": data["region"],
            "title": data["title"],
            "content": data["content"],
            "domain": data["domain"],
            "enterprise_name": data["enterprise_name"],
            "enterprise_uscc": data["enterprise_uscc"],
            "files": data["files"],
            "service_item": data["service_item"] or None,
        }


class TrackForm(StyledForm):
    number = forms.CharField(
        label="诉求编号", max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "例如 SQ20261206-0001", "autocomplete": "off"}),
        error_messages={"required": "请填写诉求编号。", "max_length": "诉求编号不能超过 32 个字符。"},
    )
    code = forms.CharField(
        label="查询码", max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": "请填写查询码。", "max_length": "查询码为 8 位。"},
        help_text="提交诉求时页面显示的 8 位查询码（手机号验证提交的也已通过短信发送）。",
    )
