"""Reports keep one table of their own: the weights of the department ranking (SPEC §9), editable by admins."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_WEIGHTS = {"sign_weight": Decimal("0.20"), "resolution_weight": Decimal("0.40"), "satisfaction_weight": Decimal("0.40")}


class RankingWeights(models.Model):
    """The composite score of a department: weights of sign on-time, resolution and satisfaction (one row)."""

    sign_weight = models.DecimalField(_("按时签收率权重"), max_digits=4, decimal_places=2, default=DEFAULT_WEIGHTS["sign_weight"])
    resolution_weight = models.DecimalField(
        _("解决率权重"), max_digits=4, decimal_places=2, default=DEFAULT_WEIGHTS["resolution_weight"]
    )
    satisfaction_weight = models.DecimalField(
        _("满意率权重"), max_digits=4, decimal_places=2, default=DEFAULT_WEIGHTS["satisfaction_weight"]
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门排名权重")
        verbose_name_plural = _("部门排名权重")
        constraints = [
            models.CheckConstraint(
                condition=Q(sign_weight__gte=0, resolution_weight__gte=0, satisfaction_weight__gte=0)
                & Q(sign_weight__lte=1, resolution_weight__lte=1, satisfaction_weight__lte=1),
                name="ranking_weights_between_0_and_1",
                violation_error_message=_("每项权重须在 0 到 1 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(sign_weight__gt=0) | Q(resolution_weight__gt=0) | Q(satisfaction_weight__gt=0),
                name="ranking_weights_not_all_zero",
                violation_error_message=_("三项权重不能全部为 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"签收 {self.sign_weight} / 解决 {self.resolution_weight} / 满意 {self.satisfaction_weight}"

    @classmethod
    def current(cls) -> "RankingWeights":
        """The one row; the defaults (0.2/0.4/0.4) when nobody has saved one yet."""
        return cls.objects.order_by("pk").first() or cls(**DEFAULT_WEIGHTS)


class TicketDay(models.Model):
    """The ticket figures of one lead department on one local day, by the day of each event (SPEC §9).

    Kept correct by the workflow: every save of a ticket or callback applies the difference it makes
    (reports.daily), in the same transaction. `python manage.py rebuild_daily_figures` recomputes it from the tickets.
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
        indexes = [models.Index(fields=["region", "day"])]
