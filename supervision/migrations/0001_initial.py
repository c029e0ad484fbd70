# The models moved here from the tickets app with their tables: only Django's state changes (SeparateDatabaseAndState).

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.contenttypes import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_load_organisation'),
        ('tickets', '0006_sweep'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalSupervision',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('number', models.CharField(db_index=True, max_length=32, verbose_name='督办编号')),
                        ('trigger', models.CharField(choices=[('unregistered', '无故不登记'), ('overdue', '可能超期或已超期'), ('concentrated', '集中投诉的疑难重点事项'), ('repeated_rework', '多次重办仍不满意'), ('below_standard', '未达办结标准办结')], max_length=24, verbose_name='督办情形')),
                        ('form', models.CharField(choices=[('phone', '电话督办'), ('system', '系统督办'), ('written', '书面督办'), ('special', '专项督办')], max_length=16, verbose_name='督办方式')),
                        ('content', models.TextField(verbose_name='督办事项及要求')),
                        ('automatic', models.BooleanField(default=False, verbose_name='系统自动督办')),
                        ('issued_at', models.DateTimeField(verbose_name='督办时间')),
                        ('due_at', models.DateTimeField(db_index=True, verbose_name='回复期限')),
                        ('due_provisional', models.BooleanField(default=False)),
                        ('answer', models.TextField(blank=True, verbose_name='回复内容')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='回复时间')),
                        ('key', models.CharField(blank=True, db_index=True, max_length=120, null=True, verbose_name='去重键')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('answered_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='回复人')),
                        ('department', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department', verbose_name='督办对象')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('issued_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='督办人')),
                        ('issuing_department', models.ForeignKey(blank=True, db_constraint=False, help_text='系统督办时为空，视为本级联合服务办公室。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department', verbose_name='督办单位')),
                        ('region', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='所属区域')),
                        ('ticket', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.ticket', verbose_name='工单')),
                    ],
                    options={
                        'verbose_name': 'historical 督办',
                        'verbose_name_plural': 'historical 督办',
                        'db_table': 'tickets_historicalsupervision',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Urge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.TextField(verbose_name='催办内容')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='催办时间')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='催办人')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='被催办部门')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='urges', to='tickets.ticket', verbose_name='工单')),
                    ],
                    options={
                        'verbose_name': '催办',
                        'verbose_name_plural': '催办',
                        'db_table': 'tickets_urge',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Supervision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=32, unique=True, verbose_name='督办编号')),
                        ('trigger', models.CharField(choices=[('unregistered', '无故不登记'), ('overdue', '可能超期或已超期'), ('concentrated', '集中投诉的疑难重点事项'), ('repeated_rework', '多次重办仍不满意'), ('below_standard', '未达办结标准办结')], max_length=24, verbose_name='督办情形')),
                        ('form', models.CharField(choices=[('phone', '电话督办'), ('system', '系统督办'), ('written', '书面督办'), ('special', '专项督办')], max_length=16, verbose_name='督办方式')),
                        ('content', models.TextField(verbose_name='督办事项及要求')),
                        ('automatic', models.BooleanField(default=False, verbose_name='系统自动督办')),
                        ('issued_at', models.DateTimeField(verbose_name='督办时间')),
                        ('due_at', models.DateTimeField(db_index=True, verbose_name='回复期限')),
                        ('due_provisional', models.BooleanField(default=False)),
                        ('answer', models.TextField(blank=True, verbose_name='回复内容')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='回复时间')),
                        ('key', models.CharField(blank=True, max_length=120, null=True, unique=True, verbose_name='去重键')),
                        ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='回复人')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervisions', to='accounts.department', verbose_name='督办对象')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='督办人')),
                        ('issuing_department', models.ForeignKey(blank=True, help_text='系统督办时为空，视为本级联合服务办公室。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='督办单位')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='所属区域')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervisions', to='tickets.ticket', verbose_name='工单')),
                    ],
                    options={
                        'verbose_name': '督办',
                        'verbose_name_plural': '督办',
                        'db_table': 'tickets_supervision',
                        'ordering': ['due_at', 'id'],
                        'indexes': [models.Index(fields=['department', 'answered_at'], name='tickets_sup_departm_39236b_idx'), models.Index(fields=['region', 'answered_at'], name='tickets_sup_region__37e0e7_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ticket__isnull', False), ('trigger', 'unregistered'), _connector='OR'), name='supervision_without_ticket_is_unregistered', violation_error_message='只有“无故不登记”的督办可以不关联工单。'), models.CheckConstraint(condition=models.Q(models.Q(('answered_at__isnull', True), ('answer', '')), models.Q(('answered_at__isnull', False), models.Q(('answer', ''), _negated=True)), _connector='OR'), name='supervision_answer_has_time')],
                    },
                ),
            ],
        ),
        move_content_types([('tickets', 'supervision', 'supervision'), ('tickets', 'supervision', 'urge'), ('tickets', 'supervision', 'historicalsupervision')]),
    ]
