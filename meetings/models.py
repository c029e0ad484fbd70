"""Meetings (OUTREACH.md §5; seed §1, §2.4, §3.1.1, §3.6.3, §4.4.5): 分析研判会, 协调会, 企业家见面会 and 一事一议专项调度.

A meeting is planned, then held (with its minutes) or cancelled. Its agenda items are a demand, a ticket or free
text; once the meeting is held each item gets a decision and an outcome, and an `assigned` item a responsible
department and a due date (a date on the working-day calendar, stored indexed; overdue is derived at read time) and,
later, its follow-up. State changes happen only through meetings/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.roles import TICKET_READERS
from core.fsm import STATE_FIELDS
from meetings import rules
from workcalendar.clocks import Clock
from workcalendar.workdays import end_of_working_day


class Kind(models.TextChoices):
    ANALYSIS = "analysis", _("分析研判会")
    ENTREPRENEUR = "entrepreneur", _("企业家见面会")
    COORDINATION = "coordination", _("协调会")
    SPECIAL = "special", _("一事一议专项调度")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    ASSIGNED = "assigned", _("明确责任单位限期办理")
    TO_GOVERNMENT = "to_government", _("报市人民政府研究")
    TO_PROVINCE = "to_province", _("提级办理")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """The meetings of the user's region, for its staff (department roles that read tickets); none otherwise.

        tickets reads this through `Demand.meeting`'s related model (it may not import meetings) to check the meeting a
        demand body names."""
        if not user.is_authenticated or user.role not in TICKET_READERS or not user.department_id:
            return self.none()
        return self.filter(region_id=user.department.region_id)


class Meeting(ConcurrentTransitionMixin, models.Model):
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        PLANNED = "planned", _("待召开")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    STATE_STYLES = {"planned": "primary", "held": "success", "cancelled": "secondary"}

    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("会议类型"), max_length=16, choices=Kind.choices, db_index=True)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("会议地点"), max_length=200)
    chair = models.CharField(_("主持人"), max_length=64, blank=True)
    chair_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主持人（平台用户）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # A coordination meeting is about one ticket: its lead department (or the office) holds it.
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("协调的工单"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="coordination_meetings",
    )
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("参会部门"), blank=True, related_name="meetings_invited"
    )
    enterprises = models.ManyToManyField(
        "accounts.Enterprise", verbose_name=_("受邀企业"), blank=True, related_name="meetings_invited"
    )
    state = FSMField(_("状态"), default=State.PLANNED, choices=State.choices, protected=True, db_index=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(_("纪要登记时间"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("纪要登记人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="coordination") | Q(ticket__isnull=False),
                name="meeting_coordination_has_ticket",
                violation_error_message=_("协调会必须关联一张工单。"),
            ),
        ]
        indexes = [models.Index(fields=["region", "state", "starts_at"], name="meeting_region_state_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    # --- transitions: they only change the row; meetings/services.py checks, saves, audits and notifies ---------
    @transition(field=state, source=State.PLANNED, target=State.HELD, permission=rules.may_manage)
    def hold(self):
        pass

    @transition(field=state, source=State.PLANNED, target=State.CANCELLED, permission=rules.may_manage)
    def cancel(self):
        pass

    @property
    def chair_display(self) -> str:
        if self.chair:
            return self.chair
        return self.chair_user.get_full_name() if self.chair_user_id else ""


class AgendaItem(models.Model):
    """One matter on a meeting's agenda: a demand, a ticket, or free text (exactly one)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    demand = models.ForeignKey(
        "tickets.Demand", verbose_name=_("诉求"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="meeting_items",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="meeting_items",
    )
    title = models.CharField(_("议题"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("列入时间"), default=timezone.now)

    decision = models.TextField(_("会议决定"), blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="meeting_assignments",
    )
    # The day the responsible department must have done it by (end of that day, Asia/Shanghai): a date on the
    # working-day calendar, given as such or counted as N working days (workcalendar). Overdue is derived from it.
    due_date = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限为暂定（当年法定节假日未公布）"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.TextField(_("落实情况"), blank=True)
    followed_up_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("会议议题")
        verbose_name_plural = _("会议议题")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(demand__isnull=False, ticket__isnull=True, title="")
                    | Q(demand__isnull=True, ticket__isnull=False, title="")
                    | (Q(demand__isnull=True, ticket__isnull=True) & ~Q(title=""))
                ),
                name="agenda_item_exactly_one_subject",
                violation_error_message=_("议题必须是一项诉求、一张工单或一段文字，且只能是其中之一。"),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="assigned") | Q(department__isnull=False, due_date__isnull=False),
                name="agenda_item_assigned_has_department_and_due",
                violation_error_message=_("明确责任单位限期办理的议题必须有责任单位和办理期限。"),
            ),
            models.UniqueConstraint(fields=["meeting", "demand"], condition=Q(demand__isnull=False),
                                    name="agenda_item_demand_once"),
            models.UniqueConstraint(fields=["meeting", "ticket"], condition=Q(ticket__isnull=False),
                                    name="agenda_item_ticket_once"),
        ]
        indexes = [
            # The office's board reads the assigned items not followed up whose due date has passed.
            models.Index(fields=["due_date"], condition=Q(outcome="assigned", followed_up_at__isnull=True),
                         name="agenda_item_follow_up_due"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        """What the item is about, as the agenda reads it (the related rows should be selected with it)."""
        if self.ticket_id:
            return f"工单 {self.ticket.number}：{self.ticket.title}"
        if self.demand_id:
            return f"诉求 {self.demand.number}：{self.demand.title}"
        return self.title

    @property
    def decided(self) -> bool:
        return self.decided_at is not None

    @property
    def awaits_follow_up(self) -> bool:
        """Decided with an outcome that is carried out after the meeting (not one resolved there), not yet followed up."""
        return self.decided and self.outcome != Outcome.RESOLVED and self.followed_up_at is None

    def running_clock(self) -> Clock | None:
        """The follow-up's clock (for the `due` tag): an assigned item not followed up runs to the end of its due day."""
        if self.outcome != Outcome.ASSIGNED or self.followed_up_at is not None or self.due_date is None:
            return None
        return Clock("meeting_follow_up", "落实", end_of_working_day(self.due_date).due, self.due_provisional)

    def overdue(self, today=None) -> bool:
        """An assigned item not followed up whose due day has ended (derived, never stored)."""
        if self.outcome != Outcome.ASSIGNED or self.followed_up_at is not None or self.due_date is None:
            return False
        return self.due_date < (today or timezone.localdate())
