from django.core.management.base import BaseCommand

from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy
from workcalendar.seed import packaged_calendar, seed_calendar, seed_policies
from workcalendar.services import calendar_edit


class Command(BaseCommand):
    help = (
        "从 chinesecalendar 载入国务院公布的节假日和调休上班日期，并补齐缺少的时限规则；可重复运行。"
        "已标记为官方数据的年份保持不变，未标记的年份按安装的 chinesecalendar 补全后标记为官方数据。"
    )

    def handle(self, *args, **options) -> None:
        # A calendar change like any other: open provisional dues over a year marked official now are recounted.
        with calendar_edit(packaged_calendar().keys()):
            calendar = seed_calendar(CalendarYear, CalendarException)
            clocks = seed_policies(DeadlinePolicy)

        def years(values: list[int]) -> str:
            return "、".join(str(y) for y in values) or "无"

        self.stdout.write(f"新建年份：{years(calendar.years_created)}")
        self.stdout.write(f"补全并标记为官方数据的年份：{years(calendar.years_completed)}")
        self.stdout.write(f"已是官方数据、未改动的年份：{years(calendar.years_kept)}")
        self.stdout.write(f"写入日期：{calendar.dates_written} 条")
        self.stdout.write(f"新建时限规则：{'、'.join(clocks) or '无'}")
        self.stdout.write(self.style.SUCCESS("完成。"))
