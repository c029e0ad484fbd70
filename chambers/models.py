"""Chamber rotation (商会轮值, OUTREACH §4, seed §3.5): the chambers and trade associations a region's federation of
industry and commerce (`{region}-gsl`) keeps, the chamber users who belong to one, the yearly rotation plan, and the
activities held with the demands collected there (tickets.Demand.activity points here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_bounds_q
from core.models import UploadedFile, dated_upload_path


class Chamber(models.Model):
    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("商会")
        ASSOCIATION = "association", _("行业协会")

    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="chambers")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.CHAMBER)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("商会/行业协会")
        verbose_name_plural = _("商会/行业协会")
        ordering = ["region_id", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="chamber_unique_name_per_region",
                                    violation_error_message=_("本区域已有同名的商会或协会。")),
        ]

    def __str__(self) -> str:
        return self.name


class ChamberMembership(models.Model):
    """A `chamber` user belongs to one chamber (accounts sits below this app, so the link lives here)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("商会工作人员"), on_delete=models.CASCADE,
                                related_name="chamber_membership")
    chamber = models.ForeignKey(Chamber, verbose_name=_("所属商会"), on_delete=models.PROTECT, related_name="memberships")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("商会成员")
        verbose_name_plural = _("商会成员")

    def __str__(self) -> str:
        return f"{self.user} → {self.chamber}"


class RotationPlan(models.Model):
    """One region's rotation plan for one year; readable by everybody once published."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="rotation_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("商会轮值计划")
        verbose_name_plural = _("商会轮值计划")
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="rotation_plan_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2099), name="rotation_plan_year_bounds",
                                   violation_error_message=_("年度应在 2000～2099 之间。")),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年商会轮值计划"

    @property
    def published(self) -> bool:
        return self.published_at is not None


class RotationEntry(models.Model):
    """One chamber's turn: no two turns of one chamber overlap (checked by the act under a lock; on PostgreSQL also
    an exclusion constraint, migration 0002)."""

    plan = models.ForeignKey(RotationPlan, verbose_name=_("轮值计划"), on_delete=models.CASCADE, related_name="entries")
    chamber = models.ForeignKey(Chamber, verbose_name=_("轮值商会"), on_delete=models.PROTECT, related_name="entries")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    theme = models.CharField(_("轮值主题"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("轮值安排")
        verbose_name_plural = _("轮值安排")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="rotation_entry_period",
                                   violation_error_message=_("结束日期不能早于开始日期。")),
            models.CheckConstraint(condition=date_bounds_q("starts_on") & date_bounds_q("ends_on"),
                                   name="rotation_entry_date_bounds",
                                   violation_error_message=_("日期应在 2000 年至 2099 年之间。")),
        ]
        indexes = [models.Index(fields=["chamber", "starts_on"], name="rotation_entry_by_chamber")]

    def __str__(self) -> str:
        return f"{self.chamber}（{self.starts_on:%Y-%m-%d}～{self.ends_on:%Y-%m-%d}）"


class Activity(models.Model):
    class Kind(models.TextChoices):
        ROTATION = "rotation", _("商会轮值")
        SYMPOSIUM = "symposium", _("企业座谈")
        EXPERIENCE = "experience", _("办事体验")
        BRIEFING = "briefing", _("主题宣讲")
        TRAINING = "training", _("专题培训")

    chamber = models.ForeignKey(Chamber, verbose_name=_("商会/协会"), on_delete=models.PROTECT, related_name="activities")
    # The chamber's region, kept on the row so that every read filters by one indexed column.
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="chamber_activities")
    entry = models.ForeignKey(RotationEntry, verbose_name=_("轮值安排"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="activities")
    kind = models.CharField(_("活动类型"), max_length=16, choices=Kind.choices, default=Kind.ROTATION)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=200)
    departments = models.ManyToManyField("accounts.Department", verbose_name=_("参加部门"), blank=True, related_name="+")
    enterprises_count = models.PositiveIntegerField(_("参加企业数"), default=0)
    summary = models.TextField(_("活动情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("商会活动")
        verbose_name_plural = _("商会活动")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=date_bounds_q("held_on"), name="activity_held_on_bounds",
                                   violation_error_message=_("活动日期应在 2000 年至 2099 年之间。")),
            models.CheckConstraint(condition=Q(enterprises_count__lte=100000), name="activity_enterprises_count_range",
                                   violation_error_message=_("参加企业数不能超过 100000。")),
        ]
        indexes = [models.Index(fields=["region", "-held_on"], name="activity_by_region")]

    def __str__(self) -> str:
        return f"{self.chamber} {self.get_kind_display()}（{self.held_on:%Y-%m-%d}）"


def _activity_file_path(instance, filename: str) -> str:
    return dated_upload_path("chambers", filename)


class ActivityFile(UploadedFile):
    """A photo or document of an activity; read only by those who read the activity."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=_activity_file_path)

    class Meta(UploadedFile.Meta):
        verbose_name = _("活动照片/附件")
        verbose_name_plural = _("活动照片/附件")
