"""Self-service identity of enterprises (SECURITY.md §1): the SMS codes that prove a phone."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhoneCode(models.Model):
    """One SMS verification code sent to a phone for one purpose. Neither the phone nor the code is stored: both are
    keyed digests (core.hashing), so the table proves nothing to whoever reads it."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("企业注册")
        RESET_PASSWORD = "reset_password", _("找回密码")
        CHANGE_PHONE = "change_phone", _("更换手机号")
        PUBLIC_SUBMIT = "public_submit", _("免登录提交诉求")

    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    phone_digest = models.CharField(_("手机号摘要"), max_length=64)
    ip_digest = models.CharField(_("来源地址摘要"), max_length=64, blank=True)
    code_digest = models.CharField(_("验证码摘要"), max_length=64)
    sent_at = models.DateTimeField(_("发送时间"))
    tries = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone_digest", "purpose", "sent_at"], name="phonecode_phone"),
            models.Index(fields=["ip_digest", "sent_at"], name="phonecode_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.sent_at:%Y-%m-%d %H:%M}"
