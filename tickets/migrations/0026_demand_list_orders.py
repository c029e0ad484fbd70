"""The demand list's orders on indexes: its default order reads triage_due_at, which only a demand waiting for triage
holds (every act that ends triage clears it). A row decided before that rule would sort among the waiting ones, so
the clock of every demand that no longer waits is cleared first (no row is removed; the due stays in its timeline)."""

from django.conf import settings
from django.db import migrations, models


def clear_stopped_triage_clocks(apps, schema_editor):
    Demand = apps.get_model("tickets", "Demand")
    Demand.objects.exclude(state__in=["registered", "consulting"]).exclude(triage_due_at=None).update(triage_due_at=None)


# PostgreSQL needs NULLS LAST in the index for the order to be read from it; SQLite accepts none in an index (its
# order differs there; it only serves development).
ORDERED_INDEXES = {
    "demand_list_due": '"triage_due_at" ASC{nulls}, "registered_at" DESC, "id" DESC',
    "demand_due_desc": '"triage_due_at" DESC{nulls}, "registered_at" DESC, "id" DESC',
}


def create_ordered_indexes(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    for name, columns in ORDERED_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "tickets_demand" ({columns.format(nulls=nulls)})')


def drop_ordered_indexes(apps, schema_editor):
    for name in ORDERED_INDEXES:
        schema_editor.execute(f'DROP INDEX "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_enterprise_search_bigrams'),
        ('catalogue', '0001_initial'),
        ('chambers', '0002_rotation_no_overlap'),
        ('meetings', '0001_initial'),
        ('policies', '0002_stored_match_count'),
        ('tickets', '0025_merge_proposal'),
        ('trainings', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clear_stopped_triage_clocks, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='demand',
                    index=models.Index(models.OrderBy(models.F('triage_due_at'), nulls_last=True), models.OrderBy(models.F('registered_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='demand_list_due'),
                ),
                migrations.AddIndex(
                    model_name='demand',
                    index=models.Index(models.OrderBy(models.F('triage_due_at'), descending=True, nulls_last=True), models.OrderBy(models.F('registered_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='demand_due_desc'),
                ),
            ],
            database_operations=[migrations.RunPython(create_ordered_indexes, drop_ordered_indexes)],
        ),
        migrations.AddIndex(
            model_name='demand',
            index=models.Index(fields=['registered_at', 'id'], name='demand_registered'),
        ),
        migrations.AddIndex(
            model_name='demand',
            index=models.Index(fields=['state', 'registered_at', 'id'], name='demand_state_registered'),
        ),
        migrations.AddIndex(
            model_name='demand',
            index=models.Index(fields=['channel', 'registered_at', 'id'], name='demand_channel_registered'),
        ),
    ]
