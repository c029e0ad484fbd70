"""The working-day calendar and the deadline policies (SPEC §6).

These tables were created by the tickets app before the calendar became an app of its own; they keep their names
(and their history tables) so that no row moves.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarYear(models.Model):
    """A year of the official calendar. Without an `official` row for a year, Monday–Friday is assumed (provisional)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    official = models.BooleanField(
        _("官方数据已录入"),
        default=False,
        help_text=_("国务院办公厅公布该年节假日安排并全部录入后勾选；未勾选的年份按周一至周五计算，相关时限标记为“暂定”。"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    history = HistoricalRecords(table_name="tickets_historicalcalendaryear")

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]
        db_table = "tickets_calendaryear"

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarException(models.Model):
    """One date that differs from the Monday–Friday rule: an official holiday or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休上班")

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日名称"), max_length=64)
    history = HistoricalRecords(table_name="tickets_historicalcalendarexception")

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]
        db_table = "tickets_calendarexception"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}（{self.name}）"

    def clean(self) -> None:
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            raise ValidationError({"date": _("日期必须在所属年度（%(year)s 年）之内。") % {"year": self.calendar_year.year}})


class DeadlinePolicy(models.Model):
    """The limit of one clock (SPEC §6). Changes apply to clocks started afterwards: running clocks keep their due instant."""

    class Clock(models.TextChoices):
        TRIAGE = "triage", _("研判时限（自登记）")
        SIGN = "sign", _("签收或提出异议时限（自派单）")
        HANDLE_CONSULTATION = "handle_consultation", _("办理时限：咨询类")
        HANDLE_COORDINATION = "handle_coordination", _("办理时限：协调类")
        HANDLE_COORDINATION_COMPLEX = "handle_coordination_complex", _("办理时限：协调类（复杂）")
        HANDLE_COMPLAINT = "handle_complaint", _("办理时限：一般投诉举报类")
        HANDLE_COMPLAINT_COMPLEX = "handle_complaint_complex", _("办理时限：投诉举报类（复杂疑难）")
        CALLBACK = "callback", _("回访时限（自办结）")
        SUPERVISION_ANSWER = "supervision_answer", _("督办回复时限（自下发）")

    clock = models.CharField(_("时限"), max_length=32, choices=Clock.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        _("工作日数"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    warning_working_days = models.PositiveSmallIntegerField(
        _("提前预警工作日数"),
        default=1,
        validators=[MaxValueValidator(30)],
        help_text=_("到期前多少个工作日开始提示“可能超期”；0 表示不预警。"),
    )
    basis = models.CharField(_("依据"), max_length=64, blank=True)
    history = HistoricalRecords(table_name="tickets_historicaldeadlinepolicy")

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["id"]
        db_table = "tickets_deadlinepolicy"
        constraints = [
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="deadline_policy_positive_days"),
        ]

    def __str__(self) -> str:
        return f"{self.get_clock_display()}：{self.working_days} 个工作日"
