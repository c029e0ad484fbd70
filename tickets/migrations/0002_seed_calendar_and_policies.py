from django.db import migrations

from workcalendar.seed import seed_calendar, seed_policies


def forwards(apps, schema_editor):
    seed_calendar(apps.get_model("tickets", "CalendarYear"), apps.get_model("tickets", "CalendarException"))
    seed_policies(apps.get_model("tickets", "DeadlinePolicy"))
    apps.get_model("tickets", "WorkflowSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
