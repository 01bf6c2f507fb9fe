"""SQLite planner statistics, kept fresh with ``PRAGMA optimize``.

Django never runs ``ANALYZE``. Without statistics SQLite plans Wagtail's
search subquery (an FTS5 ``MATCH`` joined to the index entries) as one
``MATCH`` per index entry: a chooser search took 2.1 s at 20,200 images,
50-80 ms with statistics (docs/performance.md). ``PRAGMA optimize`` is
SQLite's recommended maintenance before a connection closes: it analyses only
tables whose statistics are missing or stale, and costs microseconds when
there is nothing to do.
"""

from django.db import DatabaseError, connections


def optimize_sqlite(sender=None, **kwargs):
    """Refresh SQLite's statistics on every open connection (request end)."""
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "sqlite" or connection.connection is None:
            # Closed already (CONN_MAX_AGE = 0): the next long-lived one will.
            continue
        if connection.in_atomic_block:
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA optimize")
        except DatabaseError:
            pass  # busy: the next request tries again
