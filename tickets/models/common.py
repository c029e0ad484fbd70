"""Pieces shared by demands and tickets: attachments and the timeline entries."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ImmutableEntry

# The actions of the demand and ticket timelines, as a person reads them.
TIMELINE_ACTIONS = {
    "register": "登记", "self_handle": "首问部门直接办理", "ticket": "形成工单", "merge": "合并",
    "supplement_requested": "要求补充材料", "supplement": "补充材料", "consult": "发起会商", "opinion": "会商意见",
    "escalate": "提级办理", "reject": "不予受理", "withdraw": "撤回", "dispatch": "派单", "sign": "签收",
    "auto_sign": "视为签收", "object": "提出办理异议", "reassign": "重新派单", "refer_to_government": "报请政府确定",
    "decide_lead": "政府确定牵头部门", "add_co_department": "添加协办部门", "co_confirm": "确认协办",
    "co_feedback": "协办反馈", "request_extension": "申请延期", "decide_extension": "延期审批",
    "request_termination": "申请终止办理", "decide_termination": "终止办理审批", "escalation_update": "提级进展",
    "close": "办结", "callback": "回访", "return_for_rework": "退回重办", "request_review": "申请复查复核",
    "review": "复查复核", "rate": "企业评价", "sampled_callback": "抽访",
    "supervise": "督办", "supervision_answer": "督办回复", "urge": "催办",
    "clock_warning": "时限预警", "clock_overdue": "超期", "due_recomputed": "期限重算", "attach": "上传附件",
    "assign": "指定承办人", "propose_merge": "征询企业同意合并", "decline_merge": "企业不同意合并",
    "merge_lapsed": "合并未进行",
}


class TimelineEntry(ImmutableEntry):
    """An entry of a demand's or a ticket's timeline."""

    ACTION_LABELS = TIMELINE_ACTIONS
    # Only a visitor's own submission registers a demand without a person acting (/demands/new/).
    VISITOR_ACTIONS = frozenset({"register"})

    class Meta(ImmutableEntry.Meta):
        abstract = True

    @property
    def actor_label(self) -> str:
        """Who acted, as the timeline names an entry without a user: the visitor who submitted, else the system."""
        return "访客（网上提交）" if self.action in self.VISITOR_ACTIONS else "系统"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name on disk: the original name is kept in the row and only given back on a permitted download.
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MATERIAL = "material", _("诉求材料")
        SUPPLEMENT = "supplement", _("补充材料")
        EVIDENCE = "evidence", _("办理佐证")

    demand = models.ForeignKey(
        "tickets.Demand", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.MATERIAL)
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    # Empty for the files a visitor sends with a demand submitted without an account (/demands/new/).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(demand__isnull=False, ticket__isnull=True)
                | models.Q(demand__isnull=True, ticket__isnull=False),
                name="attachment_belongs_to_one_object",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
