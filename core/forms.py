"""One styled-form base for every screen, rendered through one field/error template set.

Forms only check the shape of what a person typed and turn it into the values an act takes; the acts check the rules
and report rule errors per field, which the views put next to the same fields (core.web.apply_errors).

Rendering: `{{ form }}` draws every field through `core/forms/form.html`, `{{ form.x.as_field_group }}` one field
through `core/forms/field.html` (Django 5's `field_template_name`), so a label, its required mark, the help text and
the error next to the input look the same on every page.
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting

from core.dates import EARLIEST_DATE, LATEST_DATE, DateBoundsValidator
from core.files import (
    ACCEPT,
    FILE_HELP,
    MAX_FILES_PER_REQUEST,
    too_many_files_message,
    validate_upload,
)

NOTE_LIMIT = 2000


class PlatformFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class StyledBoundField(forms.BoundField):
    """Bootstrap classes on every widget, `is-invalid` and a link to the error text when the field has errors."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
            described = [f"{self.auto_id}_error"]
            if self.help_text:
                described.append(f"{self.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)
        attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return attrs


class StyledForm(forms.Form):
    bound_field_class = StyledBoundField
    default_renderer = PlatformFormRenderer


def textarea(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


def note_field(label: str, *, required: bool = True, placeholder: str = "", rows: int = 3,
               limit: int = NOTE_LIMIT) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=limit, widget=textarea(rows, placeholder),
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}不能超过 {limit} 个字。"},
    )


YES_NO = [("yes", "是"), ("no", "否")]


def yes_no_field(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        required=required, empty_value=None, error_messages={"required": f"请选择{label}。", "invalid_choice": f"请选择{label}。"},
    )


def date_field(label: str, *, required: bool = True, earliest: datetime.date = EARLIEST_DATE) -> forms.DateField:
    """A date within [earliest, 2099-12-31] (core.dates); the browser's picker is given the same bounds."""
    return forms.DateField(
        label=label, required=required, validators=[DateBoundsValidator(label, earliest=earliest)],
        widget=forms.DateInput(attrs={"type": "date", "min": earliest.isoformat(), "max": LATEST_DATE.isoformat()}),
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不正确，应为 YYYY-MM-DD。"},
    )


def required_choice(label: str, choices, *, radio: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": f"请选择{label}。", "invalid_choice": f"请选择有效的{label}。"},
    )


def optional_choice(label: str, choices, empty: str = "全部") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", empty), *choices])


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploads, each checked against the platform's type and size rules (core.files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", FILE_HELP)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload]
        if len(cleaned) > MAX_FILES_PER_REQUEST:
            raise ValidationError(too_many_files_message(len(cleaned)))
        errors = []
        for upload in cleaned:
            try:
                validate_upload(upload, "files")
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class FilterForm(StyledForm):
    """GET filters above a table. Bad values are dropped and named in a Chinese message, never a 500."""

    overdue = forms.BooleanField(label="仅看已超期", required=False)
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "编号、标题或企业名称", "type": "search"}))

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        for field in self.fields.values():
            small = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm"
            )
            field.widget.attrs["class"] = small
        self.is_valid()

    @property
    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False, [])}

    @property
    def warning(self) -> str:
        if not self.errors:
            return ""
        names = "、".join(f"“{self.fields[name].label}”" for name in self.errors if name in self.fields)
        return f"筛选条件{names}的值无效，已忽略。"


def _new_submission_token() -> str:
    return uuid.uuid4().hex


class OneTimeTokenMixin(forms.Form):
    """A hidden one-time token (SECURITY.md §6, double submission): the form's second POST with the same token shows
    what the first one created instead of creating it again (tickets.submissions). A new token per page shown; a
    form shown again after an error keeps its token, so a corrected resubmission still counts once."""

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, initial=_new_submission_token,
                                       max_length=128)


class _ReadOnce(ModelChoiceIterator):
    """A choice field's options from the queryset the form gave it, read once: fields given the same queryset (a
    form's lead and co-department pickers) share that read. Django's iterator reads each field's options
    anew through `QuerySet.iterator()`, a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE) per picker."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.listed():
            yield self.choice(row)

    def __len__(self):
        return len(self.field.listed()) + (self.field.empty_label is not None)


class ReadOnceChoices:
    """For a ModelChoiceField: keeps the queryset it was given (the field itself holds a copy, `.all()`) and lists its
    rows from it, so that fields given one queryset read it once. A form builds its querysets per instance, so what
    is listed lives as long as the form."""

    iterator = _ReadOnce
    _given = None

    def _set_queryset(self, queryset):
        self._given = queryset
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def listed(self) -> list:
        return [] if self._given is None else list(self._given)  # the given queryset keeps what it read


class ModelChoiceField(ReadOnceChoices, forms.ModelChoiceField):
    """Django's ModelChoiceField with its options read once, without a server-side cursor."""
