# The bigram function of core.search (PostgreSQL only): keyword search that finds two-character Chinese words.

from django.db import migrations

from core.search import bigram_function


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        bigram_function(),
    ]
