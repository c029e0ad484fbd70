# The model moved here from the tickets app with its table: only Django's state changes (SeparateDatabaseAndState).

from django.db import migrations, models

from core.contenttypes import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tickets', '0006_sweep'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NumberSequence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=32, unique=True)),
                        ('last', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': '编号序列',
                        'verbose_name_plural': '编号序列',
                        'db_table': 'tickets_numbersequence',
                    },
                ),
            ],
        ),
        move_content_types([('tickets', 'core', 'numbersequence')]),
    ]
