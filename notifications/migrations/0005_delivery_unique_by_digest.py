from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_encrypt_existing_deliveries"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("channel", "address_digest", "key"), name="delivery_once_per_address_key"
            ),
        ),
    ]
