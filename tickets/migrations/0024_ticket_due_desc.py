"""The ticket list sorted by due the other way round (`?sort=-due`): latest due first, tickets without a running clock
last. PostgreSQL needs NULLS LAST in the index for the order to be read from it; SQLite accepts no NULLS LAST in an
index, and sorts NULLs last in descending order anyway, so there the same index goes without it."""

from django.conf import settings
from django.db import migrations, models

COLUMNS = '"current_due_at" DESC{nulls}, "created_at" DESC, "id" DESC'


def create(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f'CREATE INDEX "ticket_due_desc" ON "tickets_ticket" ({COLUMNS.format(nulls=nulls)})')


def drop(apps, schema_editor):
    schema_editor.execute('DROP INDEX "ticket_due_desc"')


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_usernames_not_phones'),
        ('tickets', '0023_ticket_assignee_notes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='ticket',
                    index=models.Index(models.OrderBy(models.F('current_due_at'), descending=True, nulls_last=True), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='ticket_due_desc'),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
