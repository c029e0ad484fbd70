"""Archiving the audit log (SECURITY.md §4): rows are kept at least 184 days (网络安全法 Art. 21); older ones may be
moved to a gzip JSON-lines file. The file is written and read back before a single row is deleted, and the delete runs
in one transaction under the PostgreSQL setting that the trigger on the audit table waits for (ARCHIVE_SETTING), set
with SET LOCAL so that it ends with that transaction."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit.models import ARCHIVE_SETTING, AuditEvent

RETENTION_DAYS = 184
FIELDS = ["id", "at", "actor_id", "actor_name", "role", "ip", "user_agent", "action", "object_type", "object_id",
          "object_repr", "result", "detail"]


class ArchiveError(Exception):
    """Said to the operator in Chinese; nothing was deleted."""


def earliest_allowed(today: dt.date | None = None) -> dt.date:
    """The latest `before` date the archive accepts: 184 calendar days back (a retention period, not a deadline)."""
    today = today or timezone.localdate()
    return dt.date.fromordinal(today.toordinal() - RETENTION_DAYS)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def archive(before: dt.date, to: Path, *, today: dt.date | None = None) -> int:
    """Move the rows older than `before` (local midnight) to the file `to`; the number of rows moved."""
    limit = earliest_allowed(today)
    if before > limit:
        raise ArchiveError(f"审计记录至少保存 {RETENTION_DAYS} 天：日期不能晚于 {limit:%Y-%m-%d}。")
    to = Path(to)
    if to.exists():
        raise ArchiveError(f"文件 {to} 已存在，不会覆盖。")
    if not to.parent.is_dir():
        raise ArchiveError(f"目录 {to.parent} 不存在。")
    with transaction.atomic():
        rows = list(AuditEvent.objects.filter(at__lt=_start_of(before)).order_by("id").values(*FIELDS))
        if not rows:
            return 0
        partial = to.with_name(to.name + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
        _verify(partial, [row["id"] for row in rows])
        os.replace(partial, to)
        ids = [row["id"] for row in rows]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [ARCHIVE_SETTING])  # SET LOCAL
        for start in range(0, len(ids), 5000):
            AuditEvent.objects.filter(pk__in=ids[start:start + 5000]).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [ARCHIVE_SETTING])
    return len(rows)


def _verify(path: Path, ids: list[int]) -> None:
    """Read the file back: every row there, once, in order, as valid JSON."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as archived:
            read = [json.loads(line)["id"] for line in archived]
    except (OSError, ValueError, KeyError) as exc:
        path.unlink(missing_ok=True)
        raise ArchiveError(f"归档文件校验失败：{exc}") from exc
    if read != ids:
        path.unlink(missing_ok=True)
        raise ArchiveError("归档文件校验失败：记录数不一致，未删除任何记录。")
