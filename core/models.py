"""Models every app may build on: human-readable numbers and the immutable timeline entry."""

import os
import uuid

import pgtrigger
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
        # Created by the tickets app before the plumbing moved to core; the table keeps its name and rows.
        db_table = "tickets_numbersequence"

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


def next_number(prefix: str) -> str:
    """The next human-readable number for `prefix` (SQ demands, GD tickets, DB supervisions …)."""
    return NumberSequence.next_number(prefix)


def next_numbers(prefix: str, n: int) -> list[str]:
    """`n` consecutive numbers of today's sequence for `prefix`, reserved with one row lock and one update (a batch
    of records numbered at once, e.g. the sweep's automatic supervisions); the same format as `next_number`."""
    if n < 1:
        return []
    day = timezone.localdate()
    key = f"{prefix}{day:%Y%m%d}"
    with transaction.atomic():
        NumberSequence.objects.get_or_create(key=key)
        row = NumberSequence.objects.select_for_update().get(key=key)
        first = row.last + 1
        row.last += n
        row.save(update_fields=["last"])
    return [f"{key}-{number:04d}" for number in range(first, first + n)]


class ImmutableEntry(models.Model):
    """A timeline entry: written once, never changed or deleted (the audit trail of SPEC §5).

    Subclasses name their actions in `ACTION_LABELS` (code → the Chinese a person reads).
    """

    ACTION_LABELS: dict[str, str] = {}

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
        # On PostgreSQL the database itself refuses to change or remove an entry, whatever the code path (ORM
        # bulk update, queryset delete, raw SQL). TRUNCATE (a test database's flush) is not a row operation.
        triggers = [
            pgtrigger.Protect(name="timeline_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("时间线记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("时间线记录不可删除。"))


def dated_upload_path(prefix: str, filename: str) -> str:
    """Where an upload is stored: `{prefix}/{year}/{month}/{random}{ext}` — never the name the uploader chose (kept
    apart as `original_name`), so a stored path reveals nothing and two uploads never collide."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"{prefix}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{ext}"


class UploadedFile(models.Model):
    """What every stored upload of the outreach apps records beside its file: the uploader's file name, the type
    checked by core.files, the size, who and when. Subclasses add the `file` field (their own upload path) and the
    row they belong to."""

    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SavedView(models.Model):
    """A person's named filters and order of one list (`list_key`, e.g. "tickets"), kept as its query string: the list
    links to it as a quick link. Only its owner reads or deletes it (core.savedviews)."""

    NAME_LIMIT = 30

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="saved_views")
    list_key = models.CharField(_("列表"), max_length=32)
    name = models.CharField(_("名称"), max_length=NAME_LIMIT)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保存的视图")
        verbose_name_plural = _("保存的视图")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
