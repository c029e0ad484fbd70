from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sso.services import link_identity


class Command(BaseCommand):
    help = "将省统一身份认证的身份标识（sub）关联到平台用户。用法：manage.py sso_link USERNAME SUBJECT [--issuer URL]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("subject")
        parser.add_argument("--issuer", default=None, help="身份提供方（issuer），默认取 OIDC_OP_ISSUER")

    def handle(self, *args, username: str, subject: str, issuer: str | None, **options):
        issuer = issuer if issuer is not None else settings.OIDC_OP_ISSUER
        if not issuer.strip():
            raise CommandError("未配置 OIDC_OP_ISSUER，请设置该环境变量或用 --issuer 指定身份提供方。")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None
        try:
            link_identity(user=user, issuer=issuer, subject=subject)
        except ValidationError as exc:
            raise CommandError("".join(message for messages in exc.message_dict.values() for message in messages)) from None
        self.stdout.write(f"已将统一身份标识关联到用户“{username}”。")
