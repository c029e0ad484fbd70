"""Reports keep one table of their own: the weights of the department ranking (SPEC §9), editable by admins. The daily
figures they read are kept by the tickets app (tickets.figures) as tickets change."""

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
