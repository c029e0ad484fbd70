from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import issue_token


class Command(BaseCommand):
    help = (
        "为指定用户签发一个新的 API 令牌并打印（令牌只以摘要保存，这是唯一一次看到它）。"
        "用法：manage.py issue_token USERNAME [--name 名称] [--days 天数]"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途，例如“12345 热线对接”")
        parser.add_argument("--days", type=int, default=None, help=f"有效天数（默认 {settings.API_TOKEN_DAYS}）")

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("--days 必须是 1 到 3650 之间的整数。")
        name = name.strip() or "命令行签发"
        if len(name) > 64:
            raise CommandError("--name 不能超过 64 个字。")
        _, key = issue_token(user=user, name=name, days=days)
        self.stdout.write(key)
