from django.core.management.base import BaseCommand

from tickets.figures import rebuild


class Command(BaseCommand):
    help = "从工单、回访和诉求重新计算运行看板的日统计（数据经 SQL 直接导入或更正历年工作日历后运行）。"

    def handle(self, *args, **options):
        tickets, demands = rebuild()
        self.stdout.write(f"已重新计算：工单日统计 {tickets} 行，诉求日统计 {demands} 行。")
