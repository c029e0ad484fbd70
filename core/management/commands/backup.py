"""`python manage.py backup --to DIR`: the database and the uploaded files, with a manifest (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用备份接口）与附件目录，并写出含校验和与记录数的清单。"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, dest="target", help="备份目录（不存在或为空）")

    def handle(self, *args, target, **options):
        try:
            manifest = backup(Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        figures = manifest["counts"]
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{Path(target).resolve()}（{manifest['engine']}）——工单 {figures['tickets']} 件、"
            f"诉求 {figures['demands']} 件、附件 {figures['attachments']} 个、文件 {len(manifest['media_files'])} 个。"
        ))
