# A stored running due for the lists' order (issue 10): the field, its value for every existing ticket, its indexes.

from django.conf import settings
from django.db import migrations, models


def fill_current_due(apps, schema_editor):
    """Every existing ticket gets the due of the clock running in its state (one UPDATE per state; rows keep all else)."""
    Ticket = apps.get_model("tickets", "Ticket")
    for state, column in (("dispatched", "sign_due_at"), ("handling", "handle_due_at"), ("closed", "callback_due_at")):
        Ticket.objects.filter(state=state).update(current_due_at=models.F(column))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_load_organisation'),
        ('tickets', '0007_relay_models'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ticket',
            name='tickets_tic_lead_de_93b1f1_idx',
        ),
        migrations.RemoveIndex(
            model_name='ticket',
            name='tickets_tic_region__dce9a1_idx',
        ),
        migrations.AddField(
            model_name='historicalticket',
            name='current_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='当前期限'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='current_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='当前期限'),
        ),
        migrations.RunPython(fill_current_due, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['lead_department', 'state', 'current_due_at'], name='ticket_lead_state_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['region', 'state', 'current_due_at'], name='ticket_region_state_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('current_due_at__isnull', False)), fields=['current_due_at'], name='ticket_running_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('rework_count__gt', 0), ('state', 'handling')), fields=['region', 'current_due_at'], name='ticket_returned_running'),
        ),
    ]
