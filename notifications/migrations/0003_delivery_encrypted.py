"""The outbox's address and text encrypted at rest (SECURITY.md §5): the columns change type here, 0004 encrypts the
rows already there and fills the keyed hash, 0005 puts the unique constraint on the hash."""

from django.db import migrations, models

import core.fields


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_delivery_outbox'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='delivery',
            name='delivery_once_per_address_key',
        ),
        migrations.AddField(
            model_name='delivery',
            name='address_digest',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='地址摘要'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='address',
            field=core.fields.EncryptedTextField(verbose_name='地址'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='body',
            field=core.fields.EncryptedTextField(blank=True, verbose_name='发送内容'),
        ),
    ]
