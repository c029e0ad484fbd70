"""Forms of the intake screens: the enterprise's online submission, staff registration, supplying materials,
withdrawing, and the demand list's filters. Forms only check what a person typed; the workflow decides the rest.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import uscc as uscc_rules
from accounts.models import Department, Domain
from accounts.roles import FIRST_CONTACT_NAMERS
from core.dates import DateBoundsValidator
from core.forms import (
    ModelChoiceField,
    MultipleFileField,
    OneTimeTokenMixin,
    StyledForm,
)
from tickets import rules, workflow
from tickets.models import Demand
from tickets.models.demand import Channel
from tickets.models.ticket import Category

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _required(label: str, verb: str = "填写") -> dict:
    return {"required": f"请{verb}{label}。"}


def title_field() -> forms.CharField:
    return forms.CharField(
        label="标题", max_length=120, error_messages={**_required("标题"), "max_length": "标题不能超过 120 个字。"},
        widget=forms.TextInput(attrs={"placeholder": "一句话概括诉求"}),
    )


def content_field() -> forms.CharField:
    return forms.CharField(
        label="诉求内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "遇到的问题、经过以及希望得到的帮助"}),
        error_messages={**_required("诉求内容"), "max_length": "诉求内容不能超过 5000 个字。"},
    )


def domain_field() -> forms.ModelChoiceField:
    return ModelChoiceField(
        label="业务领域",
        queryset=Domain.objects.order_by("sort_order", "code"),
        to_field_name="code",
        empty_label="请选择业务领域",
        error_messages={**_required("业务领域", "选择"), "invalid_choice": "请选择有效的业务领域。"},
        help_text="不确定时可选“其他”，联合服务办公室会在研判时确定办理部门。",
    )


def service_item_field() -> forms.CharField:
    """The published service item a demand is about ("就此事项反映诉求"), carried by its code; the act checks it."""
    return forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


def service_item_initial(code) -> tuple[dict, object]:
    """(initial values, item) of a demand started from a published service item: the title begins with the item's
    name and the domain is the item's. An unknown or unpublished code gives ({}, None)."""
    from catalogue.selectors import published_item_or_none

    item = published_item_or_none(code)
    if item is None:
        return {}, None
    return {"service_item": item.code, "title": f"关于“{item.name}”："[:120], "domain": item.domain.code}, item


class SubmitDemandForm(OneTimeTokenMixin, StyledForm):
    """An enterprise's online demand (channel `online`); the enterprise comes from the account."""

    title = title_field()
    content = content_field()
    domain = domain_field()
    requester_name = forms.CharField(
        label="联系人", max_length=64, error_messages={**_required("联系人姓名"), "max_length": "联系人姓名不能超过 64 个字。"}
    )
    requester_phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={**_required("联系电话"), "max_length": "联系电话不能超过 20 位。"},
    )
    files = MultipleFileField(label="附件材料")
    service_item = service_item_field()

    def clean_requester_phone(self):
        phone = self.cleaned_data["requester_phone"].strip()
        if not workflow.PHONE_RE.match(phone):
            raise ValidationError("联系电话格式不正确（7～20 位数字，可含 - 和括号）。")
        return phone


class SupplyMaterialsForm(StyledForm):
    content = forms.CharField(
        label="补充说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "说明补充了哪些材料或情况"}),
        error_messages={**_required("补充说明"), "max_length": "补充说明不能超过 2000 个字。"},
    )
    files = MultipleFileField(label="补充材料")


class WithdrawForm(StyledForm):
    note = forms.CharField(
        label="撤回原因（可不填）",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例如：问题已自行解决"}),
        error_messages={"max_length": "撤回原因不能超过 500 个字。"},
    )


class AnswerMergeForm(StyledForm):
    """The enterprise's answer to the office's merge proposal: the button pressed says yes or no."""

    consent = forms.ChoiceField(
        choices=[("yes", "同意合并"), ("no", "不同意合并")], widget=forms.HiddenInput,
        error_messages={"required": "请选择同意合并或不同意合并。", "invalid_choice": "请选择同意合并或不同意合并。"},
    )
    note = forms.CharField(
        label="说明（可不填；不同意时请说明理由）", required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例如：我们的情况与该事项不同"}),
        error_messages={"max_length": "说明不能超过 500 个字。"},
    )

    def workflow_kwargs(self) -> dict:
        return {"consent": self.cleaned_data["consent"] == "yes", "note": self.cleaned_data["note"]}


class RegisterDemandForm(OneTimeTokenMixin, StyledForm):
    """Staff register a demand received on a channel (SPEC §3). Which fields appear depends on the role."""

    channel = forms.ChoiceField(label="渠道", error_messages={**_required("渠道", "选择"), "invalid_choice": "请选择有效的渠道。"})
    received_at = forms.DateTimeField(
        label="收到时间",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={**_required("收到时间"), "invalid": "请按“年-月-日 时:分”填写收到时间。"},
        validators=[DateBoundsValidator("收到时间")],
        help_text="渠道收到该诉求的时间（北京时间），不能晚于现在。",
    )
    external_ref = forms.CharField(
        label="外部编号",
        required=False,
        max_length=64,
        help_text="12345 热线工单号、转办平台编号等；同一渠道的同一编号只会登记一次。",
        error_messages={"max_length": "外部编号不能超过 64 个字符。"},
    )
    anonymous = forms.BooleanField(label="匿名诉求（诉求人不愿留下企业或个人信息）", required=False)
    enterprise_name = forms.CharField(
        label="企业名称", required=False, max_length=128, error_messages={"max_length": "企业名称不能超过 128 个字。"}
    )
    enterprise_uscc = forms.CharField(
        label="统一社会信用代码",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        help_text="18 位，含校验位。",
    )
    requester_name = forms.CharField(
        label="诉求人", required=False, max_length=64, error_messages={"max_length": "诉求人姓名不能超过 64 个字。"}
    )
    requester_phone = forms.CharField(
        label="联系电话", required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        error_messages={"max_length": "联系电话不能超过 20 位。"},
    )
    title = title_field()
    content = content_field()
    domain = domain_field()
    first_contact_department = ModelChoiceField(
        label="首问部门",
        queryset=Department.objects.none(),
        to_field_name="code",
        empty_label=None,
        required=False,  # left out: the registrar's own department
        error_messages={"invalid_choice": "请选择本区域的在用部门。"},
        help_text="最先收到该诉求的部门，默认为本部门。",
    )
    self_handle = forms.BooleanField(
        label="由本部门直接办理",
        required=False,
        help_text="本部门职责范围内的，由本部门直接办理并登记：登记后即形成工单并签收，办理时限开始计算。",
    )
    category = forms.ChoiceField(
        label="诉求类别",
        required=False,
        choices=[("", "请选择类别"), *Category.choices],
        error_messages={"invalid_choice": "请选择有效的诉求类别。"},
    )
    complex = forms.BooleanField(label="复杂事项（办理时限 15 个工作日）", required=False)
    files = MultipleFileField(label="附件材料")
    # A question raised at a training session (OUTREACH §3), carried by the session's id; the act checks it.
    training = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # The chamber activity the demand was collected at (OUTREACH §4), carried from the activity's "登记诉求".
    activity = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput,
                                  error_messages={"invalid": "关联的商会活动无效。", "min_value": "关联的商会活动无效。"})
    # The meeting where the question was raised ("登记会上诉求" on a meeting's page); the act checks it.
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                 error_messages={"invalid": "关联的会议不存在或不属于本区域。"})

    def __init__(self, *args, user, **kwargs):
        self.user = user
        channels = rules.ROLE_CHANNELS[user.role]
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("channel", channels[0])
        kwargs["initial"].setdefault("first_contact_department", user.department.code if user.department_id else None)
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(code, Channel(code).label) for code in channels]
        # A chamber or a supervisor registers on its one channel: shown, not chosen.
        self.channel_fixed = len(channels) == 1
        if self.channel_fixed:
            self.fields["channel"].disabled = True
        self.fields["received_at"].widget.attrs["max"] = timezone.localtime().strftime(DATETIME_LOCAL)
        if user.role in FIRST_CONTACT_NAMERS:
            self.fields["first_contact_department"].queryset = Department.objects.active().filter(
                region_id=user.department.region_id
            ).order_by("sort_order", "code")
        else:
            del self.fields["first_contact_department"]
        if user.role not in rules.SELF_HANDLE_ROLES:
            for name in ("self_handle", "category", "complex"):
                del self.fields[name]

    @staticmethod
    def channels_for(user) -> tuple[str, ...]:
        return rules.ROLE_CHANNELS.get(user.role, ())

    @property
    def may_self_handle(self) -> bool:
        return "self_handle" in self.fields

    @property
    def channel_label(self) -> str:
        return Channel(self.fields["channel"].choices[0][0]).label

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise ValidationError("收到时间不能晚于当前时间。")
        return value

    def clean_enterprise_uscc(self):
        code = uscc_rules.normalize(self.cleaned_data.get("enterprise_uscc") or "")
        if code:
            uscc_rules.validate_uscc(code)
        return code

    def clean_requester_phone(self):
        phone = (self.cleaned_data.get("requester_phone") or "").strip()
        if phone and not workflow.PHONE_RE.match(phone):
            raise ValidationError("联系电话格式不正确（7～20 位数字，可含 - 和括号）。")
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("anonymous"):
            for name, message in (
                ("enterprise_name", "请填写企业名称（匿名诉求可不填）。"),
                ("enterprise_uscc", "请填写统一社会信用代码（匿名诉求可不填）。"),
                ("requester_name", "请填写诉求人姓名（匿名诉求可不填）。"),
                ("requester_phone", "请填写联系电话（匿名诉求可不填）。"),
            ):
                if name in data and not data[name]:
                    self.add_error(name, message)
        if data.get("self_handle"):
            if not data.get("category"):
                self.add_error("category", "本部门直接办理时请选择诉求类别。")
            first_contact = data.get("first_contact_department")
            if first_contact is not None and first_contact.pk != self.user.department_id:
                self.add_error("self_handle", "由本部门直接办理时，首问部门必须是本部门。")
        return data

    def workflow_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {
            "channel": data["channel"],
            "received_at": data["received_at"],
            "external_ref": data["external_ref"] or None,
            "anonymous": data["anonymous"],
            "enterprise_name": data["enterprise_name"],
            "enterprise_uscc": data["enterprise_uscc"],
            "requester_name": data["requester_name"],
            "requester_phone": data["requester_phone"],
            "title": data["title"],
            "content": data["content"],
            "domain": data["domain"],
            "files": data["files"],
        }
        if "first_contact_department" in self.fields:
            arguments["first_contact_department"] = data["first_contact_department"]
        if data.get("training"):
            arguments["training"] = data["training"]
        if data.get("activity"):
            arguments["activity"] = data["activity"]
        if self.may_self_handle and data.get("self_handle"):
            arguments.update(self_handle=True, category=data["category"], complex_=data["complex"])
        if data.get("meeting"):
            arguments["meeting"] = data["meeting"]
        return arguments


class DemandFilterForm(StyledForm):
    """The demand list's filters (GET). Invalid values are dropped and named in a notice, never an error page."""

    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Demand.State.choices])
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部渠道"), *Channel.choices])
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "编号、标题或企业名称", "type": "search"}))
    overdue = forms.BooleanField(label="仅看研判超期", required=False)

    def valid_filters(self) -> tuple[dict, list[str]]:
        """The filters that make sense, and a Chinese notice for each that does not."""
        self.is_valid()
        labels = {"state": "状态", "channel": "渠道", "q": "关键词", "overdue": "研判超期"}
        notices = [f"已忽略无效的筛选条件“{labels.get(name, name)}”：{self.data.get(name, '')[:50]}" for name in self.errors]
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}, notices
