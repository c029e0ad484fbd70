from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "打印指定用户的 API 令牌（不存在则创建）。用法：manage.py issue_token USERNAME"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
