"""The service-item catalogue (涉企服务事项清单) and each item's guide (办事指南): OUTREACH.md §1.

What the public reads are the item's own columns. A draft is edited in place; once published, an edit is kept in
`pending` (the same fields, as JSON) and reaches the columns only when the item is published again, so the public
page never shows an unpublished change. django-simple-history keeps every save: each publication is a historical
row whose `published_at` is new, so every earlier published version stays readable (catalogue.selectors).
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from catalogue import rules
from core.fsm import STATE_FIELDS
from core.search import document


class Kind(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    PAYMENT = "payment", _("行政给付")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他")


class ServiceKind(models.Model):
    """The reference list of kinds (OUTREACH §1), seeded by migration; its codes are the contract and never change."""

    code = models.CharField(_("编码"), max_length=32, primary_key=True, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=32)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项类型")
        verbose_name_plural = _("事项类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


# The guide's fields an edit may change (department, region and code never change).
GUIDE_FIELDS = (
    "name", "domain", "kind", "basis", "conditions", "materials", "steps", "legal_days", "promised_days", "fee",
    "location", "hours", "phone", "online_url", "responsibility",
)


class ServiceItem(ConcurrentTransitionMixin, models.Model):
    state_fields = STATE_FIELDS  # core.fsm: found once per class, not per instance loaded

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    STATE_STYLES = {"draft": "secondary", "published": "success", "retired": "dark"}

    code = models.CharField(_("事项编码"), max_length=64, unique=True, editable=False)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="service_items"
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="service_items"
    )
    name = models.CharField(_("事项名称"), max_length=120)
    domain = models.ForeignKey("accounts.Domain", verbose_name=_("业务领域"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项类型"), max_length=32, choices=Kind.choices, db_index=True)
    basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("申请条件"), blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    steps = models.TextField(_("办理流程"), blank=True)
    legal_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"))
    promised_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"))
    fee = models.CharField(_("收费标准"), max_length=500, blank=True, help_text=_("不填表示不收费"))
    location = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=64, blank=True)
    online_url = models.URLField(_("网上办理地址"), max_length=500, blank=True)
    responsibility = models.TextField(_("职责依据"), blank=True)

    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # An edit of a published item, waiting for the next publication (None: nothing pending).
    pending = models.JSONField(_("待发布的修改"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # What the keyword search reads (core.search): name, conditions and the materials' names, as published.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["department__sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__lte=models.F("legal_days")),
                name="service_item_promised_within_legal",
                violation_error_message=_("承诺办结时限不能超过法定办结时限。"),
            ),
            models.CheckConstraint(
                condition=Q(online_url="") | Q(online_url__startswith="https://"),
                name="service_item_online_url_https",
                violation_error_message=_("网上办理地址必须以 https:// 开头。"),
            ),
        ]
        indexes = [models.Index(fields=["state", "department", "code"], name="service_item_state_dept")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    # --- transitions: they only change the row; the checks and the rest live in catalogue/services.py ------------
    @transition(field=state, source=[State.DRAFT, State.PUBLISHED], target=State.PUBLISHED,
                permission=rules.may_manage, conditions=[rules.has_something_to_publish])
    def publish(self):
        pass

    @transition(field=state, source=[State.DRAFT, State.PUBLISHED], target=State.RETIRED, permission=rules.may_manage)
    def retire(self):
        pass

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def fee_display(self) -> str:
        return self.fee or "不收费"

    def search_document(self) -> str:
        names = [m.get("name", "") for m in self.materials or [] if isinstance(m, dict)]
        return document(self.name, self.conditions, *names)


def _attachment_path(instance: ServiceAttachment, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"catalogue/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{ext}"


class ServiceAttachment(models.Model):
    """A blank form or a filled-in sample of an item's guide (空白表格、示范文本)."""

    class Kind(models.TextChoices):
        FORM = "form", _("空白表格")
        SAMPLE = "sample", _("示范文本")
        OTHER = "other", _("其他")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.FORM)
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("事项附件")
        verbose_name_plural = _("事项附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
