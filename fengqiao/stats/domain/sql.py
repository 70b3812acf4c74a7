"""The summary's two hot queries, and the month-to-date writer, in plain SQL.

A summary reads a few thousand rollup rows. Through the ORM, compiling a UNION of six parts and converting every
row cost as much as the database's own work, so here each part of a period (its whole months, each end of a
ragged end) is one plain range — one index-only scan of a covering index on PostgreSQL — and the database adds
the parts up (GROUP BY over the UNION ALL): a few hundred rows come back. A KPI filter is still written by
`filter_q` (one meaning everywhere) and compiled to SQL by the ORM once per process.
"""

import datetime as dt
import json
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from fengqiao.stats.domain.filters import ROLLUP, filter_q

COUNT_KEYS = ("category", "channel", "kind", "outcome")
MEASURES = ("matters", "overdue", "callbacks", "satisfied")
Where = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Part:
    """The rows of one table between two dates (months or days, as the table is keyed), added to a period's
    figures, or taken away (`sign` −1: a month to date before a ragged end's first day)."""

    index: int  # which period
    model: type[Model]
    first: dt.date
    last: dt.date
    sign: int = 1
    where: Where = ("", ())


def counts(parts: Sequence[Part], station_ids: Sequence[int], grid_id: int | None) -> list[dict[str, Any]]:
    """Per period and (category, channel, kind, outcome): the four measures added up over the parts."""
    selects = [_select(part, (*COUNT_KEYS, *MEASURES), MEASURES, station_ids, grid_id) for part in parts]
    rows = _grouped(selects, ("period", *COUNT_KEYS), MEASURES)
    return [dict(zip(("index", *COUNT_KEYS, *MEASURES), row, strict=True)) for row in rows]


def hours(parts: Sequence[Part], station_ids: Sequence[int], grid_id: int | None) -> list[tuple[int, int, int]]:
    """(period, whole hours, matters) added up over the parts."""
    selects = [_select(part, ("hours", "matters"), ("matters",), station_ids, grid_id) for part in parts]
    return [(row[0], row[1], row[2]) for row in _grouped(selects, ("period", "hours"), ("matters",))]


def _select(
    part: Part, columns: Sequence[str], signed: Sequence[str], station_ids: Sequence[int], grid_id: int | None
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    stations = ", ".join(["%s"] * len(station_ids))
    shown = [f"-{quote(c)} AS {quote(c)}" if part.sign < 0 and c in signed else quote(c) for c in columns]
    sql = (
        f"SELECT {int(part.index)} AS period, {', '.join(shown)} FROM {quote(part.model._meta.db_table)} "
        f"WHERE station_id IN ({stations}) AND {quote(_date_column(part.model))} BETWEEN %s AND %s"
    )
    params: list[Any] = [*station_ids, *(connection.ops.adapt_datefield_value(d) for d in (part.first, part.last))]
    if grid_id is not None:
        sql, params = f"{sql} AND grid_id = %s", [*params, grid_id]
    if part.where[0]:
        sql, params = f"{sql} AND ({part.where[0]})", [*params, *part.where[1]]
    return sql, params


def _date_column(model: type[Model]) -> str:
    return "month" if any(field.name == "month" for field in model._meta.fields) else "day"


def _grouped(parts: list[tuple[str, list[Any]]], keys: Sequence[str], sums: Sequence[str]) -> list[tuple[Any, ...]]:
    if not parts:
        return []
    quote = connection.ops.quote_name
    inner = " UNION ALL ".join(sql for sql, _params in parts)
    key_list = ", ".join(quote(k) for k in keys)
    sum_list = ", ".join(f"SUM({quote(s)})" for s in sums)
    query = f"SELECT {key_list}, {sum_list} FROM ({inner}) slices GROUP BY {key_list}"
    params = [param for _sql, params in parts for param in params]
    # PostgreSQL: in one process. A county's whole years made the planner run the slices in parallel workers (a
    # Parallel Append), which on two loaded cores took longer than one process and varied twice as much. SET LOCAL
    # ends with the transaction (the caller's, if there is one). SQLite needs none, and its IMMEDIATE transactions
    # would take the write lock.
    serial = connection.vendor == "postgresql"
    with transaction.atomic() if serial else nullcontext(), connection.cursor() as cursor:
        if serial:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(query, params)
        return list(cursor.fetchall())


def filter_where(model: type[Model], spec: dict[str, Any]) -> Where:
    """A KPI filter as a WHERE clause on one rollup table (columns named with the table), compiled once."""
    return _filter_sql(model._meta.label, json.dumps(spec, sort_keys=True), connection.vendor)


@lru_cache(maxsize=256)
def _filter_sql(model_label: str, spec_json: str, vendor: str) -> Where:
    """`vendor` keys the cache: the same filter compiles differently on SQLite and PostgreSQL."""
    return where_of(apps.get_model(model_label).objects.filter(filter_q(json.loads(spec_json), ROLLUP)))


def where_of(rows: QuerySet[Any]) -> Where:
    """The WHERE clause of a queryset, as the ORM compiles it for this connection."""
    query = rows.query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return "1 = 0", ()
    except FullResultSet:
        return "", ()
    return sql, tuple(params)


def write_month_to_date(
    source: type[Model],
    target: type[Model],
    key: dict[str, int],
    days: tuple[dt.date, dt.date],
    keys: Sequence[str],
    sums: Sequence[str],
    where: Where = ("", ()),
) -> None:
    """Insert into `target`, for each day of `days` (inside one month), the `source` rows of the station from the
    1st of the month up to that day, `sums` added up by `keys`. `key` gives the target's station (and filter).

    One statement: a calendar of the days joined to the month's daily rows, added up by the database. Through the
    ORM each of the ~10,000 rows a month's recount writes would be a Python object."""
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datefield_value
    first, last = days
    calendar = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    table = quote(source._meta.db_table)
    day = f"{table}.{quote('day')}"
    station_id = key["station_id"]
    targets = [*key, "day", *keys, *sums]
    selected = [
        *(str(int(value)) for value in key.values()),
        "calendar.day",
        *(f"{table}.{quote(k)}" for k in keys),
        *(f"SUM({table}.{quote(s)})" for s in sums),
    ]
    sql = (
        f"INSERT INTO {quote(target._meta.db_table)} ({', '.join(quote(c) for c in targets)}) "
        f"SELECT {', '.join(selected)} FROM {table} "
        f"JOIN ({' UNION ALL '.join(['SELECT %s AS day'] * len(calendar))}) calendar "
        f"ON {day} BETWEEN %s AND calendar.day "
        f"WHERE {table}.station_id = %s AND {day} BETWEEN %s AND %s{f' AND ({where[0]})' if where[0] else ''} "
        f"GROUP BY calendar.day, {', '.join(f'{table}.{quote(k)}' for k in keys)}"
    )
    month = first.replace(day=1)
    params = [*(adapt(d) for d in calendar), adapt(month), station_id, adapt(month), adapt(last), *where[1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
