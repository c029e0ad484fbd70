from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.widgets import DepartmentSelect, DepartmentSelectMultiple
from core.forms import ReadOnceChoices, StyledForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（区分大小写；企业用户也可以输入手机号）。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Enterprise users log in with their phone; their username is generated (accounts.login_names).
        self.fields["username"].label = "用户名或手机号"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].label = "密码"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        )
        self.fields["username"].error_messages["required"] = "请输入用户名或手机号。"
        self.fields["password"].error_messages["required"] = "请输入密码。"


class DepartmentChoiceField(ReadOnceChoices, forms.ModelChoiceField):
    """A department chosen by its code."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "请选择部门")
        kwargs.setdefault("widget", DepartmentSelect)
        kwargs["error_messages"] = {
            "required": "请选择部门。", "invalid_choice": "请选择列表中的部门。", **kwargs.get("error_messages", {}),
        }
        super().__init__(queryset, **kwargs)


class DepartmentsChoiceField(ReadOnceChoices, forms.ModelMultipleChoiceField):
    """Several departments chosen by their codes."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs["error_messages"] = {
            "required": "请至少选择一个部门。", "invalid_choice": "请选择列表中的部门。",
            "invalid_pk_value": "请选择列表中的部门。", **kwargs.get("error_messages", {}),
        }
        kwargs.setdefault("widget", DepartmentSelectMultiple(attrs={"size": 6}))
        super().__init__(queryset, **kwargs)


class PasswordChangeForm(StyledForm):
    """The owner's own change: the current password, then the new one twice, checked against the policy."""

    old_password = forms.CharField(
        label="当前密码", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入当前密码。"},
    )
    new_password1 = forms.CharField(
        label="新密码", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请输入新密码。"},
    )
    new_password2 = forms.CharField(
        label="再次输入新密码", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请再次输入新密码。"},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "".join(password_validation.password_validators_help_texts())

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("当前密码不正确。")
        return old

    def clean_new_password1(self) -> str:
        new = self.cleaned_data["new_password1"]
        password_validation.validate_password(new, self.user)
        return new

    def clean(self):
        data = super().clean()
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


# --- staff accounts (the system administrator's screen) ------------------------------------------------------------
class StaffCreateForm(StyledForm):
    username = forms.CharField(label="用户名", help_text="登录时使用；字母、数字和 @ . + - _",
                               widget=forms.TextInput(attrs={"autocomplete": "off"}),
                               error_messages={"required": "请填写用户名。"})
    name = forms.CharField(label="姓名", error_messages={"required": "请填写姓名。"})
    phone = forms.CharField(label="手机号", widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                            error_messages={"required": "请填写手机号。"})
    role = forms.ChoiceField(label="角色", error_messages={"required": "请选择角色。", "invalid_choice": "请选择列表中的角色。"})
    department = DepartmentChoiceField(queryset=None, label="所属部门")

    def __init__(self, *args, **kwargs):
        from accounts.models import Department
        from accounts.staff import staff_role_choices

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "请选择角色"), *staff_role_choices()]
        self.fields["department"].queryset = Department.objects.active().select_related("region").order_by(
            "region__sort_order", "sort_order", "code"
        )
        self.fields["department"].label_from_instance = lambda d: f"{d.region.name} · {d.name}"

    def clean_username(self):
        from accounts.staff import check_username

        return check_username(self.cleaned_data["username"])

    def clean_name(self):
        from accounts.staff import check_name

        return check_name(self.cleaned_data["name"])

    def clean_phone(self):
        from accounts.staff import check_phone

        return check_phone(self.cleaned_data["phone"])


class StaffImportForm(StyledForm):
    file = forms.FileField(
        label="账号表格（.xlsx）", help_text="请使用下载的模板填写；每个文件最多 200 个账号。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。", "empty": "上传的文件是空的。"},
    )


class StaffSearchForm(StyledForm):
    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "用户名、姓名或部门"}))
