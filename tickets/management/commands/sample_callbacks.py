from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from tickets.sampling import sample_callbacks


class Command(BaseCommand):
    help = "按不低于 10% 的比例抽取下级区域当月办结工单用于抽访（同样的参数抽中同样的工单）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="抽访单位所在区域编码，如 anshun")
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM，如 2026-11")

    def handle(self, *args, region: str, month: str, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"区域“{region}”不存在。")
        try:
            year, number = (int(part) for part in month.split("-"))
            first = date(year, number, 1)
        except (ValueError, TypeError):
            raise CommandError(f"月份“{month}”格式不正确，应为 YYYY-MM，如 2026-11。") from None
        batches = sample_callbacks(region=found, month=first)
        if not batches:
            raise CommandError(f"{found.name}没有下级区域，无需抽访。")
        for batch in batches:
            numbers = list(batch.tickets.order_by("number").values_list("number", flat=True))
            self.stdout.write(f"{batch.region.code} {first:%Y-%m} 办结 {batch.closed_count} 件，抽访 {len(numbers)} 件：" + (" ".join(numbers) or "—"))
