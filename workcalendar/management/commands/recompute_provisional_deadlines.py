from django.core.management.base import BaseCommand, CommandError

from workcalendar.models import CalendarYear
from workcalendar.provisional import old_calendar, recompute_provisional


class Command(BaseCommand):
    help = (
        "按已录入的官方节假日安排，重新计算跨越指定年份的所有未结暂定期限（研判、签收、办理、回访、督办回复）。"
        "标记年度为官方数据时会自动执行；本命令用于补做（假定这些期限计算时该年按周一至周五计算）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, action="append", help="年份，如 2027；可重复给出")

    def handle(self, *args, year: list[str], **options):
        years = set()
        for value in year:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise CommandError(f"年份“{value}”不是有效的四位数字，例：2027。") from None
            if not 2000 <= number <= 2099:
                raise CommandError(f"年份 {number} 超出范围（2000–2099）。")
            years.add(number)
        official = set(CalendarYear.objects.filter(year__in=years, official=True).values_list("year", flat=True))
        missing = sorted(years - official)
        if missing:
            raise CommandError(
                "以下年份尚未标记为官方数据，请先在“年度节假日安排”中录入并勾选“官方数据已录入”："
                + "、".join(str(y) for y in missing)
            )
        result = recompute_provisional(
            years=years, working_before=old_calendar({y: (False, {}) for y in years})
        )
        for line in result.items:
            self.stdout.write(line)
        self.stdout.write(f"调整 {result.changed} 项，确认不变 {result.confirmed} 项。")
