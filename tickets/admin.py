from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tickets.models import (
    CalendarException,
    CalendarYear,
    ClockAlert,
    DeadlinePolicy,
    Demand,
    Supervision,
    Ticket,
    Urge,
    WorkflowSettings,
)

WEEKDAYS_ZH = "一二三四五六日"


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["calendar_year", "date", "kind", "name"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        taken = CalendarException.objects.filter(date=day).exclude(pk=self.instance.pk).select_related("calendar_year")
        other = taken.first()
        if other is not None:
            raise forms.ValidationError(
                f"{day:%Y-%m-%d} 已录入（{other.calendar_year}：{other.get_kind_display()}，{other.name}）；"
                "同一日期只能录入一次，请修改原有记录。",
                code="unique",
            )
        return day


class CalendarExceptionFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check) -> str:
        return "同一日期在本次填写中出现了不止一次；同一日期只能录入一次，请删除重复的行。"

    def clean(self) -> None:
        super().clean()  # rejects a date entered twice among the rows (get_unique_error_message)
        year = self.instance.year
        for form in self.forms:
            day = getattr(form, "cleaned_data", {}).get("date")
            if day is None or "date" in form.errors or (self.can_delete and self._should_delete_form(form)):
                continue
            # The model's clean() cannot see the year of a CalendarYear that is being added together with its dates.
            if year and day.year != year:
                form.add_error("date", _("日期必须在所属年度（%(year)s 年）之内。") % {"year": year})


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    form = CalendarExceptionForm
    formset = CalendarExceptionFormSet
    fields = ["date", "kind", "name"]
    ordering = ["date"]
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "official", "holiday_count", "workday_count", "source"]
    list_filter = ["official"]
    inlines = [CalendarExceptionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_count=Count("exceptions", filter=Q(exceptions__kind=CalendarException.Kind.HOLIDAY)),
                workday_count=Count("exceptions", filter=Q(exceptions__kind=CalendarException.Kind.WORKDAY)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # Changing the year would orphan its dates; add the other year instead.
        return ["year"] if obj is not None else []

    @admin.display(description=_("节假日天数"), ordering="holiday_count")
    def holiday_count(self, obj: CalendarYear) -> int:
        return obj.holiday_count

    @admin.display(description=_("调休上班天数"), ordering="workday_count")
    def workday_count(self, obj: CalendarYear) -> int:
        return obj.workday_count


@admin.register(CalendarException)
class CalendarExceptionAdmin(SimpleHistoryAdmin):
    form = CalendarExceptionForm
    list_display = ["date", "weekday", "kind", "name", "calendar_year"]
    list_filter = ["kind", "calendar_year"]
    date_hierarchy = "date"
    search_fields = ["name"]
    list_select_related = ["calendar_year"]

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarException) -> str:
        return f"星期{WEEKDAYS_ZH[obj.date.weekday()]}"


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["clock", "working_days", "warning_working_days", "basis"]
    list_editable = ["working_days", "warning_working_days"]
    list_display_links = ["clock"]

    def get_readonly_fields(self, request, obj=None):
        return ["clock"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "auto_sign_enabled", "auto_sign_raises_supervision"]

    def has_add_permission(self, request) -> bool:
        return not WorkflowSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyMixin:
    """For records that change only through the workflow (screens, API, sweep): the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Demands and tickets change only through the workflow (screens and API); the admin only looks."""


@admin.register(Demand)
class DemandAdmin(_ReadOnlyAdmin):
    list_display = ["number", "title", "channel", "state", "region", "first_contact_department", "registered_at"]
    list_filter = ["state", "channel", "region"]
    search_fields = ["number", "title", "enterprise_name", "external_ref"]
    list_select_related = ["region", "first_contact_department"]
    date_hierarchy = "registered_at"


@admin.register(Ticket)
class TicketAdmin(_ReadOnlyAdmin):
    list_display = ["number", "title", "category", "state", "region", "lead_department", "sign_due_at", "handle_due_at"]
    list_filter = ["state", "category", "region"]
    search_fields = ["number", "title"]
    list_select_related = ["region", "lead_department"]
    date_hierarchy = "created_at"


@admin.register(Supervision)
class SupervisionAdmin(_ReadOnlyAdmin):
    """Supervisions are issued and answered through the screens and the API (tickets/supervision.py)."""

    list_display = ["number", "form", "trigger", "department", "ticket", "automatic", "issued_at", "due_at", "answered_at"]
    list_filter = ["form", "trigger", "automatic", "region"]
    search_fields = ["number", "ticket__number", "content", "answer"]
    list_select_related = ["department", "ticket"]
    date_hierarchy = "issued_at"


@admin.register(Urge)
class UrgeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "ticket", "department", "actor", "note"]
    search_fields = ["ticket__number", "note"]
    list_select_related = ["ticket", "department", "actor"]
    date_hierarchy = "at"


@admin.register(ClockAlert)
class ClockAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What the deadline sweep recorded (tickets/sweep.py): written only by the sweep, looked at here."""

    list_display = ["created_at", "kind", "clock", "subject", "due_at", "ticket", "demand", "supervision"]
    list_filter = ["kind", "clock"]
    search_fields = ["subject", "ticket__number", "demand__number", "supervision__number"]
    list_select_related = ["ticket", "demand", "supervision"]
    date_hierarchy = "created_at"
