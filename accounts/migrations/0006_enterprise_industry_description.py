"""The free-text industry an enterprise was registered with becomes its industry description; `industry` is then the
GB/T 4754-2017 section (0007). A rename: every row keeps what it said."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_api_token")]

    operations = [
        migrations.RenameField("enterprise", "industry", "industry_description"),
        migrations.RenameField("historicalenterprise", "industry", "industry_description"),
    ]
