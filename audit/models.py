"""The audit log (安全审计, SECURITY.md §4): one append-only table, written in the transaction of the act it records."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The PostgreSQL setting under which the archive command (alone) may delete archived rows.
ARCHIVE_SETTING = "qyzj.audit_archive"


class Result(models.TextChoices):
    OK = "ok", _("成功")
    FAILED = "failed", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEvent(models.Model):
    """Who did what to which object, from where, with what result. Never a password, token, code or full phone: the
    `detail` holds identifiers and outcomes only (audit.services.record checks its keys)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # Users are never deleted (PROTECT): an audit row keeps pointing at who acted. Empty for a visitor.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    # As it was at the time (a username or role may change later).
    actor_name = models.CharField(_("账号"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=16, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices, default=Result.OK)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-at"], name="audit_by_actor"),
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_by_object"),
        ]
        # PostgreSQL refuses any UPDATE, and any DELETE except the archive command's (audit/archive.py), which sets
        # `qyzj.audit_archive` for its own transaction only (SET LOCAL) after writing and verifying the archive file.
        triggers = [
            pgtrigger.Protect(name="audit_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(
                name="audit_delete_only_by_archive",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition(f"current_setting('{ARCHIVE_SETTING}', true) IS DISTINCT FROM 'on'"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '访客'} {self.action}"
