import os

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, USERS, seed_demo_accounts
from accounts.models import Role
from catalogue.demo import seed_demo_items
from chambers.demo import seed_demo_chambers
from enterprises.demo import WAITING, seed_demo_identity
from policies.demo import seed_demo_policies
from tickets.demo import seed_demo_tickets
from tickets.demo_trainings import seed_demo_training_demands
from trainings.demo import seed_demo_trainings
from tickets.workflow.policy_link import demand_register_linked


class Command(BaseCommand):
    help = "载入演示账号、演示企业以及分布在各状态的演示诉求与工单（SPEC §11），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号清单")

    def handle(self, *args, quiet_logins: bool = False, **options):
        # Demo users share a published password: never on a production system (SECURITY.md §3).
        if settings.IS_PRODUCTION or os.environ.get("DJANGO_ENV", "").strip().lower() == "production":
            raise CommandError("生产环境（DJANGO_ENV=production）不能载入演示数据：演示账号使用公开的密码。")
        result = seed_demo_accounts()
        self.stdout.write(
            f"演示数据已就绪：用户 {result['users']} 个（本次新建 {result['created']} 个），企业 {result['enterprises']} 家。"
        )
        identity = seed_demo_identity()
        self.stdout.write(f"企业认证：{identity['waiting']} 家企业等待联合服务办公室认证。")
        catalogue = seed_demo_items()
        self.stdout.write(f"服务事项清单：{catalogue['items']} 项演示事项（本次新建 {catalogue['created']} 项）。")
        policies = seed_demo_policies()
        self.stdout.write(f"惠企政策：{policies['policies']} 项（本次新建 {policies['created']} 项），已向匹配的演示企业推送。")
        trainings = seed_demo_trainings()
        questions = seed_demo_training_demands()
        self.stdout.write(f"宣讲培训：{trainings['trainings']} 场（本次新建 {trainings['created']} 场），培训中收集诉求 {questions} 件。")
        stories = seed_demo_tickets()
        self.stdout.write(f"演示诉求与工单：{stories['scenarios']} 组（本次新建 {stories['created']} 组）。")
        chambers = seed_demo_chambers(register=demand_register_linked)
        self.stdout.write(
            f"商会轮值：{chambers['chambers']} 家商会和协会、今年的轮值计划（已发布）、{chambers['activities']} 次活动，"
            f"本次登记活动中收集的诉求 {chambers['demands']} 件。"
        )
        # The outward contexts above tickets (meetings …) seed their demo data over the demo tickets through their
        # AppConfig's `seed_demo()`: this command may not import them (the layers of .importlinter).
        for config in apps.get_app_configs():
            if hasattr(config, "seed_demo"):
                self.stdout.write(config.seed_demo())
        if not quiet_logins:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}；有动态口令密钥的账号登录后还需输入身份验证器的 6 位数字）：")
            secrets = result["totp_secrets"]
            for item in USERS:
                secret = f"  动态口令密钥 {secrets[item.username]}" if item.username in secrets else ""
                self.stdout.write(f"  {item.username:<20} {Role(item.role).label}（{item.affiliation}）{secret}")
            self.stdout.write(f"  {WAITING['username']:<20} {Role.ENTERPRISE.label}（待认证的自助注册企业的管理员）")
