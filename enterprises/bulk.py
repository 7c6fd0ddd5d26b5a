"""Plain multi-row INSERTs with their django-simple-history rows, for imports of 100,000 firms.

Django's `bulk_create` prepares every value through its field (about 7 µs each) and, on SQLite,
sends some 70 rows per statement; for a registry-sized import that is most of the minute.
Here the values are ours (already validated), so they are adapted once per type and sent with
`executemany` in one transaction. History rows carry the same columns as
`simple_history.utils.bulk_create_with_history` would write.
"""

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _cached(adapt):
    """Dates repeat (and a history timestamp is the same for every row): adapt each once."""
    if adapt is None:
        return None
    seen = {}

    def cached(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = adapt(value)
            return result

    return cached


def insert_rows(model, rows):
    """INSERT `rows` (dicts keyed by attname, every non-auto concrete field) into `model`'s table."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    fields = [f for f in fields if f.attname in rows[0]]
    quote = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapters = [(f.attname, _cached(_adapter(f))) for f in fields]
    params = [
        tuple(adapt(row[name]) if adapt and row[name] is not None else row[name] for name, adapt in adapters)
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


def insert_history(model, rows, user=None, reason="", history_type="+"):
    """Write one historical record per row (dicts keyed by attname, with `id`) of `model`."""
    now = timezone.now()
    extra = {
        "history_date": now,
        "history_type": history_type,
        "history_user_id": user.pk if user else None,
        "history_change_reason": reason,
    }
    insert_rows(model.history.model, [{**row, **extra} for row in rows])
