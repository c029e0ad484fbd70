"""Demands (企业需求) as received on a channel, and what triage does with them (SPEC §3, §4)."""

from functools import cached_property

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.dates import datetime_bounds_q
from core.fields import EncryptedTextField
from core.fsm import STATE_FIELDS
from core.search import document
from tickets import rules
from tickets.models.common import TimelineEntry
from workcalendar.clocks import Clock


class Channel(models.TextChoices):
    ONLINE = "online", _("线上平台/门户网站")
    HOTLINE = "hotline", _("12345/省长直通车等热线")
    HALL = "hall", _("政务大厅线下")
    TRANSFER = "transfer", _("跨区域跨层级平台转办")
    DEPARTMENT = "department", _("部门反映/走访调研座谈")
    CHAMBER = "chamber", _("商会轮值活动")
    SUPERVISOR = "supervisor", _("特约监督员")
    OTHER = "other", _("其他渠道")
    ASSIGNED = "assigned", _("市委市政府交办")


class RejectReason(models.TextChoices):
    ILLEGAL = "illegal", _("违法违规或违背公序良俗")
    IN_LEGAL_PROCEDURE = "in_legal_procedure", _("已进入仲裁、纪检监察、行政复议、信息公开等法定程序")
    MARKET_DISPUTE = "market_dispute", _("市场主体之间的矛盾纠纷")


class ConsentMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    ONLINE = "online", _("线上确认")
    IN_PERSON = "in_person", _("当面")
    WRITTEN = "written", _("书面")


class Demand(ConcurrentTransitionMixin, models.Model):  # ConcurrentTransitionMixin includes FSMModelMixin
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        REGISTERED = "registered", _("待研判")
        AWAITING_MATERIALS = "awaiting_materials", _("待补充材料")
        CONSULTING = "consulting", _("会商中")
        TICKETED = "ticketed", _("已形成工单")
        MERGED = "merged", _("已合并")
        REJECTED = "rejected", _("不予受理")
        ESCALATED = "escalated", _("已提级")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATES = (State.REGISTERED, State.AWAITING_MATERIALS, State.CONSULTING)
    # The colour of each state's badge (a Bootstrap contextual class; the text carries the meaning).
    STATE_STYLES = {
        "registered": "primary", "awaiting_materials": "warning", "consulting": "info", "ticketed": "success",
        "merged": "secondary", "rejected": "dark", "escalated": "secondary", "withdrawn": "light",
    }

    number = models.CharField(_("诉求编号"), max_length=32, unique=True)
    state = FSMField(_("状态"), default=State.REGISTERED, choices=State.choices, protected=True, db_index=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, db_index=True)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="demands"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    # As the requester named it; the enterprise row may be renamed later.
    enterprise_name = models.CharField(_("企业名称"), max_length=128, blank=True)
    requester_name = models.CharField(_("诉求人"), max_length=64, blank=True)
    # Encrypted at rest and masked on every page unless revealed (SECURITY.md §5, tickets.pii).
    requester_phone = EncryptedTextField(_("联系电话"), blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("诉求内容"))
    domain = models.ForeignKey("accounts.Domain", verbose_name=_("业务领域"), on_delete=models.PROTECT)
    received_at = models.DateTimeField(_("收到时间"))
    registered_at = models.DateTimeField(_("登记时间"), db_index=True)
    first_contact_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("首问部门"), on_delete=models.PROTECT, related_name="first_contact_demands"
    )
    # Empty only for a visitor's own submission at /demands/new/ (no account registers it; SECURITY.md §1).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_demands",
    )
    external_ref = models.CharField(_("外部编号"), max_length=64, null=True, blank=True)
    self_handle = models.BooleanField(_("首问部门直接办理"), default=False)
    # A visitor's submission follows its demand at /track/ with the number and a query code shown once; only this
    # keyed digest of the code is kept (core.hashing, tickets.tracking).
    query_code_digest = models.CharField(_("查询码摘要"), max_length=64, blank=True, default="", editable=False)
    # What the keyword search reads (core.search): number, title and the enterprise as named.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)

    triage_due_at = models.DateTimeField(_("研判期限"), null=True, blank=True, db_index=True)
    triage_due_provisional = models.BooleanField(_("研判期限暂定"), default=False)

    missing_materials = models.TextField(_("需补充的材料"), blank=True)
    materials_requested_at = models.DateTimeField(_("要求补充时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理原因"), max_length=32, choices=RejectReason.choices, blank=True)
    reject_note = models.TextField(_("不予受理说明"), blank=True)
    consent_by = models.CharField(_("同意合并人"), max_length=64, blank=True)
    consent_method = models.CharField(_("同意方式"), max_length=16, choices=ConsentMethod.choices, blank=True)
    consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    escalation_reason = models.TextField(_("提级原因"), blank=True)
    decided_at = models.DateTimeField(_("研判完成时间"), null=True, blank=True)

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT, related_name="demands"
    )
    # The published service item the demand is about ("就此事项反映诉求", OUTREACH §1): its department is suggested
    # as lead at triage and its duty text (职责依据) is shown at triage and beside an objection.
    service_item = models.ForeignKey(
        "catalogue.ServiceItem", verbose_name=_("服务事项"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="demands",
    )
    # County → city escalation: the transfer demand created in the parent region's queue.
    source_demand = models.OneToOneField(
        "self",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_demand",
    )
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_demands",
    )
    # What the demand is about, when it came from the outreach side (OUTREACH.md): a question about a policy.
    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("相关政策"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="demands",
    )
    # A question raised at a policy training session (OUTREACH §3), registered by the organiser.
    training = models.ForeignKey(
        "trainings.TrainingSession", verbose_name=_("相关培训"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="demands",
    )
    # … or collected at a chamber rotation activity (OUTREACH §4; channel `chamber` only).
    activity = models.ForeignKey(
        "chambers.Activity", verbose_name=_("商会活动"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="demands",
    )
    # The meeting where the question was raised (OUTREACH §5: 会上诉求, channel `department` or `assigned`). A
    # database relation named by string, not a Python import: meetings sits above tickets in the layers
    # (.importlinter), so tickets reads the meeting only through this relation (tickets.workflow.meeting_link).
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("提出诉求的会议"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="demands",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=Q(external_ref__isnull=False),
                name="demand_unique_external_ref_per_channel",
                violation_error_message=_("该渠道的外部编号已登记过。"),
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True) | Q(enterprise__isnull=False),
                name="demand_enterprise_unless_anonymous",
                violation_error_message=_("非匿名诉求必须填写企业。"),
            ),
            models.CheckConstraint(
                condition=Q(registered_by__isnull=False) | (Q(channel="online") & ~Q(query_code_digest="")),
                name="demand_registrar_unless_visitor",
                violation_error_message=_("只有访客在线提交的诉求可以没有登记人。"),
            ),
            models.CheckConstraint(
                condition=Q(received_at__lte=models.F("registered_at")),
                name="demand_received_before_registered",
                violation_error_message=_("收到时间不能晚于登记时间。"),
            ),
            # SECURITY.md §6: no year 1 (PostgreSQL would keep a year that Python cannot read back).
            models.CheckConstraint(
                condition=datetime_bounds_q("received_at"), name="demand_received_at_bounds",
                violation_error_message=_("收到时间不能早于 2000 年 1 月 1 日。"),
            ),
            models.CheckConstraint(
                condition=datetime_bounds_q("consent_at", nullable=True), name="demand_consent_at_bounds",
                violation_error_message=_("同意时间不能早于 2000 年 1 月 1 日。"),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "state", "triage_due_at"]),
            # The demand list's default order (waiting demands by triage due, then the decided ones newest first: a
            # decided demand's triage_due_at is NULL) and its reverse; its other sortable columns, both ways
            # (tickets.listing.DEMAND_SORTS).
            models.Index(F("triage_due_at").asc(nulls_last=True), F("registered_at").desc(), F("id").desc(),
                         name="demand_list_due"),
            models.Index(F("triage_due_at").desc(nulls_last=True), F("registered_at").desc(), F("id").desc(),
                         name="demand_due_desc"),
            models.Index(fields=["registered_at", "id"], name="demand_registered"),
            # An enterprise's own demands, newest first (its home and its list). Without it, for an enterprise with
            # few or no demands PostgreSQL walks demand_registered backwards through every demand (1.7 s at a
            # million) looking for the enterprise's newest five.
            models.Index(fields=["enterprise", "registered_at", "id"], name="demand_enterprise_registered"),
            models.Index(fields=["state", "registered_at", "id"], name="demand_state_registered"),
            models.Index(fields=["channel", "registered_at", "id"], name="demand_channel_registered"),
            # The deadline sweep reads only running triage clocks whose due instant falls in its window.
            models.Index(
                fields=["triage_due_at"], condition=Q(state__in=["registered", "consulting"]), name="demand_triage_due_running"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # --- transitions: they only change the row; rules and side effects live in tickets/workflow/ --------------------
    @transition(field=state, source=State.REGISTERED, target=State.AWAITING_MATERIALS, permission=rules.is_region_office)
    def request_materials(self):
        pass

    @transition(field=state, source=State.AWAITING_MATERIALS, target=State.REGISTERED, permission=rules.may_supply_materials)
    def supply_materials(self):
        pass

    @transition(field=state, source=State.REGISTERED, target=State.CONSULTING, permission=rules.is_region_office)
    def start_consultation(self):
        pass

    @transition(field=state, source=[State.REGISTERED, State.CONSULTING], target=State.TICKETED, permission=rules.is_region_office)
    def form_ticket(self):
        pass

    @transition(field=state, source=State.REGISTERED, target=State.MERGED, permission=rules.is_region_office)
    def merge(self):
        pass

    @transition(field=state, source=[State.REGISTERED, State.CONSULTING], target=State.ESCALATED, permission=rules.is_region_office)
    def escalate(self):
        pass

    @transition(field=state, source=State.REGISTERED, target=State.REJECTED, permission=rules.is_region_office)
    def reject(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.WITHDRAWN, permission=rules.is_demand_owner)
    def withdraw(self):
        pass

    @cached_property
    def attachment_list(self) -> list:
        """The demand's files; a page that loads several demands' files in one query assigns this instead."""
        return list(self.attachments.all())

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def search_document(self) -> str:
        """Number, title, the enterprise as named on the demand and as registered (it may have been renamed)."""
        registered = self.enterprise.name if self.enterprise_id else ""
        return document(*dict.fromkeys(part for part in (self.number, self.title, self.enterprise_name, registered) if part))

    def running_clock(self) -> Clock | None:
        """The triage clock while the demand waits for the office's decision (SPEC §6)."""
        if self.state in (self.State.REGISTERED, self.State.CONSULTING) and self.triage_due_at:
            return Clock("triage", "研判", self.triage_due_at, self.triage_due_provisional, policy="triage")
        return None


class ConsultRequest(models.Model):
    """A member department asked for its opinion during 会商 (SPEC §4 `consult`)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="consultations")
    department = models.ForeignKey("accounts.Department", verbose_name=_("会商部门"), on_delete=models.PROTECT)
    requested_at = models.DateTimeField(_("发起时间"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("会商意见"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("会商意见")
        verbose_name_plural = _("会商意见")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "department", "requested_at"], name="consult_once_per_round")
        ]


class ProvincialEscalation(models.Model):
    """A matter beyond the city's authority, submitted to the provincial 企业之家 outside this system (§4.2.1(3), §4.4.5)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("省级已受理")
        RETURNED = "returned", _("省级退回")
        RESOLVED = "resolved", _("省级已办结")

    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.PROTECT, related_name="provincial_escalations"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="provincial_escalations"
    )
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("提级原因"))
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    external_ref = models.CharField(_("省级平台编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    result = models.TextField(_("处理结果"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("省级提级记录")
        verbose_name_plural = _("省级提级记录")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(demand__isnull=False) | Q(ticket__isnull=False), name="escalation_has_subject"
            )
        ]


class MergeProposal(models.Model):
    """The office asks the enterprise on the platform whether its demand may be merged into an open ticket of the same
    matter (§4.2.1(2)). The enterprise's "同意" is the requester's consent (method `online`, who and when recorded on the
    demand) and merges at once; "不同意" leaves the demand with the office, which decides otherwise. The demand stays
    `registered` meanwhile (SPEC §4 has no waiting state) and its triage clock runs on; when it leaves triage by any
    other act, an unanswered proposal lapses (`tickets.workflow._shared.save_demand`)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待企业确认")
        ACCEPTED = "accepted", _("企业同意合并")
        DECLINED = "declined", _("企业不同意合并")
        LAPSED = "lapsed", _("已失效")

    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="merge_proposals")
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("拟合并到的工单"), on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("征询说明"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("征询人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("征询时间"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复或失效时间"), null=True, blank=True)
    answer_note = models.TextField(_("答复说明"), blank=True)

    class Meta:
        verbose_name = _("合并征询")
        verbose_name_plural = _("合并征询")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand"], condition=Q(state="pending"), name="merge_proposal_one_pending",
                violation_error_message=_("该诉求已有一项待企业确认的合并征询。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.ticket_id}（{self.get_state_display()}）"


class DemandEvent(TimelineEntry):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("诉求时间线")
        verbose_name_plural = _("诉求时间线")


class SubmissionKey(models.Model):
    """One creation of a demand per key (SECURITY.md §6, double submission): the API's `Idempotency-Key` header or a
    web form's one-time token. A second request with the same key (same user, same place) within 24 hours gets the
    first result again — the API its first response, the web a redirect to the demand — and creates nothing."""

    scope = models.CharField(_("提交位置"), max_length=40)
    key = models.CharField(_("幂等键"), max_length=128)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status = models.PositiveSmallIntegerField(_("首次响应状态码"), null=True, blank=True)
    body = models.JSONField(_("首次响应内容"), null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("防重复提交记录")
        verbose_name_plural = _("防重复提交记录")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "user"], name="submission_key_once"),
            models.UniqueConstraint(
                fields=["scope", "key"], condition=Q(user__isnull=True), name="submission_key_once_anonymous"
            ),
        ]
