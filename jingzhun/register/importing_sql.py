"""Plain-SQL helpers of the bulk import: batched INSERT (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), UPDATE with ``executemany`` and chunked key lookups, with values adapted exactly as
Django's fields adapt them.

They exist for speed (see importing_write.py): ``bulk_create``/``bulk_update`` and ORM ``__in``
lookups spend most of a 400,000-row import compiling per-value SQL in Python.
"""

from __future__ import annotations

import datetime
import json
import operator

from django.db import connections, models, router

CHUNK = 900  # parameters per IN (...) query, below SQLite's historical limit of 999
ARRAY_CHUNK = 50_000  # keys per "= ANY(%s)" query on PostgreSQL (one array parameter)
STAMPS = ("created_at", "updated_at")


class RowInserter:
    """Collects rows for one model and inserts them in batches; rows are given as dicts by attname.

    SQLite runs one prepared INSERT over the batch (``executemany``); PostgreSQL gets the rows through
    ``COPY … FROM STDIN``, since an INSERT per row costs a server round trip there.

    ``row`` turns a dict into the list of database values without inserting it (plain str, int, bool
    and None: cheap to keep or to pickle); ``add_row``
    inserts such a list later, stamping ``created_at``/``updated_at`` with this inserter's ``now``.
    """

    BATCH = 2000

    def __init__(self, model, now: datetime.datetime):
        self.connection = connection = connections[router.db_for_write(model)]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in fields)
        self.sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
        self.slots = {f.attname: i for i, f in enumerate(fields)}
        self.stamp_slots = [i for i, f in enumerate(fields) if f.attname in STAMPS]
        self.now = connection.ops.adapt_datetimefield_value(now)
        converters = [_adapter(f, connection) for f in fields]
        self.converters = {f.attname: conv for f, conv in zip(fields, converters, strict=True) if conv}
        # The declared default ("" for text, None for nullable fields), as get_db_prep_save stores it;
        # None for the time stamps, which add_row fills in.
        self.defaults = [
            None if f.attname in STAMPS else _default(f, conv, connection)
            for f, conv in zip(fields, converters, strict=True)
        ]
        self.base = {f.attname: d for f, d in zip(fields, self.defaults, strict=True)}
        names = list(self.base)
        self.getter = operator.itemgetter(*names) if len(names) > 1 else lambda d: (d[names[0]],)
        self.conversions = [
            (i, conv, self.defaults[i]) for i, conv in enumerate(converters) if conv is not None
        ]
        self.rows: list[list] = []

    def row(self, values: dict) -> list:
        """``values`` by attname, of each field's Python type (as the checks produced them); keys that
        are not fields are ignored, missing or None values take the field's default."""
        row = [*self.getter({**self.base, **values})]
        if None in values.values():  # an explicit None takes the default too
            row = [d if v is None else v for v, d in zip(row, self.defaults, strict=True)]
        for i, conv, default in self.conversions:
            value = row[i]
            if value is not default and value is not None:
                row[i] = conv(value)
        return row

    def add(self, values: dict) -> None:
        self.add_row(self.row(values))

    def add_row(self, row: list) -> None:
        """A list made by ``row`` (here or in an earlier process); unset time stamps become ``now``."""
        for i in self.stamp_slots:
            if row[i] is None:
                row[i] = self.now
        self.rows.append(row)

    def flush(self) -> int:
        count = len(self.rows)
        if count and self.connection.vendor == "postgresql":
            self.connection.ensure_connection()
            with self.connection.connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in self.rows:
                    copy.write_row(row)
        elif count:
            with self.connection.cursor() as cursor:
                for i in range(0, count, self.BATCH):
                    cursor.executemany(self.sql, self.rows[i : i + self.BATCH])
        self.rows = []
        return count


def values_in(model, column: str, keys: list, columns: list[str]) -> list[tuple]:
    """``SELECT columns FROM table WHERE column IN (…)`` in chunks, as plain SQL: the ORM spends
    ~3 ms building each 900-parameter IN lookup, which adds up over a 400,000-row import.

    PostgreSQL gets one array parameter (``= ANY(%s)``) per 50,000 keys: a 900-value IN list costs a
    planning pass and, on a table that grows inside the import's transaction, often a sequential scan
    each. The database driver's cursor is used directly (read-only): with DEBUG on, Django's cursor
    wrapper would quote every parameter again for its query log (a second query per lookup on SQLite).
    """
    if not keys:
        return []
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    meta = model._meta
    head = (
        f"SELECT {', '.join(qn(meta.get_field(c).column) for c in columns)} FROM {qn(meta.db_table)} "
        f"WHERE {qn(meta.get_field(column).column)}"
    )
    out: list[tuple] = []
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            for i in range(0, len(keys), ARRAY_CHUNK):
                cursor.execute(f"{head} = ANY(%s)", [list(keys[i : i + ARRAY_CHUNK])])
                out.extend(cursor.fetchall())
            return out
        for i in range(0, len(keys), CHUNK):
            part = keys[i : i + CHUNK]
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(part))})", part)
            out.extend(cursor.fetchall())
    return out


def update_rows(model, names: list[str], objects: list) -> None:
    """``UPDATE … SET … WHERE id = %s`` with ``executemany``: what ``bulk_update`` does without
    building a CASE WHEN expression per object and field (which took seconds per thousand rows)."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    pk = model._meta.pk
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "
        f"WHERE {qn(pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[i : i + 2000])


def _default(field, conv, connection):
    value = field.get_default()
    if conv is not None and value is not None:
        return conv(value)
    value = field.get_db_prep_save(value, connection)
    return str(value) if isinstance(value, str) else value  # a choices enum member → its plain value


def _adapter(field, connection):
    """What ``field.get_db_prep_save`` does to a value that already has the field's Python type, as
    the database receives it: text for dates, decimals and JSON on both databases (SQLite binds them
    as text; PostgreSQL's COPY reads text), the backend's own conversion for date-times."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, (models.DateField, models.DecimalField)):
        # SQLite: Django's adapters bind dates and decimals as str(value); PostgreSQL: psycopg's COPY
        # writes the same text (isoformat, str of the Decimal).
        return str
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if field.choices and isinstance(field, models.CharField):
        return str  # a choices enum member (PovertyStatus.POOR …) → its plain value, as stored
    return None
