"""Plain INSERTs for the demo generator's hundreds of thousands of rows.

Building ~330,000 model instances and sending them through ``bulk_create`` (field API per value, ~25 rows
per statement on SQLite) takes longer than the minute the whole default demo may take. Here rows are
light stand-ins with the model's column attributes (``row_class``), primary keys are handed out up
front from the table's current maximum (so foreign keys are known while building), each field gets
one converter chosen once, and rows go in with ``executemany``. PostgreSQL's sequences are moved past
the new keys at the end (``finish``). As with ``bulk_create``, model validation is not run; the
database's constraints are.
"""

from __future__ import annotations

from operator import itemgetter

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

CHUNK = 5000


class Row:
    """A stand-in for an unsaved model instance: the model's column attributes (``household_id``,
    not ``household``) with their defaults, and whatever else the generator attaches."""

    _defaults: dict = {}
    _factories: dict = {}

    def __init__(self, **values):
        d = self.__dict__
        d.update(self._defaults)
        for name, factory in self._factories.items():
            d[name] = factory()
        d.update(values)


def row_class(model: type[models.Model]) -> type[Row]:
    defaults, factories = {}, {}
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            factories[f.attname] = f.default
        else:
            defaults[f.attname] = None if f.primary_key else f.get_default()
    return type(f"{model.__name__}Row", (Row,), {"_defaults": defaults, "_factories": factories})


class Inserter:
    def __init__(self):
        self.next: dict[type, int] = {}
        self.now = timezone.now()

    def new_id(self, model: type[models.Model]) -> int:
        """The next free primary key of ``model`` (assigned by us, not by the database)."""
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value

    def insert(self, model: type[models.Model], objs: list) -> None:
        """INSERT rows whose ``id`` came from ``new_id``."""
        if not objs:
            return
        fields = list(model._meta.concrete_fields)
        to_row = self._row_function(fields)
        qn = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        with connection.cursor() as cursor:
            for lo in range(0, len(objs), CHUNK):
                cursor.executemany(sql, [to_row(obj.__dict__) for obj in objs[lo : lo + CHUNK]])

    def finish(self) -> None:
        """Move PostgreSQL sequences past the explicit keys (SQLite's AUTOINCREMENT follows by itself)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), sorted(self.next, key=str)):
                cursor.execute(sql)

    def _row_function(self, fields: list[models.Field]):
        """``dict -> tuple`` for these fields: plain values as they are, dates / JSON / times converted."""
        pick = itemgetter(*[f.attname for f in fields])
        converters = []
        for i, f in enumerate(fields):
            convert = self._converter(f)
            if convert is not None:
                converters.append((i, convert))

        def to_row(d):
            row = list(pick(d))
            for i, convert in converters:
                row[i] = convert(row[i])
            return row

        return to_row

    def _converter(self, f: models.Field):
        ops = connection.ops
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.get_db_prep_save(self.now, connection)
            return lambda _value: value
        if isinstance(f, models.DateTimeField):
            return lambda value: f.get_db_prep_save(value, connection)
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.JSONField):
            encoder = f.encoder
            return lambda value: ops.adapt_json_value(value, encoder)
        # Text (TextChoices members are str), integers, booleans, decimals (the drivers adapt Decimal)
        # and foreign key ids go as they are.
        return None
