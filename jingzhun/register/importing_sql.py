"""Plain-SQL helpers of the bulk import: batched INSERT (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), UPDATE with ``executemany`` and chunked ``IN (…)`` lookups, with values adapted exactly as
Django's fields adapt them.

They exist for speed (see importing_write.py): ``bulk_create``/``bulk_update`` and ORM ``__in``
lookups spend most of a 400,000-row import compiling per-value SQL in Python.
"""

from __future__ import annotations

import datetime

from django.db import connections, models, router

CHUNK = 900  # parameters per IN (...) query, below SQLite's historical limit of 999


class RowInserter:
    """Collects rows for one model and inserts them in batches; rows are given as dicts by attname.

    SQLite runs one prepared INSERT over the batch (``executemany``); PostgreSQL gets the rows through
    ``COPY … FROM STDIN``, since an INSERT per row costs a server round trip there.
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
        # The declared default ("" for text, None for nullable fields), as get_db_prep_save stores it.
        self.defaults = [
            f.get_db_prep_save(
                now if f.attname in ("created_at", "updated_at") else f.get_default(), connection
            )
            for f in fields
        ]
        self.pairs = [(f.attname, d) for f, d in zip(fields, self.defaults, strict=True)]
        self.conversions = [
            (i, conv, self.defaults[i]) for i, f in enumerate(fields) if (conv := _adapter(f, connection))
        ]
        self.rows: list[list] = []

    def add(self, values: dict) -> None:
        """``values`` by attname, of each field's Python type (as the checks produced them); keys that
        are not fields are ignored, missing or None values take the field's default."""
        get = values.get
        row = [d if (v := get(name)) is None else v for name, d in self.pairs]
        for i, conv, default in self.conversions:
            value = row[i]
            if value is not default and value is not None:
                row[i] = conv(value)
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
    ~3 ms building each 900-parameter IN lookup, which adds up over a 400,000-row import."""
    if not keys:
        return []
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(qn(meta.get_field(c).column) for c in columns)
    out: list[tuple] = []
    with connection.cursor() as cursor:
        for i in range(0, len(keys), CHUNK):
            part = keys[i : i + CHUNK]
            cursor.execute(
                f"SELECT {names} FROM {qn(meta.db_table)} WHERE {qn(meta.get_field(column).column)} "
                f"IN ({', '.join(['%s'] * len(part))})",
                part,
            )
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


def _adapter(field, connection):
    """What ``field.get_db_prep_save`` does to a value that already has the field's Python type."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    return None
