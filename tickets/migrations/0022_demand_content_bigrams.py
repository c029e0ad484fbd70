# The global search finds a demand (and its ticket) by any piece of two characters or more of its content, as written
# (core.search.matches_raw): a bigram index on lower(content) on PostgreSQL, nothing on SQLite. The content is not
# copied into `search_text`: the lists keep searching numbers, titles and enterprises only.

from django.db import migrations

from core.search import bigram_index


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_bigram_search"),
        ("tickets", "0021_demand_meeting_historicaldemand_meeting"),
    ]

    operations = [
        bigram_index("tickets_demand", "content", "demand_content_bigrams", lower=True),
    ]
