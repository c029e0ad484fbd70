from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（区分大小写）。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].label = "密码"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        )
        self.fields["username"].error_messages["required"] = "请输入用户名。"
        self.fields["password"].error_messages["required"] = "请输入密码。"


class DepartmentChoiceField(forms.ModelChoiceField):
    """A department chosen by its code."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "请选择部门")
        kwargs["error_messages"] = {
            "required": "请选择部门。", "invalid_choice": "请选择列表中的部门。", **kwargs.get("error_messages", {}),
        }
        super().__init__(queryset, **kwargs)


class DepartmentsChoiceField(forms.ModelMultipleChoiceField):
    """Several departments chosen by their codes."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs["error_messages"] = {
            "required": "请至少选择一个部门。", "invalid_choice": "请选择列表中的部门。",
            "invalid_pk_value": "请选择列表中的部门。", **kwargs.get("error_messages", {}),
        }
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(queryset, **kwargs)
