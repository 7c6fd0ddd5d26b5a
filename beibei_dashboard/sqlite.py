"""SQLite as `make run` and `make serve` use it: one file shared by the web processes and the
background worker. Settings make every transaction a writer from its start (BEGIN IMMEDIATE) with
a busy timeout; this turns on write-ahead logging."""


def use_wal(sender, connection, **kwargs):
    """Write-ahead logging for a file database: pages read while a save writes, and a save waits
    only for another writer. An in-memory database (the tests') has no log to switch: left alone.

    The mode is kept in the file, so only the first connection to a new file changes anything."""
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
