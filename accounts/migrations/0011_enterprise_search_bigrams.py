# The global search finds an enterprise by any piece of its name or of its uscc (core.search.matches_raw): bigram
# indexes on PostgreSQL, nothing on SQLite.

from django.db import migrations

from core.search import bigram_index


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_bigram_search"),
        ("accounts", "0010_usernames_not_phones"),
    ]

    operations = [
        bigram_index("accounts_enterprise", "name", "enterprise_name_bigrams", lower=True),
        bigram_index("accounts_enterprise", "uscc", "enterprise_uscc_bigrams", lower=True),
    ]
