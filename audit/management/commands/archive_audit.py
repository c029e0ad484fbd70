"""python manage.py archive_audit --before YYYY-MM-DD --to FILE: move audit rows older than the date (at least 184
days back) to a gzip JSON-lines file, verified before the rows are deleted."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from audit.archive import ArchiveError, archive


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "将早于指定日期（至少 184 天前）的审计记录归档到 gzip JSON-lines 文件，校验后从数据库删除。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="归档此日期（当地时间零点）之前的记录，YYYY-MM-DD")
        parser.add_argument("--to", required=True, help="归档文件路径（.jsonl.gz），不得已存在")

    def handle(self, *args, before, to, **options):
        try:
            count = archive(_date(before), to)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已归档 {count} 条审计记录到 {to}。")
