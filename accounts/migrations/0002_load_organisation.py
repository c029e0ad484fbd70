from django.db import migrations

from accounts.orgdata import load_organisation


def forwards(apps, schema_editor):
    load_organisation(apps.get_model("accounts", "Region"), apps.get_model("accounts", "Domain"), apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
