# The models moved here from the tickets app with their tables: only Django's state changes (SeparateDatabaseAndState).

import django.core.validators
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
                    name='CalendarYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2099)], verbose_name='年份')),
                        ('official', models.BooleanField(default=False, help_text='国务院办公厅公布该年节假日安排并全部录入后勾选；未勾选的年份按周一至周五计算，相关时限标记为“暂定”。', verbose_name='官方数据已录入')),
                        ('source', models.CharField(blank=True, max_length=200, verbose_name='来源')),
                    ],
                    options={
                        'verbose_name': '年度节假日安排',
                        'verbose_name_plural': '年度节假日安排',
                        'db_table': 'tickets_calendaryear',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarException',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='日期')),
                        ('kind', models.CharField(choices=[('holiday', '法定节假日（休息）'), ('workday', '调休上班')], max_length=16, verbose_name='类型')),
                        ('name', models.CharField(max_length=64, verbose_name='节日名称')),
                        ('calendar_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='workcalendar.calendaryear', verbose_name='年度')),
                    ],
                    options={
                        'verbose_name': '节假日调整',
                        'verbose_name_plural': '节假日调整',
                        'db_table': 'tickets_calendarexception',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='DeadlinePolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('triage', '研判时限（自登记）'), ('sign', '签收或提出异议时限（自派单）'), ('handle_consultation', '办理时限：咨询类'), ('handle_coordination', '办理时限：协调类'), ('handle_coordination_complex', '办理时限：协调类（复杂）'), ('handle_complaint', '办理时限：一般投诉举报类'), ('handle_complaint_complex', '办理时限：投诉举报类（复杂疑难）'), ('callback', '回访时限（自办结）'), ('supervision_answer', '督办回复时限（自下发）')], max_length=32, unique=True, verbose_name='时限')),
                        ('working_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='工作日数')),
                        ('warning_working_days', models.PositiveSmallIntegerField(default=1, help_text='到期前多少个工作日开始提示“可能超期”；0 表示不预警。', validators=[django.core.validators.MaxValueValidator(30)], verbose_name='提前预警工作日数')),
                        ('basis', models.CharField(blank=True, max_length=64, verbose_name='依据')),
                    ],
                    options={
                        'verbose_name': '时限规则',
                        'verbose_name_plural': '时限规则',
                        'db_table': 'tickets_deadlinepolicy',
                        'ordering': ['id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('working_days__gte', 1)), name='deadline_policy_positive_days')],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCalendarException',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='日期')),
                        ('kind', models.CharField(choices=[('holiday', '法定节假日（休息）'), ('workday', '调休上班')], max_length=16, verbose_name='类型')),
                        ('name', models.CharField(max_length=64, verbose_name='节日名称')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('calendar_year', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workcalendar.calendaryear', verbose_name='年度')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical 节假日调整',
                        'verbose_name_plural': 'historical 节假日调整',
                        'db_table': 'tickets_historicalcalendarexception',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalCalendarYear',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(db_index=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2099)], verbose_name='年份')),
                        ('official', models.BooleanField(default=False, help_text='国务院办公厅公布该年节假日安排并全部录入后勾选；未勾选的年份按周一至周五计算，相关时限标记为“暂定”。', verbose_name='官方数据已录入')),
                        ('source', models.CharField(blank=True, max_length=200, verbose_name='来源')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical 年度节假日安排',
                        'verbose_name_plural': 'historical 年度节假日安排',
                        'db_table': 'tickets_historicalcalendaryear',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalDeadlinePolicy',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('triage', '研判时限（自登记）'), ('sign', '签收或提出异议时限（自派单）'), ('handle_consultation', '办理时限：咨询类'), ('handle_coordination', '办理时限：协调类'), ('handle_coordination_complex', '办理时限：协调类（复杂）'), ('handle_complaint', '办理时限：一般投诉举报类'), ('handle_complaint_complex', '办理时限：投诉举报类（复杂疑难）'), ('callback', '回访时限（自办结）'), ('supervision_answer', '督办回复时限（自下发）')], db_index=True, max_length=32, verbose_name='时限')),
                        ('working_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='工作日数')),
                        ('warning_working_days', models.PositiveSmallIntegerField(default=1, help_text='到期前多少个工作日开始提示“可能超期”；0 表示不预警。', validators=[django.core.validators.MaxValueValidator(30)], verbose_name='提前预警工作日数')),
                        ('basis', models.CharField(blank=True, max_length=64, verbose_name='依据')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical 时限规则',
                        'verbose_name_plural': 'historical 时限规则',
                        'db_table': 'tickets_historicaldeadlinepolicy',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
        move_content_types([('tickets', 'workcalendar', 'calendaryear'), ('tickets', 'workcalendar', 'calendarexception'), ('tickets', 'workcalendar', 'deadlinepolicy'), ('tickets', 'workcalendar', 'historicalcalendaryear'), ('tickets', 'workcalendar', 'historicalcalendarexception'), ('tickets', 'workcalendar', 'historicaldeadlinepolicy')]),
    ]
