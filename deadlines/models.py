"""What the deadline sweep has done (SPEC §7): one row per warning or overdue mark, and where the last sweep got to.

The tables were created by the tickets app before the sweep became an app of its own; they keep their names.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClockAlert(models.Model):
    """A warning (可能超期) or an overdue mark (已超期) of one clock of one object, recorded once.

    Unique on subject + clock + due instant + kind, so a sweep run twice (or two sweeps at once) records it once, and a
    new due instant (rework, extension, recomputation) may warn again.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", _("可能超期预警")
        OVERDUE = "overdue", _("已超期")

    class Clock(models.TextChoices):
        TRIAGE = "triage", _("研判")
        SIGN = "sign", _("签收")
        HANDLE = "handle", _("办理")
        CALLBACK = "callback", _("回访")
        SUPERVISION = "supervision", _("督办回复")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    clock = models.CharField(_("时限"), max_length=16, choices=Clock.choices)
    # "demand:12", "ticket:34", "supervision:5": the object whose clock it is, in one indexed column.
    subject = models.CharField(_("对象"), max_length=40)
    demand = models.ForeignKey(
        "tickets.Demand", null=True, blank=True, on_delete=models.CASCADE, related_name="clock_alerts"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="clock_alerts"
    )
    supervision = models.ForeignKey(
        "supervision.Supervision", null=True, blank=True, on_delete=models.CASCADE, related_name="clock_alerts"
    )
    due_at = models.DateTimeField(_("期限"), db_index=True)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("时限预警与超期记录")
        verbose_name_plural = _("时限预警与超期记录")
        db_table = "tickets_clockalert"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "clock", "due_at", "kind"], name="clock_alert_once"),
            models.CheckConstraint(
                condition=Q(demand__isnull=False) | Q(ticket__isnull=False) | Q(supervision__isnull=False),
                name="clock_alert_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.get_clock_display()}{self.get_kind_display()}"


class SweepState(models.Model):
    """A single row (pk=1): the `now` of the latest completed sweep, so the next one reads only what fell due since."""

    last_now = models.DateTimeField(_("上次巡检时点"), null=True, blank=True)
    finished_at = models.DateTimeField(_("上次完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("时限巡检状态")
        verbose_name_plural = _("时限巡检状态")
        db_table = "tickets_sweepstate"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="sweep_state_singleton")]

    def __str__(self) -> str:
        return str(_("时限巡检状态"))
