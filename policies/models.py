"""Enterprise policies (惠企政策), who they fit, whom they reached, and the benefits paid without application
(OUTREACH §2)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import Scale
from core.fsm import STATE_FIELDS
from core.models import UploadedFile, dated_upload_path


class Mode(models.TextChoices):
    APPLY = "apply", _("申请兑现")
    NO_APPLY = "no_apply", _("免申即享")
    INSTANT = "instant", _("即申即享")
    DIRECT = "direct", _("直达快享")


# Modes whose department pays from a list it imports (免申即享, 直达快享): the enterprise applies for nothing.
BENEFICIARY_MODES = frozenset({Mode.NO_APPLY, Mode.DIRECT})


class Policy(ConcurrentTransitionMixin, models.Model):
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("发布部门"), on_delete=models.PROTECT, related_name="policies"
    )
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="policies")
    title = models.CharField(_("政策名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("发文日期"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    summary = models.TextField(_("政策要点"), help_text=_("用企业看得懂的话写：谁能享受、享受什么、怎么享受"))
    full_text = models.TextField(_("政策原文"), blank=True)
    domains = models.ManyToManyField("accounts.Domain", verbose_name=_("业务领域"), blank=True, related_name="+")
    mode = models.CharField(_("兑现方式"), max_length=16, choices=Mode.choices, default=Mode.APPLY)
    apply_url = models.URLField(_("申请网址"), max_length=300, blank=True)
    contact = models.CharField(_("咨询电话/联系人"), max_length=100, blank=True)

    # Eligibility (OUTREACH §2). Lists of codes; an empty list means "any". Kept as JSON lists so that the one matching
    # function (policies.matching) reads them the same way on every database.
    industries = models.JSONField(_("适用行业门类"), default=list, blank=True)
    scales = models.JSONField(_("适用企业规模"), default=list, blank=True)
    regions = models.JSONField(_("适用区域"), default=list, blank=True,
                               help_text=_("为空时适用发布区域及其下级区域"))
    min_years = models.PositiveSmallIntegerField(_("成立年限下限（年）"), null=True, blank=True)
    max_years = models.PositiveSmallIntegerField(_("成立年限上限（年）"), null=True, blank=True)
    tags = models.JSONField(_("须具备的企业标签"), default=list, blank=True)

    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)
    # What the keyword search reads (core.search): title, document number, summary.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)
    # How many verified enterprises fit the policy, as counted by its last push or the nightly recount
    # (policies.push): a department's figures read it instead of counting 100,000 enterprises per policy and page.
    matched_count = models.PositiveIntegerField(_("符合条件企业数"), null=True, blank=True, editable=False)
    matched_counted_at = models.DateTimeField(_("符合条件企业数统计时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text", "matched_count", "matched_counted_at"])

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="policy_effective_period",
                violation_error_message=_("失效日期不能早于生效日期。"),
            ),
            models.CheckConstraint(
                condition=Q(issued_on__gte="1949-10-01") & Q(effective_from__gte="1949-10-01"),
                name="policy_dates_plausible",
                violation_error_message=_("日期不能早于 1949 年 10 月 1 日。"),
            ),
            models.CheckConstraint(
                condition=Q(min_years__isnull=True) | Q(max_years__isnull=True) | Q(max_years__gte=models.F("min_years")),
                name="policy_years_range",
                violation_error_message=_("成立年限上限不能小于下限。"),
            ),
        ]
        indexes = [models.Index(fields=["state", "-published_at"], name="policy_published")]

    def __str__(self) -> str:
        return self.title

    def is_active(self, today=None) -> bool:
        """Published and not past `effective_to` (an expired policy reads `active: false` without a state change)."""
        today = today or timezone.localdate()
        return self.state == self.State.PUBLISHED and (self.effective_to is None or self.effective_to >= today)

    @property
    def active(self) -> bool:
        return self.is_active()

    @property
    def has_beneficiaries(self) -> bool:
        return self.mode in BENEFICIARY_MODES

    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=state, source=State.PUBLISHED, target=State.WITHDRAWN)
    def withdraw(self, reason: str = "") -> None:
        self.withdrawn_at = timezone.now()
        self.withdraw_reason = reason


def _policy_file_path(instance, filename: str) -> str:
    return dated_upload_path("policies", filename)


class PolicyAttachment(UploadedFile):
    """The policy document, interpretation or application forms; public once the policy is published."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_policy_file_path)

    class Meta(UploadedFile.Meta):
        verbose_name = _("政策附件")
        verbose_name_plural = _("政策附件")


class Reach(models.Model):
    """One enterprise and one policy that fits it: when it was told (the precise push, at most once), and what the
    enterprise did with it (`new` → `read` → `interested` / `applied`). A row is also written when an enterprise opens
    or marks a matched policy it was never pushed (its profile changed after the push)."""

    class Status(models.TextChoices):
        NEW = "new", _("未读")
        READ = "read", _("已读")
        INTERESTED = "interested", _("感兴趣")
        APPLIED = "applied", _("已申报")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="reaches")
    enterprise = models.ForeignKey("accounts.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="policy_reaches")
    notified_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策触达")
        verbose_name_plural = _("政策触达")
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="reach_once")]
        indexes = [models.Index(fields=["enterprise", "policy"], name="reach_by_enterprise")]

    def __str__(self) -> str:
        return f"{self.policy} → {self.enterprise}"


class Beneficiary(models.Model):
    """An enterprise on the beneficiary list of a 免申即享 / 直达快享 policy, and whether it has been paid."""

    class State(models.TextChoices):
        PENDING = "pending", _("待兑付")
        DISBURSED = "disbursed", _("已兑付")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="beneficiaries")
    enterprise = models.ForeignKey("accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="benefits")
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    disbursed_on = models.DateField(_("兑付日期"), null=True, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    disbursed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("兑付登记人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("免申即享名单")
        verbose_name_plural = _("免申即享名单")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="beneficiary_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="beneficiary_amount_positive",
                                   violation_error_message=_("金额必须大于 0。")),
            models.CheckConstraint(
                condition=Q(state="pending", disbursed_on__isnull=True)
                | Q(state="disbursed", disbursed_on__isnull=False, disbursed_on__gte="2000-01-01"),
                name="beneficiary_disbursed_has_date",
                violation_error_message=_("已兑付的记录须有兑付日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy}：{self.enterprise}"


__all__ = ["BENEFICIARY_MODES", "Beneficiary", "Mode", "Policy", "PolicyAttachment", "Reach", "Scale"]
