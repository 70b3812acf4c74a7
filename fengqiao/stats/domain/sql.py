"""The summary's two hot queries, in plain SQL.

A summary reads a few thousand rollup rows. Through the ORM, compiling a UNION of six parts and converting every
row cost as much as the database's own work, so here each slice of a period (its whole months, each ragged end)
is one plain range — one index-only scan of a covering index on PostgreSQL — and the database adds the slices up
(GROUP BY over the UNION ALL): a few hundred rows come back. A KPI filter is still written by `filter_q` (one
meaning everywhere) and compiled to SQL by the ORM once per process.
"""

import datetime as dt
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Model

from fengqiao.stats.domain.filters import ROLLUP, filter_q

# (index of the period, monthly table?, first day or month, last day or month)
Slice = tuple[int, bool, dt.date, dt.date]
COUNT_KEYS = ("category", "channel", "kind", "outcome")
MEASURES = ("matters", "overdue", "callbacks", "satisfied")


def counts(
    slices: Sequence[Slice],
    station_ids: Sequence[int],
    grid_id: int | None,
    month_model: type[Model],
    day_model: type[Model],
) -> list[dict[str, Any]]:
    """Per period and (category, channel, kind, outcome): the four measures added up over the slices."""
    parts = [
        _select(month_model if part[1] else day_model, (*COUNT_KEYS, *MEASURES), part, station_ids, grid_id)
        for part in slices
    ]
    rows = _grouped(parts, ("period", *COUNT_KEYS), MEASURES)
    return [dict(zip(("index", *COUNT_KEYS, *MEASURES), row, strict=True)) for row in rows]


def hours(
    slices: Sequence[Slice],
    station_ids: Sequence[int],
    grid_id: int | None,
    kept: tuple[type[Model], int] | None,
    fine: tuple[type[Model], type[Model]],
    spec: dict[str, Any],
) -> list[tuple[int, int, int]]:
    """(period, whole hours, matters): whole months from the kept histogram (model, filter id) when given, else
    from the fine monthly table filtered by `spec`; ragged ends from the fine daily table filtered by `spec`."""
    parts = []
    for part in slices:
        if part[1] and kept is not None:
            model, filter_id = kept
            parts.append(_select(model, ("hours", "matters"), part, station_ids, None, ("filter_id = %s", [filter_id])))
        else:
            model = fine[0] if part[1] else fine[1]
            where, params = _filter_sql(model._meta.label, json.dumps(spec, sort_keys=True), connection.vendor)
            parts.append(_select(model, ("hours", "matters"), part, station_ids, grid_id, (where, list(params))))
    return [(row[0], row[1], row[2]) for row in _grouped(parts, ("period", "hours"), ("matters",))]


def _select(
    model: type[Model],
    columns: Sequence[str],
    part: Slice,
    station_ids: Sequence[int],
    grid_id: int | None,
    extra: tuple[str, list[Any]] = ("", []),
) -> tuple[str, list[Any]]:
    index, monthly, first, last = part
    quote = connection.ops.quote_name
    stations = ", ".join(["%s"] * len(station_ids))
    sql = (
        f"SELECT {int(index)} AS period, {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
        f"WHERE station_id IN ({stations}) AND {quote('month' if monthly else 'day')} BETWEEN %s AND %s"
    )
    params: list[Any] = [*station_ids, *(connection.ops.adapt_datefield_value(d) for d in (first, last))]
    if grid_id is not None:
        sql, params = f"{sql} AND grid_id = %s", [*params, grid_id]
    if extra[0]:
        sql, params = f"{sql} AND ({extra[0]})", [*params, *extra[1]]
    return sql, params


def _grouped(parts: list[tuple[str, list[Any]]], keys: Sequence[str], sums: Sequence[str]) -> list[tuple[Any, ...]]:
    if not parts:
        return []
    quote = connection.ops.quote_name
    inner = " UNION ALL ".join(sql for sql, _params in parts)
    key_list = ", ".join(quote(k) for k in keys)
    sum_list = ", ".join(f"SUM({quote(s)})" for s in sums)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key_list}, {sum_list} FROM ({inner}) slices GROUP BY {key_list}",
            [param for _sql, params in parts for param in params],
        )
        return list(cursor.fetchall())


@lru_cache(maxsize=256)
def _filter_sql(model_label: str, spec_json: str, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """A KPI filter as a WHERE clause on one rollup table, compiled by the ORM (`vendor` keys the cache)."""
    query = apps.get_model(model_label).objects.filter(filter_q(json.loads(spec_json), ROLLUP)).query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return "1 = 0", ()
    except FullResultSet:
        return "", ()
    return sql, tuple(params)
