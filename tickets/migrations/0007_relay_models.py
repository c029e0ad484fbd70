# The apps were re-laid: the calendar, supervision, the sweep and the number sequence left tickets for apps of their own, and the daily figures came here from reports. Every table keeps its name and rows: only Django's state changes (SeparateDatabaseAndState).

import django.db.models.deletion
from django.db import migrations, models

from core.contenttypes import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_load_organisation'),
        ('tickets', '0006_sweep'),
        ('reports', '0002_daily_figures'),
        ('core', '0001_initial'),
        ('workcalendar', '0001_initial'),
        ('supervision', '0001_initial'),
        ('deadlines', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DemandDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='日期')),
                        ('dimension', models.CharField(choices=[('channel', '渠道'), ('domain', '业务领域'), ('category', '工单类别')], max_length=16)),
                        ('code', models.CharField(max_length=32)),
                        ('count', models.IntegerField(db_default=0, default=0)),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.region')),
                    ],
                    options={
                        'verbose_name': '诉求日统计',
                        'verbose_name_plural': '诉求日统计',
                        'db_table': 'reports_demandday',
                    },
                ),
                migrations.CreateModel(
                    name='TicketDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='日期')),
                        ('tickets_dispatched', models.IntegerField(db_default=0, default=0)),
                        ('signed', models.IntegerField(db_default=0, default=0)),
                        ('signed_on_time', models.IntegerField(db_default=0, default=0)),
                        ('first_closed', models.IntegerField(db_default=0, default=0)),
                        ('closed_on_time', models.IntegerField(db_default=0, default=0)),
                        ('closures', models.IntegerField(db_default=0, default=0)),
                        ('resolved', models.IntegerField(db_default=0, default=0)),
                        ('archived', models.IntegerField(db_default=0, default=0)),
                        ('reworked', models.IntegerField(db_default=0, default=0)),
                        ('callbacks', models.IntegerField(db_default=0, default=0)),
                        ('satisfied', models.IntegerField(db_default=0, default=0)),
                        ('handle_days', models.IntegerField(db_default=0, default=0)),
                        ('handle_tickets', models.IntegerField(db_default=0, default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.department')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.region')),
                    ],
                    options={
                        'verbose_name': '工单日统计',
                        'verbose_name_plural': '工单日统计',
                        'db_table': 'reports_ticketday',
                    },
                ),
                migrations.RemoveField(
                    model_name='calendarexception',
                    name='calendar_year',
                ),
                migrations.RemoveField(
                    model_name='historicalcalendarexception',
                    name='calendar_year',
                ),
                migrations.RemoveField(
                    model_name='clockalert',
                    name='demand',
                ),
                migrations.RemoveField(
                    model_name='clockalert',
                    name='supervision',
                ),
                migrations.RemoveField(
                    model_name='clockalert',
                    name='ticket',
                ),
                migrations.DeleteModel(
                    name='DeadlinePolicy',
                ),
                migrations.RemoveField(
                    model_name='historicalcalendarexception',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalcalendaryear',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicaldeadlinepolicy',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='answered_by',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='issuing_department',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='historicalsupervision',
                    name='ticket',
                ),
                migrations.DeleteModel(
                    name='NumberSequence',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='answered_by',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='issuing_department',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='supervision',
                    name='ticket',
                ),
                migrations.DeleteModel(
                    name='SweepState',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='ticket',
                ),
                migrations.DeleteModel(
                    name='CalendarException',
                ),
                migrations.DeleteModel(
                    name='CalendarYear',
                ),
                migrations.DeleteModel(
                    name='ClockAlert',
                ),
                migrations.DeleteModel(
                    name='HistoricalCalendarException',
                ),
                migrations.DeleteModel(
                    name='HistoricalCalendarYear',
                ),
                migrations.DeleteModel(
                    name='HistoricalDeadlinePolicy',
                ),
                migrations.DeleteModel(
                    name='HistoricalSupervision',
                ),
                migrations.DeleteModel(
                    name='Supervision',
                ),
                migrations.DeleteModel(
                    name='Urge',
                ),
                migrations.AddIndex(
                    model_name='demandday',
                    index=models.Index(fields=['region', 'day'], name='reports_dem_region__a59916_idx'),
                ),
                migrations.AddConstraint(
                    model_name='demandday',
                    constraint=models.UniqueConstraint(fields=('day', 'region', 'dimension', 'code'), name='demand_day_once'),
                ),
                migrations.AddIndex(
                    model_name='ticketday',
                    index=models.Index(fields=['region', 'day'], name='reports_tic_region__5f1605_idx'),
                ),
                migrations.AddConstraint(
                    model_name='ticketday',
                    constraint=models.UniqueConstraint(fields=('day', 'region', 'department'), name='ticket_day_once'),
                ),
            ],
        ),
        move_content_types([('reports', 'tickets', 'ticketday'), ('reports', 'tickets', 'demandday')]),
    ]
