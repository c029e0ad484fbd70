"""Pieces shared by demands and tickets: human-readable numbers, attachments and immutable timeline entries."""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """A counter per prefix and day. Incremented under a row lock, so numbers stay unique under concurrent creation."""

    key = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    @classmethod
    def next_number(cls, prefix: str) -> str:
        """`SQ20261125-0007`: prefix, the local date, and a counter that restarts every day."""
        day = timezone.localdate()
        key = f"{prefix}{day:%Y%m%d}"
        with transaction.atomic():
            cls.objects.get_or_create(key=key)
            row = cls.objects.select_for_update().get(key=key)
            row.last += 1
            row.save(update_fields=["last"])
        return f"{key}-{row.last:04d}"


class ImmutableEntry(models.Model):
    """A timeline entry: written once, never changed or deleted (the audit trail of SPEC §5)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # Internal entries (department opinions, office notes) are hidden from the enterprise.
    internal = models.BooleanField(_("仅内部可见"), default=False)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    ACTION_LABELS = {
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
        "clock_warning": "时限预警", "clock_overdue": "超期", "due_recomputed": "期限重算",
    }

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("时间线记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("时间线记录不可删除。"))


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
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
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
