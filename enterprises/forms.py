"""Forms of enterprise self-service. They check shape only and never save; the acts in enterprises.services decide.

The forms that verify a phone have two buttons: "获取验证码" (`action=send_code`) checks only the phone (and what else
was typed) and sends a code; the main button checks everything. Without JavaScript the page simply comes back with the
code sent and everything typed kept (passwords and files are never echoed back by browsers)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts import uscc as uscc_rules
from accounts.models import Enterprise, Region, Role, User
from core.forms import StyledForm, note_field
from enterprises.licences import LICENCE_ACCEPT, LICENCE_HELP, validate_licence
from enterprises.phonecodes import PhoneCodeError, normalize_mobile
from enterprises.services import phone_taken

SEND_CODE = "send_code"
PHONE_TAKEN = "该手机号已注册，请直接登录；忘记密码可通过短信验证码找回。"


def _text(label: str, limit: int, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, widget=forms.TextInput(attrs=attrs),
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}不能超过 {limit} 个字。"},
    )


def _password(label: str, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": f"请输入{label}。"},
    )


class PhoneCodeForm(StyledForm):
    """A phone, the code sent to it, and (optionally) a new password twice. `sending` = the "获取验证码" button."""

    phone = _text("手机号", 20, inputmode="tel", autocomplete="tel")
    code = forms.CharField(
        label="短信验证码", max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
        help_text="6 位数字，10 分钟内有效。",
        error_messages={"required": "请输入短信验证码。", "min_length": "验证码为 6 位数字。", "max_length": "验证码为 6 位数字。"},
    )
    with_password = False

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        if self.with_password:
            self.fields["password1"] = _password("新密码")
            self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
            self.fields["password2"] = _password("确认新密码")
        self._required = {name: field.required for name, field in self.fields.items()}
        if sending:  # only the phone counts when asking for a code
            for name, field in self.fields.items():
                field.required = name == "phone"

    def full_clean(self):
        super().full_clean()
        # The page that comes back still marks what the main button will need.
        for name, required in self._required.items():
            if name in self.fields:
                self.fields[name].required = required

    def clean_phone(self) -> str:
        try:
            return normalize_mobile(self.cleaned_data["phone"])
        except PhoneCodeError as exc:
            raise ValidationError(exc.message) from None

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code", "")
        if code and not code.isdigit():
            raise ValidationError("验证码为 6 位数字。")
        return code

    def password_user(self) -> User | None:
        """The account the new password is for (the similarity rule compares with its name and phone)."""
        return None

    def clean(self):
        data = super().clean()
        if self.with_password and not self.sending:
            first, second = data.get("password1"), data.get("password2")
            if first and second and first != second:
                self.add_error("password2", "两次输入的密码不一致。")
            elif first:
                try:
                    password_validation.validate_password(first, self.password_user())
                except ValidationError as exc:
                    self.add_error("password1", exc)
        return data


class SignupForm(PhoneCodeForm):
    with_password = True

    enterprise_name = _text("企业名称", 128, autocomplete="organization")
    uscc = forms.CharField(
        label="统一社会信用代码", max_length=30, help_text="18 位，见营业执照左上角。",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "请填写统一社会信用代码。"},
    )
    region = forms.ModelChoiceField(
        label="所在区域", queryset=Region.objects.filter(active=True), to_field_name="code", empty_label="请选择所在区域",
        error_messages={"required": "请选择所在区域。", "invalid_choice": "请选择列表中的区域。"},
    )
    person_name = _text("您的姓名", 32, autocomplete="name")
    licence = forms.FileField(
        label="营业执照", required=False, help_text=LICENCE_HELP + "首次注册本企业时必须上传；加入已注册的企业可不上传。",
        widget=forms.ClearableFileInput(attrs={"accept": LICENCE_ACCEPT}),
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息保护告知》", error_messages={"required": "请阅读并同意《个人信息保护告知》后再注册。"}
    )

    field_order = ("enterprise_name", "uscc", "region", "person_name", "phone", "code", "password1", "password2",
                   "licence", "consent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["password1"].label = "设置密码"
        self.fields["password2"].label = "再次输入密码"

    def clean_uscc(self) -> str:
        code = uscc_rules.normalize(self.cleaned_data["uscc"])
        if code or not self.sending:
            uscc_rules.validate_uscc(code)
        return code

    def clean_phone(self) -> str:
        phone = super().clean_phone()
        if phone_taken(phone):
            raise ValidationError(PHONE_TAKEN)
        return phone

    def clean_licence(self):
        upload = self.cleaned_data.get("licence")
        if upload:
            try:
                validate_licence(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["licence"]) from None
        return upload

    @property
    def existing_enterprise(self) -> Enterprise | None:
        code = self.cleaned_data.get("uscc")
        return Enterprise.objects.filter(uscc=code).first() if code else None

    def password_user(self) -> User:
        # The password may not be like the phone (AUTH_PASSWORD_VALIDATORS compare it with the phone too).
        return User(phone=self.cleaned_data.get("phone", ""), first_name=self.cleaned_data.get("person_name", ""),
                    role=Role.ENTERPRISE)

    def clean(self):
        data = super().clean()
        if not self.sending and data.get("uscc") and not data.get("licence") and self.existing_enterprise is None:
            self.add_error("licence", "首次注册本企业，请上传营业执照。")
        return data


class PasswordResetForm(PhoneCodeForm):
    with_password = True

    def password_user(self) -> User | None:
        from enterprises.services import reset_account

        phone = self.cleaned_data.get("phone")
        return reset_account(phone) if phone else None


class PhoneChangeForm(PhoneCodeForm):
    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = "新手机号"

    def clean_phone(self) -> str:
        """Refused before any code is sent or used: the same phone, or one another account has."""
        phone = super().clean_phone()
        if phone == self.user.phone:
            raise ValidationError("新手机号与当前手机号相同。")
        if User.objects.with_phone(phone).exclude(pk=self.user.pk).exists() or phone_taken(phone):
            raise ValidationError("该手机号已被其他账号使用。")
        return phone


class InviteForm(StyledForm):
    name = _text("员工姓名", 32)
    phone = _text("手机号", 20, inputmode="tel")

    def clean_phone(self) -> str:
        try:
            return normalize_mobile(self.cleaned_data["phone"])
        except PhoneCodeError as exc:
            raise ValidationError(exc.message) from None


class SetPasswordForm(PhoneCodeForm):
    """An invited staff member sets a password: no phone to verify (the link was sent to it)."""

    with_password = True
    consent = SignupForm.base_fields["consent"]

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        del self.fields["phone"], self.fields["code"]
        self.order_fields(["password1", "password2", "consent"])

    def password_user(self) -> User | None:
        return self.user


class RejectForm(StyledForm):
    reason = note_field("不通过原因", placeholder="例如：营业执照照片不清晰，请重新上传。", limit=200)


class LicenceForm(StyledForm):
    licence = forms.FileField(
        label="营业执照", help_text=LICENCE_HELP, widget=forms.ClearableFileInput(attrs={"accept": LICENCE_ACCEPT}),
        error_messages={"required": "请选择营业执照的图片或 PDF。"},
    )

    def clean_licence(self):
        return SignupForm.clean_licence(self)
