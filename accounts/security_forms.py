"""Forms of the second-factor pages and the security administrator's screen."""

from django import forms

from core.forms import StyledForm


class OtpForm(StyledForm):
    code = forms.CharField(
        label="动态口令或恢复码",
        max_length=32,
        help_text="打开身份验证器应用，输入其中显示的 6 位数字；手机不在身边时可输入一个恢复码。",
        error_messages={"required": "请输入动态口令。", "max_length": "动态口令或恢复码过长。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolForm(StyledForm):
    code = forms.CharField(
        label="身份验证器显示的 6 位数字",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "请输入身份验证器显示的 6 位数字。",
            "min_length": "动态口令是 6 位数字。",
            "max_length": "动态口令是 6 位数字。",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("动态口令是 6 位数字。")
        return code


class ResetSecondFactorForm(StyledForm):
    username = forms.CharField(
        label="用户名", max_length=150, error_messages={"required": "请输入要重置第二因子的用户名。"}
    )

    def clean_username(self):
        from accounts.models import User

        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"用户“{username}”不存在。")
        return user


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "账号"), ("ip", "网络地址")])
    value = forms.CharField(max_length=255)
