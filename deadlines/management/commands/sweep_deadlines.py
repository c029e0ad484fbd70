from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from deadlines.sweep import sweep
from workcalendar.workdays import LOCAL_TZ


def parse_instant(value: str) -> datetime:
    """ISO 8601 date-time; without an offset it is Asia/Shanghai local time."""
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--now 的值“{value}”不是有效的 ISO 8601 时间，例：2026-10-10T09:00:00+08:00 或 2026-10-10T09:00（按北京时间）。"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        instant = instant.replace(tzinfo=LOCAL_TZ)
    return instant


class Command(BaseCommand):
    help = "巡检所有时限（研判、签收、办理、回访、督办回复）：到期预警、超期标记、超时视为签收、自动督办。可重复运行，同一时点不会重复处理。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="按此时点巡检（ISO 8601，如 2026-10-10T09:00:00+08:00；不带时区按北京时间），默认当前时间"
        )

    def handle(self, *args, now: str | None = None, **options):
        instant = parse_instant(now) if now is not None else None
        result = sweep(instant)
        self.stdout.write(
            f"预警 warned={result.warned} 超期 overdue={result.overdue} 视为签收 auto_signed={result.auto_signed} "
            f"自动督办 supervisions={result.supervisions}"
        )
