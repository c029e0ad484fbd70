"""Policy training sessions (政策宣讲培训, OUTREACH §3): the session a department organises, the enterprise users'
registrations (one seat each, never more than `capacity`), attendance, feedback and the session's files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.dates import datetime_bounds_q
from core.fsm import STATE_FIELDS
from core.models import UploadedFile, dated_upload_path
from trainings import rules


class Topic(models.TextChoices):
    COMMON_ISSUES = "common_issues", _("企业常遇问题")
    FINANCING = "financing", _("融资贷款")
    LEGAL = "legal", _("法律服务")
    TALENT = "talent", _("人才服务")
    POLICY = "policy", _("惠企政策")
    PROJECT = "project", _("项目申报")
    INNOVATION = "innovation", _("科技创新")
    TAX = "tax", _("税费减免")


def has_started(session) -> bool:
    return session.starts_at is not None and session.starts_at <= timezone.now()


class TrainingSession(ConcurrentTransitionMixin, models.Model):
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    STATE_STYLES = {"draft": "secondary", "published": "success", "held": "primary", "cancelled": "dark"}
    PUBLIC_STATES = (State.PUBLISHED, State.HELD)

    department = models.ForeignKey("accounts.Department", verbose_name=_("主办部门"), on_delete=models.PROTECT,
                                   related_name="trainings")
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="trainings")
    topic = models.CharField(_("主题"), max_length=32, choices=Topic.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容介绍"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上参加网址"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    signup_closes_at = models.DateTimeField(_("报名截止时间"))
    policies = models.ManyToManyField("policies.Policy", verbose_name=_("相关政策"), blank=True,
                                      related_name="trainings")
    # Seats held by registrations; changed only together with a registration, under the session's row lock.
    seats_taken = models.PositiveIntegerField(_("已报名人数"), default=0, editable=False)

    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("标记举办时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)

    class Meta:
        verbose_name = _("宣讲培训")
        verbose_name_plural = _("宣讲培训")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_ends_after_start",
                                   violation_error_message=_("结束时间必须晚于开始时间。")),
            models.CheckConstraint(condition=Q(signup_closes_at__lte=F("starts_at")),
                                   name="training_signup_closes_before_start",
                                   violation_error_message=_("报名截止时间不能晚于开始时间。")),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_capacity_positive",
                                   violation_error_message=_("名额必须大于 0。")),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="training_seats_within_capacity",
                                   violation_error_message=_("报名人数不能超过名额。")),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_url=""), name="training_venue_or_online",
                                   violation_error_message=_("请填写地点或线上参加网址。")),
            models.CheckConstraint(condition=Q(online_url="") | Q(online_url__startswith="https://"),
                                   name="training_online_url_https",
                                   violation_error_message=_("线上参加网址必须以 https:// 开头。")),
            models.CheckConstraint(condition=datetime_bounds_q("starts_at") & datetime_bounds_q("ends_at")
                                   & datetime_bounds_q("signup_closes_at"), name="training_dates_bounded"),
        ]
        indexes = [models.Index(fields=["state", "starts_at"], name="training_state_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def place(self) -> str:
        return self.venue or "线上"

    def signup_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.PUBLISHED and now < self.signup_closes_at

    # --- transitions: they only change the row; the checks and the rest live in trainings/services.py ------------
    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED, permission=rules.may_manage)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=state, source=State.PUBLISHED, target=State.HELD, permission=rules.may_manage,
                conditions=[has_started])
    def hold(self) -> None:
        self.held_at = timezone.now()

    @transition(field=state, source=[State.DRAFT, State.PUBLISHED], target=State.CANCELLED,
                permission=rules.may_manage)
    def cancel(self, reason: str = "") -> None:
        self.cancelled_at = timezone.now()
        self.cancel_reason = reason


class Registration(models.Model):
    """One enterprise user's seat at a session (at most one per user). Cancelling the sign-up deletes the row."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("培训"), on_delete=models.CASCADE,
                                related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT,
                             related_name="training_registrations")
    enterprise = models.ForeignKey("accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="training_registrations")
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    attended = models.BooleanField(_("已出席"), default=False)
    attendance_recorded_at = models.DateTimeField(_("考勤登记时间"), null=True, blank=True)
    # The reminder the day before is sent once: the task claims the row by setting this first.
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="training_one_seat_per_user",
                                               violation_error_message=_("您已报名这场培训。"))]

    def __str__(self) -> str:
        return f"{self.session} · {self.user}"


class Feedback(models.Model):
    """An attendee's score (1–5) and comment, given once after the session ended."""

    registration = models.OneToOneField(Registration, verbose_name=_("报名"), on_delete=models.CASCADE,
                                        related_name="feedback")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("意见建议"), blank=True)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("培训评价")
        verbose_name_plural = _("培训评价")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="training_score_1_5",
                                              violation_error_message=_("评分应为 1～5。"))]

    def __str__(self) -> str:
        return f"{self.registration}：{self.score}"


def _attachment_path(instance, filename: str) -> str:
    return dated_upload_path("trainings", filename)


class TrainingAttachment(UploadedFile):
    """Slides and materials of a session; public once the session is published or held."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("培训"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path)

    class Meta(UploadedFile.Meta):
        verbose_name = _("培训资料")
        verbose_name_plural = _("培训资料")
