"""Password policy (SECURITY.md §2): the age of each password, "must change it", and the hashes of recent ones.

Adding `password_changed_at` with its callable default writes the moment of the migration into every existing row (the
default is evaluated once), so no existing user finds a stale password at deploy; no row is removed.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_three_administrators'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaluser',
            name='must_change_password',
            field=models.BooleanField(default=False, verbose_name='须修改密码'),
        ),
        migrations.AddField(
            model_name='historicaluser',
            name='password_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='密码修改时间'),
        ),
        migrations.AddField(
            model_name='user',
            name='must_change_password',
            field=models.BooleanField(default=False, verbose_name='须修改密码'),
        ),
        migrations.AddField(
            model_name='user',
            name='password_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='密码修改时间'),
        ),
        migrations.CreateModel(
            name='PasswordHistory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='密码哈希')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='设置时间')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='password_history', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '历史密码',
                'verbose_name_plural': '历史密码',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', '-created_at'], name='password_history_recent')],
            },
        ),
    ]
