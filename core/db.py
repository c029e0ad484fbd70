"""How the platform's statements use PostgreSQL's parallel query.

Every web request of the platform reads a few rows through an index (a list page, a ticket, a search): PostgreSQL's
parallel plans help such statements rarely and hurt them often — measured at a million tickets (README, "Measured on
2026-12-07"), a Gather Merge walked an index backwards far past the few rows a page needed and the chosen plan
changed from one ANALYZE to the next. So the platform's connections start with parallel query off
(settings.DB_PARALLEL_WORKERS, default 0), and the screens that aggregate over whole tables — the leaders' dashboard,
the operations report — turn it on for their own reads:

    with parallel_reads():
        result = kpis.compute(scope)

or as a decorator of the view. Blocks nest: within one, another costs nothing (the dashboard view allows parallel
reads once, and the KPI functions it calls, which allow them for their other callers, add no statements). Outside
PostgreSQL both are inert. Each outermost block costs three statements (BEGIN, SET LOCAL, COMMIT), or four within a
transaction (a savepoint and the setting put back).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def parallel_reads():
    """Within the block, at most settings.DB_REPORT_PARALLEL_WORKERS parallel workers per Gather (PostgreSQL)."""
    if connection.vendor != "postgresql" or getattr(connection, "qyzj_parallel_reads", False):
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            # SET LOCAL ends with the transaction (or is undone when the block's savepoint rolls back).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = %s", [settings.DB_REPORT_PARALLEL_WORKERS])
        connection.qyzj_parallel_reads = True
        try:
            yield
        finally:
            connection.qyzj_parallel_reads = False
        if outer:  # the enclosing transaction goes on: its later statements keep the connection's own setting
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")
