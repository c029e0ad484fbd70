"""What happens to a ticket after signing (SPEC §5 second half, §8): extensions, termination, callbacks, ratings,
review and the city's sampled callbacks of county tickets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import date_bounds_q


class Decision(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ClosureStandard(models.TextChoices):
    RESOLVED = "resolved", _("企业需求得到解决")
    PARTIAL = "partial", _("部分解决或因客观原因难以解决（已书面释明）")
    LEGAL_ROUTE = "legal_route", _("应通过法定途径解决（已书面给出解决路径）")


class TerminationReason(models.TextChoices):
    UNREACHABLE = "unreachable", _("无法联系诉求人")
    WITHDRAWN = "withdrawn", _("诉求人明示放弃或申请撤回")
    UNCLEAR = "unclear", _("需求不清晰且拒绝补充信息和资料")
    ANONYMOUS_OR_FALSE = "anonymous_or_false", _("匿名提交或提供虚假信息")


class _Request(models.Model):
    """A request by the lead that the office decides (extension, termination)."""

    reason_note = models.TextField(_("理由"))
    state = models.CharField(_("审批状态"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True
        ordering = ["requested_at", "id"]


class ExtensionRequest(_Request):
    """申请延期 (§4.4.2): the lead commits to a later date; approval moves the handling due to that date's end."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="extensions")
    due_date = models.DateField(_("承诺办结日期"))
    previous_due_at = models.DateTimeField(_("原办理期限"))

    class Meta(_Request.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(state="pending"), name="one_pending_extension_per_ticket",
                violation_error_message=_("该工单已有待审批的延期申请。"),
            ),
            models.CheckConstraint(
                condition=date_bounds_q("due_date"), name="extension_due_date_bounds",
                violation_error_message=_("承诺办结日期应在 2000 年至 2099 年之间。"),
            ),
        ]


class TerminationRequest(_Request):
    """申请终止办理 (§4.4.4) with one of the four reasons."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="terminations")
    reason = models.CharField(_("终止原因"), max_length=32, choices=TerminationReason.choices)

    class Meta(_Request.Meta):
        verbose_name = _("终止申请")
        verbose_name_plural = _("终止申请")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(state="pending"), name="one_pending_termination_per_ticket",
                violation_error_message=_("该工单已有待审批的终止申请。"),
            )
        ]


class SamplingBatch(models.Model):
    """The city office's sampled callbacks of one county's tickets closed in one month (§3.2.4: at least 10%)."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("被抽访区域"), on_delete=models.PROTECT, related_name="+")
    sampling_region = models.ForeignKey(
        "accounts.Region", verbose_name=_("抽访单位所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    closed_count = models.PositiveIntegerField(_("当月办结工单数"))
    created_at = models.DateTimeField(_("抽取时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tickets = models.ManyToManyField("tickets.Ticket", verbose_name=_("抽中的工单"), related_name="sampling_batches")

    class Meta:
        verbose_name = _("抽访批次")
        verbose_name_plural = _("抽访批次")
        ordering = ["-month", "region__sort_order"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="one_sampling_batch_per_region_month")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.month:%Y-%m} 抽访"


class Callback(models.Model):
    """回访 (§4.7): the office's (or a specialist's) call to the enterprise after closing; or a sampled one (§3.2.4)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="callbacks")
    at = models.DateTimeField(_("回访时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+")
    reached = models.BooleanField(_("联系上诉求人"))
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    consistent = models.BooleanField(_("与办结信息一致"), null=True)
    meets_standard = models.BooleanField(_("符合办结标准"), null=True)
    note = models.TextField(_("回访记录"), blank=True)
    sampled = models.BooleanField(_("抽访"), default=False)
    batch = models.ForeignKey(SamplingBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks")
    returned = models.BooleanField(_("退回重办"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False) | ~Q(satisfaction=""), name="reached_callback_has_satisfaction"
            ),
        ]

    @property
    def failed(self) -> bool:
        """A reached callback whose answers do not support the closure."""
        return self.reached and (
            self.consistent is False or self.meets_standard is False or self.satisfaction == Satisfaction.UNSATISFIED
        )


class Rating(models.Model):
    """The enterprise's own online rating of a result (SPEC §8), once per ticket, shown beside the office callback."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="rating")
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(_("评价"), blank=True)
    at = models.DateTimeField(_("评价时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("企业评价")
        verbose_name_plural = _("企业评价")


class Review(models.Model):
    """复查复核 (§4.8): the lead's request after a return, and the office's outcome."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("维持办结结果，予以归档")
        RECTIFY = "rectify", _("责令整改")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="reviews")
    reason = models.TextField(_("复查复核建议"))
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("复查复核结论"), max_length=16, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("处置意见"), blank=True)
    rectify_due_date = models.DateField(_("整改期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("复查复核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("复查复核")
        verbose_name_plural = _("复查复核")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=date_bounds_q("rectify_due_date", nullable=True), name="review_rectify_due_date_bounds",
                violation_error_message=_("整改期限应在 2000 年至 2099 年之间。"),
            ),
        ]
