# The models moved here from the tickets app with their tables: only Django's state changes (SeparateDatabaseAndState).

import django.db.models.deletion
from django.db import migrations, models

from core.contenttypes import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tickets', '0006_sweep'),
        ('supervision', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SweepState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('last_now', models.DateTimeField(blank=True, null=True, verbose_name='上次巡检时点')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='上次完成时间')),
                    ],
                    options={
                        'verbose_name': '时限巡检状态',
                        'verbose_name_plural': '时限巡检状态',
                        'db_table': 'tickets_sweepstate',
                    },
                ),
                migrations.CreateModel(
                    name='ClockAlert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('warning', '可能超期预警'), ('overdue', '已超期')], max_length=16, verbose_name='类型')),
                        ('clock', models.CharField(choices=[('triage', '研判'), ('sign', '签收'), ('handle', '办理'), ('callback', '回访'), ('supervision', '督办回复')], max_length=16, verbose_name='时限')),
                        ('subject', models.CharField(max_length=40, verbose_name='对象')),
                        ('due_at', models.DateTimeField(db_index=True, verbose_name='期限')),
                        ('created_at', models.DateTimeField(verbose_name='记录时间')),
                        ('demand', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='clock_alerts', to='tickets.demand')),
                    ],
                    options={
                        'verbose_name': '时限预警与超期记录',
                        'verbose_name_plural': '时限预警与超期记录',
                        'db_table': 'tickets_clockalert',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='clockalert',
                    name='supervision',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='clock_alerts', to='supervision.supervision'),
                ),
                migrations.AddField(
                    model_name='clockalert',
                    name='ticket',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='clock_alerts', to='tickets.ticket'),
                ),
                migrations.AddConstraint(
                    model_name='sweepstate',
                    constraint=models.CheckConstraint(condition=models.Q(('pk', 1)), name='sweep_state_singleton'),
                ),
                migrations.AddConstraint(
                    model_name='clockalert',
                    constraint=models.UniqueConstraint(fields=('subject', 'clock', 'due_at', 'kind'), name='clock_alert_once'),
                ),
                migrations.AddConstraint(
                    model_name='clockalert',
                    constraint=models.CheckConstraint(condition=models.Q(('demand__isnull', False), ('ticket__isnull', False), ('supervision__isnull', False), _connector='OR'), name='clock_alert_has_subject'),
                ),
            ],
        ),
        move_content_types([('tickets', 'deadlines', 'clockalert'), ('tickets', 'deadlines', 'sweepstate')]),
    ]
