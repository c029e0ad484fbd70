"""On PostgreSQL the database itself refuses two overlapping turns of one chamber (an exclusion constraint over the
chamber and the closed date range; `=` on an integer inside a GiST index needs btree_gist). Other databases rely on the
locked check in chambers.services.entry_add."""

from django.db import migrations

CONSTRAINT = "rotation_entry_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE chambers_rotationentry ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(chamber_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE chambers_rotationentry DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("chambers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
