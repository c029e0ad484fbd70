"""Switches of the workflow that the office may change without a release."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WorkflowSettings(models.Model):
    """Switches of the workflow that the office may change without a release. A single row (pk=1)."""

    auto_sign_enabled = models.BooleanField(
        _("超时视为签收"), default=True, help_text=_("签收时限届满既未签收也未提出异议的工单，视为签收并开始计算办理时限。")
    )
    auto_sign_raises_supervision = models.BooleanField(_("视为签收时自动系统督办"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("流程设置")
        verbose_name_plural = _("流程设置")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="workflow_settings_singleton")]

    def __str__(self) -> str:
        return str(_("流程设置"))

    @classmethod
    def current(cls) -> "WorkflowSettings":
        return cls.objects.get_or_create(pk=1)[0]
