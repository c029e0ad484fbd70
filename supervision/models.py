"""Supervision (督办) and urging (催办) of §4.6: records only, they never change a ticket's state (SPEC §7).

The tables were created by the tickets app before supervision became an app of its own; they keep their names (and the
history table) so that no row moves. Tickets are named by string ("tickets.Ticket"): this app sits below tickets and
imports nothing of it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workcalendar.clocks import Clock


class Supervision(models.Model):
    """A supervision addressed to one department, which must answer it within 2 working days (policy `supervision_answer`).

    Raised by the office (or, for 一事一议, the government) by hand, or by the system when a trigger of §4.6.1 becomes
    true. `key` makes automatic ones happen at most once: the database refuses a second row with the same key.
    """

    class Trigger(models.TextChoices):
        UNREGISTERED = "unregistered", _("无故不登记")
        OVERDUE = "overdue", _("可能超期或已超期")
        CONCENTRATED = "concentrated", _("集中投诉的疑难重点事项")
        REPEATED_REWORK = "repeated_rework", _("多次重办仍不满意")
        BELOW_STANDARD = "below_standard", _("未达办结标准办结")

    class Form(models.TextChoices):
        PHONE = "phone", _("电话督办")
        SYSTEM = "system", _("系统督办")
        WRITTEN = "written", _("书面督办")
        SPECIAL = "special", _("专项督办")

    number = models.CharField(_("督办编号"), max_length=32, unique=True)
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervisions",
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("督办对象"), on_delete=models.PROTECT, related_name="supervisions"
    )
    trigger = models.CharField(_("督办情形"), max_length=24, choices=Trigger.choices)
    form = models.CharField(_("督办方式"), max_length=16, choices=Form.choices)
    content = models.TextField(_("督办事项及要求"))
    automatic = models.BooleanField(_("系统自动督办"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    issuing_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("督办单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("系统督办时为空，视为本级联合服务办公室。"),
    )
    issued_at = models.DateTimeField(_("督办时间"))
    due_at = models.DateTimeField(_("回复期限"), db_index=True)
    due_provisional = models.BooleanField(default=False)
    answer = models.TextField(_("回复内容"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回复人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.CharField(_("去重键"), max_length=120, unique=True, null=True, blank=True)
    history = HistoricalRecords(table_name="tickets_historicalsupervision")

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        db_table = "tickets_supervision"
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["department", "answered_at"]),
            models.Index(fields=["region", "answered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False) | Q(trigger="unregistered"),
                name="supervision_without_ticket_is_unregistered",
                violation_error_message=_("只有“无故不登记”的督办可以不关联工单。"),
            ),
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(answer="")) | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="supervision_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_form_display()}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, now=None) -> bool:
        """Unanswered past its answer due (derived at read time, SPEC §6)."""
        return self.answered_at is None and (now or timezone.now()) > self.due_at

    def running_clock(self) -> Clock | None:
        """The answer clock while it runs (the `due` tag reads it)."""
        if self.answered_at is not None:
            return None
        return Clock("supervision_answer", "回复", self.due_at, self.due_provisional, policy="supervision_answer")


class Urge(models.Model):
    """催办 (§4.6): the office or a specialist presses the lead department of an open ticket. A record, no state change."""

    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="urges")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("被催办部门"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("催办人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("催办内容"))
    at = models.DateTimeField(_("催办时间"), db_index=True)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        db_table = "tickets_urge"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"
