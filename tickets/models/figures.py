"""Daily figures of the dashboard (SPEC §9): per region, lead department and local day, kept by the acts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketDay(models.Model):
    """The ticket figures of one lead department on one local day, by the day of each event (SPEC §9).

    Kept correct by the acts: every save of a ticket or callback records the difference it makes (tickets.figures),
    in the same transaction. `python manage.py rebuild_daily_figures` recomputes it from the tickets. The table was
    created by the reports app and keeps its name.
    """

    day = models.DateField(_("日期"))
    region = models.ForeignKey("accounts.Region", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE, related_name="+")
    tickets_dispatched = models.IntegerField(default=0, db_default=0)
    signed = models.IntegerField(default=0, db_default=0)
    signed_on_time = models.IntegerField(default=0, db_default=0)
    first_closed = models.IntegerField(default=0, db_default=0)
    closed_on_time = models.IntegerField(default=0, db_default=0)
    closures = models.IntegerField(default=0, db_default=0)
    resolved = models.IntegerField(default=0, db_default=0)
    archived = models.IntegerField(default=0, db_default=0)
    reworked = models.IntegerField(default=0, db_default=0)
    callbacks = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)
    handle_days = models.IntegerField(default=0, db_default=0)
    handle_tickets = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("工单日统计")
        verbose_name_plural = _("工单日统计")
        constraints = [models.UniqueConstraint(fields=["day", "region", "department"], name="ticket_day_once")]
        db_table = "reports_ticketday"
        indexes = [models.Index(fields=["region", "day"])]


class DemandDay(models.Model):
    """Demands received in one region on one local day, counted along one dimension (channel, domain or category)."""

    class Dimension(models.TextChoices):
        CHANNEL = "channel", _("渠道")
        DOMAIN = "domain", _("业务领域")
        CATEGORY = "category", _("工单类别")

    day = models.DateField(_("日期"))
    region = models.ForeignKey("accounts.Region", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    code = models.CharField(max_length=32)
    count = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("诉求日统计")
        verbose_name_plural = _("诉求日统计")
        constraints = [models.UniqueConstraint(fields=["day", "region", "dimension", "code"], name="demand_day_once")]
        db_table = "reports_demandday"
        indexes = [models.Index(fields=["region", "day"])]
