"""Self-service identity of enterprises (SECURITY.md §1): the SMS codes that prove a phone, the verification of
self-registered enterprises, their licences, administrators, join requests, invitations and privacy consents."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
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


def _licence_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"licences/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Verification(models.Model):
    """Whether the office of the enterprise's region has checked a self-registered enterprise against its business
    licence. Enterprises registered by staff on a demand have no row: nobody claimed them online."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("待认证")
        VERIFIED = "verified", _("已认证")
        REJECTED = "rejected", _("未通过认证")

    enterprise = models.OneToOneField(
        "accounts.Enterprise", verbose_name=_("企业"), primary_key=True, on_delete=models.CASCADE,
        related_name="verification",
    )
    status = models.CharField(_("认证状态"), max_length=16, choices=Status.choices, default=Status.UNVERIFIED)
    reason = models.TextField(_("未通过原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认证人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业认证")
        verbose_name_plural = _("企业认证")
        indexes = [models.Index(fields=["status", "submitted_at"], name="verification_queue")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_status_display()}"


class Licence(models.Model):
    """A scan of the business licence (营业执照), image or PDF; served only through a permission-checked view."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="licences"
    )
    file = models.FileField(_("文件"), upload_to=_licence_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("营业执照")
        verbose_name_plural = _("营业执照")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EnterpriseAdmin(models.Model):
    """The one enterprise user who administers the enterprise's accounts (invites, removes, approves join requests)."""

    enterprise = models.OneToOneField(
        "accounts.Enterprise", verbose_name=_("企业"), primary_key=True, on_delete=models.CASCADE,
        related_name="administrator",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("企业管理员"), on_delete=models.PROTECT, related_name="administers"
    )
    since = models.DateTimeField(_("任职时间"), default=timezone.now)

    class Meta:
        verbose_name = _("企业管理员")
        verbose_name_plural = _("企业管理员")

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.user}"


class Consent(models.Model):
    """A person's consent to the privacy notice (PIPL Art. 14): which version, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="consents"
    )
    version = models.CharField(_("隐私政策版本"), max_length=32)
    consented_at = models.DateTimeField(_("同意时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = _("隐私政策同意记录")
        ordering = ["-consented_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.version}"


class JoinRequest(models.Model):
    """A person who signed up with the uscc of an enterprise that already has accounts. Their account waits inactive
    until the enterprise's administrator (or, for an enterprise without one, the office of its region) decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("已拒绝")

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="join_requests",
    )
    name = models.CharField(_("姓名"), max_length=32)
    phone_masked = models.CharField(_("手机号（脱敏）"), max_length=16)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("加入企业申请")
        verbose_name_plural = _("加入企业申请")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["enterprise", "status"], name="joinrequest_pending")]

    def __str__(self) -> str:
        return f"{self.name} → {self.enterprise}"


class Invitation(models.Model):
    """A one-time link, sent by SMS, with which an invited staff member sets a password. Stored as a keyed digest."""

    VALID_FOR_HOURS = 72

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("受邀账号"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_digest = models.CharField(_("链接摘要"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("员工邀请")
        verbose_name_plural = _("员工邀请")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class Tag(models.Model):
    """A verified fact about an enterprise that policies ask for (高新技术企业, 专精特新, 规上工业, 外贸企业 …). The list is
    kept by the system administrator; a tag is held only when department staff or the office grant it."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    description = models.CharField(_("认定依据"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseTag(models.Model):
    """A tag an enterprise holds now, with who granted it and when. Every grant and withdrawal is a `TagChange`."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tag_holdings"
    )
    tag = models.ForeignKey(Tag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="holdings")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认定人"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("认定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("企业所持标签")
        verbose_name_plural = _("企业所持标签")
        constraints = [models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprisetag_once")]
        indexes = [models.Index(fields=["tag", "enterprise"], name="enterprisetag_by_tag")]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.tag}"


class TagChange(models.Model):
    """The record of one grant or withdrawal of a tag: who, when, which way."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tag_changes"
    )
    tag = models.ForeignKey(Tag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField(_("授予"), help_text=_("否表示撤销"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("操作时间"), default=timezone.now)

    class Meta:
        verbose_name = _("企业标签变更记录")
        verbose_name_plural = _("企业标签变更记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {'授予' if self.granted else '撤销'} {self.tag}"
