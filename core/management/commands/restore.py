"""`python manage.py restore --from DIR --database-url URL`: load a backup of `backup` into a fresh database and
extract its files; refuses a non-empty database or media folder unless --force (core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, redacted, restore


class Command(BaseCommand):
    help = "从 backup 命令的备份目录恢复：数据库装入新库（不存在则创建），附件解压到附件目录，并按清单核对记录数与文件校验和。"

    def add_arguments(self, parser):
        parser.add_argument("--from", required=True, dest="source", help="备份目录")
        parser.add_argument("--database-url", required=True, help="恢复到的数据库，如 postgres://用户@主机:5432/新库名")
        parser.add_argument("--media-root", default=None, help="附件解压到的目录（默认为本平台的 MEDIA_ROOT）")
        parser.add_argument("--force", action="store_true", help="目标数据库或附件目录不为空时仍然覆盖")

    def handle(self, *args, source, database_url, media_root, force, **options):
        media = Path(media_root) if media_root else Path(settings.MEDIA_ROOT)
        try:
            result = restore(Path(source), database_url, media_root=media, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        figures = result["counts"]
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{redacted(database_url)}——工单 {figures['tickets']} 件、诉求 {figures['demands']} 件、"
            f"附件 {figures['attachments']} 个、文件 {result['files']} 个，与备份清单一致。"
        ))
