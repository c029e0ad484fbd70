from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Department, Domain, Region
from accounts.orgdata import load_organisation


class Command(BaseCommand):
    help = "载入 SPEC §2 的区域、部门与业务领域（可重复执行，不删除管理员新增的数据）。"

    @transaction.atomic
    def handle(self, *args, **options):
        load_organisation(Region, Domain, Department)
        self.stdout.write(
            f"区域 {Region.objects.count()} 个，部门 {Department.objects.count()} 个，业务领域 {Domain.objects.count()} 个。"
        )
