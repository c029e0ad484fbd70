# The daily figures are kept by the tickets app now (tickets 0007 takes over the tables): only Django's state changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_daily_figures'),
        ('tickets', '0007_relay_models'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='ticketday',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='ticketday',
                    name='region',
                ),
                migrations.DeleteModel(
                    name='DemandDay',
                ),
                migrations.DeleteModel(
                    name='TicketDay',
                ),
            ],
        ),
    ]
