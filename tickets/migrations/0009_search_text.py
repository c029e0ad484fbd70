# What the keyword search reads, for every demand and ticket, with its bigram index on PostgreSQL (core.search).

from django.db import migrations, models

from core.search import bigram_index

DEMANDS = """
UPDATE tickets_demand SET search_text = lower(number || ' ' || title || ' ' || COALESCE(enterprise_name, '') || ' ' ||
    COALESCE((SELECT e.name FROM accounts_enterprise e WHERE e.id = tickets_demand.enterprise_id), ''))
"""
TICKETS = """
UPDATE tickets_ticket SET search_text = lower(number || ' ' || title || ' ' || COALESCE((
    SELECT {aggregate} FROM tickets_demand d WHERE d.ticket_id = tickets_ticket.id
), ''))
"""
AGGREGATE = {
    "postgresql": "string_agg(d.search_text, ' ' ORDER BY d.id)",
    "sqlite": "group_concat(d.search_text, ' ')",
}


def fill(apps, schema_editor):
    """Every existing demand and ticket gets its searched text (set-based: two UPDATEs, every row kept)."""
    vendor = schema_editor.connection.vendor
    schema_editor.execute(DEMANDS)
    schema_editor.execute(TICKETS.format(aggregate=AGGREGATE.get(vendor, AGGREGATE["sqlite"])))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_bigram_search'),
        ('tickets', '0008_current_due_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='demand',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索文本'),
        ),
        migrations.AddField(
            model_name='historicaldemand',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索文本'),
        ),
        migrations.AddField(
            model_name='historicalticket',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索文本'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索文本'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        bigram_index("tickets_demand", "search_text", "demand_search_bigrams"),
        bigram_index("tickets_ticket", "search_text", "ticket_search_bigrams"),
    ]
