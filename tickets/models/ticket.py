"""Tickets (需求工单): the work order formed from one or more demands, and its lifecycle (SPEC §5)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.fsm import STATE_FIELDS
from core.search import document
from tickets import rules
from tickets.models.common import TimelineEntry
from tickets.models.handling import ClosureStandard
from workcalendar.clocks import Clock


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("咨询类")
    COORDINATION = "coordination", _("协调类")
    COMPLAINT = "complaint", _("投诉举报类")


def handle_policy(category: str, complex_: bool) -> str:
    """The deadline policy row for handling a ticket of this category (§4.4.1)."""
    if category == Category.CONSULTATION:
        return "handle_consultation"
    if category == Category.COORDINATION:
        return "handle_coordination_complex" if complex_ else "handle_coordination"
    return "handle_complaint_complex" if complex_ else "handle_complaint"


# ConcurrentTransitionMixin is django-fsm-2's FSMModelMixin (refresh_from_db with the protected state field) plus the
# optimistic check that the state did not change under a save.
class Ticket(ConcurrentTransitionMixin, models.Model):
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        DISPATCHED = "dispatched", _("待签收")
        DISPUTED = "disputed", _("异议处理中")
        GOVERNMENT_DECISION = "government_decision", _("待政府确定")
        HANDLING = "handling", _("办理中")
        CLOSED = "closed", _("已办结待回访")
        REVIEW = "review", _("复查复核中")
        ARCHIVED = "archived", _("已归档")
        TERMINATED = "terminated", _("已终止")
        ESCALATED = "escalated", _("已提级")

    OPEN_STATES = (State.DISPATCHED, State.DISPUTED, State.GOVERNMENT_DECISION, State.HANDLING, State.CLOSED, State.REVIEW)
    FINAL_STATES = (State.ARCHIVED, State.TERMINATED, State.ESCALATED)
    # A demand may be merged only into a ticket that is still being worked on.
    MERGEABLE_STATES = (State.DISPATCHED, State.DISPUTED, State.GOVERNMENT_DECISION, State.HANDLING)
    # The colour of each state's badge (a Bootstrap contextual class; the text carries the meaning).
    STATE_STYLES = {
        "dispatched": "primary", "disputed": "warning", "government_decision": "warning", "handling": "info",
        "closed": "success", "review": "warning", "archived": "secondary", "terminated": "dark", "escalated": "secondary",
    }

    number = models.CharField(_("工单编号"), max_length=32, unique=True)
    state = FSMField(_("状态"), default=State.DISPATCHED, choices=State.choices, protected=True, db_index=True)
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="tickets")
    title = models.CharField(_("标题"), max_length=120)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    complex = models.BooleanField(_("复杂"), default=False)
    domain = models.ForeignKey("accounts.Domain", verbose_name=_("业务领域"), on_delete=models.PROTECT)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_tickets"
    )
    co_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("协办部门"),
        through="TicketCoDepartment",
        related_name="co_tickets",
        blank=True,
    )
    self_handled = models.BooleanField(_("首问部门直接办理"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("形成人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("形成时间"))

    dispatched_at = models.DateTimeField(_("派单时间"))
    sign_due_at = models.DateTimeField(_("签收期限"), null=True, blank=True, db_index=True)
    sign_due_provisional = models.BooleanField(default=False)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    first_signed_at = models.DateTimeField(_("首次签收时间"), null=True, blank=True)
    auto_signed = models.BooleanField(_("超时视为签收"), default=False)
    handle_started_at = models.DateTimeField(_("办理计时起点"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    handle_due_provisional = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("回访期限"), null=True, blank=True, db_index=True)
    callback_due_provisional = models.BooleanField(default=False)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    # The due instant of the clock running in the current state (sign / handling / callback), NULL when none runs.
    # Kept with the state by the acts (tickets.workflow._shared.save_ticket), so lists sort and filter by an index.
    current_due_at = models.DateTimeField(_("当前期限"), null=True, blank=True)
    # What the keyword search reads (core.search): number, title, and the enterprises and numbers of its demands.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)
    rework_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    # Closure (§4.5): the standard met, the result told to the enterprise, the written explanation or legal path.
    closure_standard = models.CharField(_("办结标准"), max_length=16, choices=ClosureStandard.choices, blank=True)
    closure_result = models.TextField(_("办理结果"), blank=True)
    closure_explanation = models.TextField(_("书面说明或解决路径"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_closed_at = models.DateTimeField(_("首次办结时间"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    escalation_reason = models.TextField(_("提级原因"), blank=True)

    # The current dispute (§4.3): who objected and why; the government's decision note.
    dispute_reason = models.TextField(_("异议理由"), blank=True)
    disputed_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    disputed_by_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral_note = models.TextField(_("报请政府确定说明"), blank=True)

    # 承办人: the person of the lead department who works the ticket (tickets.workflow.collab); cleared when the lead
    # department changes.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    assigned_at = models.DateTimeField(_("指定承办人时间"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("需求工单")
        verbose_name_plural = _("需求工单")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A department's and a region's queues by state, each soonest due first, then the newest (the lists' and
            # the workbench's order, tickets.listing.by_running_due, with nothing left to sort: a queue whose tickets
            # have no running clock — disputes, reviews — would otherwise be read whole to sort it by creation). Over
            # every state, final ones included: partial over the open states, they left a department's archived
            # tickets to be read whole and sorted (64 ms at a million tickets, 32 ms with these). They were partial
            # while parallel query was on, when PostgreSQL chose them for a department's quarter (the ledger) and
            # read its tickets in parallel; with parallel query off for such reads (core.db) it does not.
            models.Index(fields=["lead_department", "state", "current_due_at", "-created_at", "-id"],
                         name="ticket_lead_state_due"),
            models.Index(fields=["region", "state", "current_due_at", "-created_at", "-id"],
                         name="ticket_region_state_due"),
            # Newest first (the API list, the dashboard's drill-down lists), by state or lead department; a quarter's
            # tickets (the ledger).
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["state", "created_at", "id"], name="ticket_state_created"),
            models.Index(fields=["lead_department", "created_at", "id"], name="ticket_lead_created"),
            # Every running clock in due order: the whole list's first page, the overdue tickets.
            models.Index(fields=["current_due_at"], condition=models.Q(current_due_at__isnull=False), name="ticket_running_due"),
            # The list sorted by due the other way round (`?sort=-due`, tickets.listing): latest due first, tickets
            # without a running clock last.
            models.Index(F("current_due_at").desc(nulls_last=True), F("created_at").desc(), F("id").desc(),
                         name="ticket_due_desc"),
            # A region's tickets returned for rework and being handled again (the office's queue 退回重办).
            models.Index(
                fields=["region", "current_due_at"], condition=models.Q(state="handling", rework_count__gt=0),
                name="ticket_returned_running",
            ),
            # The deadline sweep reads only running clocks whose due instant falls in its window (deadlines/sweep.py).
            models.Index(fields=["sign_due_at"], condition=models.Q(state="dispatched"), name="ticket_sign_due_running"),
            models.Index(fields=["handle_due_at"], condition=models.Q(state="handling"), name="ticket_handle_due_running"),
            models.Index(fields=["callback_due_at"], condition=models.Q(state="closed"), name="ticket_callback_due_running"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_read_only(self) -> bool:
        return self.state in (self.State.ARCHIVED, self.State.TERMINATED)

    def search_document(self, demands) -> str:
        """The searched text: the ticket's number and title, and its demands' searched texts (their numbers, titles and
        enterprises)."""
        return document(self.number, self.title, *dict.fromkeys(demand.search_text for demand in demands))

    def handle_policy(self) -> str:
        return handle_policy(self.category, self.complex)

    def running_due(self):
        """The due instant of the running clock (the value `current_due_at` keeps)."""
        clock = self.running_clock()
        return clock.due if clock is not None else None

    def running_clock(self) -> Clock | None:
        """The clock of the current state: sign while dispatched, handling, callback once closed (SPEC §6)."""
        state = self.state
        if state == self.State.DISPATCHED and self.sign_due_at:
            return Clock("sign", "签收", self.sign_due_at, self.sign_due_provisional, policy="sign")
        if state == self.State.HANDLING and self.handle_due_at:
            return Clock("handle", "办理", self.handle_due_at, self.handle_due_provisional, policy=self.handle_policy())
        if state == self.State.CLOSED and self.callback_due_at:
            return Clock("callback", "回访", self.callback_due_at, self.callback_due_provisional, policy="callback")
        return None

    # --- the transition graph of SPEC §5. Methods only change the row; tickets/workflow/ holds the rules. -----------
    @transition(field=state, source=State.DISPATCHED, target=State.HANDLING, permission=rules.is_lead_handler)
    def sign(self):
        pass

    @transition(field=state, source=State.DISPATCHED, target=State.HANDLING, permission=rules.nobody)
    def auto_sign(self):
        pass

    @transition(field=state, source=State.DISPATCHED, target=State.DISPUTED, permission=rules.is_lead_handler)
    def object(self):
        pass

    @transition(field=state, source=[State.DISPUTED, State.GOVERNMENT_DECISION], target=State.DISPATCHED, permission=rules.is_region_office)
    def reassign(self):
        pass

    @transition(field=state, source=State.DISPUTED, target=State.GOVERNMENT_DECISION, permission=rules.is_region_office)
    def refer_to_government(self):
        pass

    @transition(field=state, source=State.GOVERNMENT_DECISION, target=State.DISPATCHED, permission=rules.is_region_government)
    def decide_lead(self):
        pass

    @transition(field=state, source=State.HANDLING, target=State.TERMINATED, permission=rules.is_region_office)
    def terminate(self):
        pass

    @transition(field=state, source=State.HANDLING, target=State.ESCALATED, permission=rules.is_region_office)
    def escalate(self):
        pass

    @transition(field=state, source=State.HANDLING, target=State.CLOSED, permission=rules.is_lead_handler)
    def close(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.ARCHIVED, permission=rules.may_call_back)
    def archive_after_callback(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.HANDLING, permission=rules.may_call_back)
    def return_for_rework(self):
        pass

    @transition(field=state, source=State.HANDLING, target=State.REVIEW, conditions=[lambda t: t.rework_count > 0], permission=rules.is_lead_handler)
    def request_review(self):
        pass

    @transition(field=state, source=State.REVIEW, target=State.ARCHIVED, permission=rules.is_region_office)
    def uphold_review(self):
        pass

    @transition(field=state, source=State.REVIEW, target=State.HANDLING, permission=rules.is_region_office)
    def order_rectification(self):
        pass


class TicketCoDepartment(models.Model):
    """A co-department (协办部门) of a ticket: it confirms, then feeds back to the lead (§4.4.3)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="co_links")
    department = models.ForeignKey("accounts.Department", verbose_name=_("协办部门"), on_delete=models.PROTECT)
    added_at = models.DateTimeField(_("添加时间"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    feedback = models.TextField(_("协办反馈"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协办部门")
        verbose_name_plural = _("协办部门")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "department"], name="co_department_once_per_ticket")]
        # A department's co-tickets of a period: a link is added when or after its ticket is formed, so the links
        # added since the period began hold them all (reports.ledger), without reading the department's history.
        indexes = [
            models.Index(fields=["department", "added_at"], name="co_department_added"),
            # The department's co-tickets still waiting for its feedback (its queue 待反馈协办意见, tickets.queues), without
            # reading the links it has long answered.
            models.Index(fields=["department", "ticket"], condition=models.Q(feedback_at__isnull=True),
                         name="co_awaiting_feedback"),
        ]


class TicketNote(models.Model):
    """An internal note on a ticket (内部备注): staff only, never shown to the enterprise, the public or in their API;
    the people it mentions (@) are told (tickets.workflow.collab)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("内容"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("提及"), related_name="+", blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("内部备注")
        verbose_name_plural = _("内部备注")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_note_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.pk}"


class TicketEvent(TimelineEntry):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("工单时间线")
        verbose_name_plural = _("工单时间线")
        indexes = [models.Index(fields=["ticket", "at"])]
