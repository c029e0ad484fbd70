"""The calendar and the deadline policies in the admin. Every calendar change goes through workcalendar.services."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy
from workcalendar.services import (
    calendar_edit,
    calendar_exception_delete,
    calendar_exception_save,
    calendar_year_delete,
    deadline_policy_save,
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
    """A year with its dates, edited on one page. The save goes through `workcalendar.services.calendar_edit`: the
    in-memory calendars are refreshed and open provisional dues over the year are recounted once it commits."""

    list_display = ["year", "official", "holiday_count", "workday_count", "source"]
    list_filter = ["official"]
    inlines = [CalendarExceptionInline]

    def save_model(self, request, obj, form, change):
        """Saved together with its dates in `save_related`, inside one calendar edit."""

    def save_related(self, request, form, formsets, change):
        year = form.instance
        with calendar_edit({year.year}):
            super().save_model(request, year, form, change)
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        calendar_year_delete(year=obj)

    def delete_queryset(self, request, queryset):
        with calendar_edit(set(queryset.values_list("year", flat=True))):
            super().delete_queryset(request, queryset)

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

    def save_model(self, request, obj, form, change):
        calendar_exception_save(exception=obj)

    def delete_model(self, request, obj):
        calendar_exception_delete(exception=obj)

    def delete_queryset(self, request, queryset):
        with calendar_edit({day.year for day in queryset.values_list("date", flat=True)}):
            super().delete_queryset(request, queryset)

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

    def save_model(self, request, obj, form, change):
        deadline_policy_save(policy=obj)
