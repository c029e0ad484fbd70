"""In-app notifications and the log of messages sent outside the platform (SPEC §7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.crypto import pii_hash
from core.fields import EncryptedTextField
from core.masking import mask_address
from notifications.registry import event_label


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user. `key` names the event instance: the same key never reaches the same user twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("事件"), max_length=32)
    key = models.CharField(_("去重键"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_recipient_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def event_label(self) -> str:
        return event_label(self.event)


def address_digest(channel: str, address: str) -> str:
    """The keyed hash of an outbox address (SECURITY.md §5): a phone as its digits (as `User.phone_digest`), an email
    address case-insensitively. Equality on addresses is asked of this column, never of the encrypted one."""
    return pii_hash(address, namespace="phone" if channel == Delivery.Channel.SMS else "email")


# Outbox events whose text is a secret for its addressee (a verification code, a visitor's query code): the text is
# blanked once the message left, so the outbox keeps no usable code after delivery (SECURITY.md §5).
PHONE_CODE_EVENT = "phone_code"
QUERY_CODE_EVENT = "query_code"
SECRET_EVENTS = frozenset({PHONE_CODE_EVENT, QUERY_CODE_EVENT})


class Delivery(models.Model):
    """An email or SMS in the outbox (SECURITY.md §7), at most one per (channel, address, key).

    The address (a phone or an email address) and the text are personal data: both are encrypted at rest
    (core.fields.EncryptedTextField); `address_digest` (the keyed hash, filled on save) answers "the same address?",
    and the unique constraint is on it.

    Written after the action commits, with the text to send; a Celery task (notifications.tasks.send_deliveries) sends
    it and records the outcome: `sent`, or — after a failed attempt — still `pending` with `next_attempt_at` set by an
    exponential backoff, and `failed` for good after the last attempt. While a task is sending it, `next_attempt_at`
    holds the end of that task's lease; a pending row whose `next_attempt_at` is long past was lost (a message or a
    worker gone) and the beat task requeues it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = EncryptedTextField(_("地址"))
    address_digest = models.CharField(_("地址摘要"), max_length=64, default="", editable=False)
    key = models.CharField(_("去重键"), max_length=200)
    event = models.CharField(_("事件"), max_length=32)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    # Database defaults too: the batch insert (notifications.services._deliver_many) leaves these two columns out, so
    # that a row binds few enough parameters for large batches in one statement.
    error = models.CharField(_("失败原因"), max_length=500, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    subject = models.CharField(_("邮件主题"), max_length=250, blank=True)
    body = EncryptedTextField(_("发送内容"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0, db_default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address_digest", "key"], name="delivery_once_per_address_key")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_address}"

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    def save(self, *args, **kwargs) -> None:
        self.address_digest = address_digest(self.channel, self.address)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "address" in update_fields and "address_digest" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "address_digest"]
        super().save(*args, **kwargs)
