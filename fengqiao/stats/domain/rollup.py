"""The rollup: matters and their event rows counted per station × local day × dimensions.

`rebuild_days()` recomputes whole (station, day) slices from the raw rows, so it is always safe to run again:
after each commit for the days that changed (see `fengqiao.stats.receivers`) and for everything with
`fengqiao stats rebuild`. A matter's measures belong to its reporting day, so a change to a matter touches only
the slice of that day.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.db.models.sql.compiler import SQLCompiler

from fengqiao.matters.models import Escalation, Matter, MatterEvent, Satisfaction, Stage
from fengqiao.stats.domain import sql
from fengqiao.stats.domain.filters import ROLLUP, filter_q
from fengqiao.stats.domain.periods import LOCAL, add_months, local_midnight, month_end
from fengqiao.stats.models import (
    Kpi,
    KpiKind,
    RollupDimensions,
    StatsMedianFilter,
    StatsMedianMonth,
    StatsResolveTime,
    StatsResolveTimeMonth,
    StatsRollup,
    StatsRollupMonth,
    StatsRollupStation,
)

# Callback answers that count as satisfied (满意 and 基本满意).
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
BATCH = 5000
DIMENSIONS = ("grid_id", "day", "category__code", "channel", "kind")
MEASURES, FILTER_COLUMNS = sql.MEASURES, sql.COUNT_KEYS  # the rollup's measures and KPI filter columns


class WholeHoursBetween(Func):
    """Whole hours from the first to the second instant, both cut to the second (as `whole_hours` does)."""

    output_field = IntegerField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            seconds = f"FLOOR(EXTRACT(EPOCH FROM {end})) - FLOOR(EXTRACT(EPOCH FROM {start}))"
            sql = f"CAST(FLOOR(({seconds}) / 3600) AS integer)"
        else:
            sql = f"((CAST(strftime('%%s', {end}) AS integer) - CAST(strftime('%%s', {start}) AS integer)) / 3600)"
        return sql, [*end_params, *start_params]


def whole_hours(start: dt.datetime, end: dt.datetime) -> int:
    return (int(end.timestamp()) - int(start.timestamp())) // 3600


def resolution(first: bool = True) -> Subquery:
    """When the matter was first (or last) resolved; a reopened matter keeps its first resolution."""
    order = ("at", "id") if first else ("-at", "-id")
    events = MatterEvent.objects.filter(matter=OuterRef("pk"), to_stage=Stage.RESOLVED).order_by(*order)
    return Subquery(events.values("at")[:1])


def overdue_q() -> Q:
    """Escalated (督办) at some step, or resolved after the resolve deadline.

    The last resolution counts, against the deadline in force: reopening gives a matter a new deadline.
    """
    return Q(escalated=True) | Q(last_resolved__gt=F("due_at"))


def annotated(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    return matters.annotate(
        day=TruncDate("reported_at", tzinfo=LOCAL),
        first_resolved=resolution(first=True),
        last_resolved=resolution(first=False),
        escalated=Exists(Escalation.objects.filter(matter=OuterRef("pk"))),
    )


def runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days merged into (first, last) runs, so that a month of changes is one range, not thirty."""
    result: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if result and day == result[-1][1] + dt.timedelta(days=1):
            result[-1] = (result[-1][0], day)
        else:
            result.append((day, day))
    return result


def rebuild_days(station_id: int, days: Iterable[dt.date] | None = None) -> int:
    """Recompute the station's rollup for these local days (all days when None); returns the rows written."""
    ranges = runs(days) if days is not None else None
    if ranges == []:
        return 0
    matters = Matter.objects.filter(station_id=station_id)
    rollup = StatsRollup.objects.filter(station_id=station_id)
    times = StatsResolveTime.objects.filter(station_id=station_id)
    if ranges is not None:
        matters = matters.filter(_reported_in(ranges))
        rollup, times = rollup.filter(_day_in(ranges)), times.filter(_day_in(ranges))
    with transaction.atomic():
        rollup.delete()
        times.delete()
        written = _bulk(StatsRollup, _rollup_rows(station_id, matters))
        written += _bulk(StatsResolveTime, _resolve_time_rows(station_id, matters))
        _rebuild_months(station_id, ranges)
    return written


def _month_ranges(ranges: list[tuple[dt.date, dt.date]] | None) -> list[tuple[dt.date, dt.date]] | None:
    """The whole months that contain the days, as (first day, last day) ranges."""
    if ranges is None:
        return None
    months = {first.replace(day=1) for first, last in ranges for first in _month_starts(first, last)}
    return [(start, month_end(start)) for start in sorted(months)]


def _month_starts(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = add_months(month, 1)


def _rebuild_months(station_id: int, ranges: list[tuple[dt.date, dt.date]] | None) -> None:
    """Add the day rows of every touched month up into the monthly tables (whole months only, so always exact),
    then the grid rows of those months into the station table and the kept median histograms; and rewrite the
    station's months to date from the changed days on."""
    months = _month_ranges(ranges)
    for day_model, month_model, measures in (
        (StatsRollup, StatsRollupMonth, MEASURES),
        (StatsResolveTime, StatsResolveTimeMonth, ("matters",)),
    ):
        days = day_model.objects.filter(station_id=station_id)
        old = month_model.objects.filter(station_id=station_id)
        if months is not None:
            days = days.filter(_day_in(months))
            old = old.filter(_month_in(months))
        old.delete()
        keys = [f.attname for f in RollupDimensions._meta.fields if f.attname != "id"]
        keys += ["outcome"] if day_model is StatsRollup else ["hours"]
        rows = (
            days.annotate(month=TruncMonth("day"))
            .order_by()
            .values("month", *keys)
            .annotate(**{f"total_{m}": Sum(m) for m in measures})
        )
        _bulk(
            month_model,
            (
                month_model(**{k: row[k] for k in ("month", *keys)}, **{m: row[f"total_{m}"] for m in measures})
                for row in rows.iterator(chunk_size=BATCH)
            ),
        )
    _rebuild_station_months(station_id, months)
    for kept in StatsMedianFilter.objects.all():
        _rebuild_medians(station_id, months, kept)
    _rebuild_to_date(station_id, ranges)


def _month_in(months: list[tuple[dt.date, dt.date]]) -> Q:
    return Q(month__in=[first for first, _last in months])


def _rebuild_station_months(station_id: int, months: list[tuple[dt.date, dt.date]] | None) -> None:
    grid_rows = StatsRollupMonth.objects.filter(station_id=station_id)
    old = StatsRollupStation.objects.filter(station_id=station_id)
    if months is not None:
        grid_rows, old = grid_rows.filter(_month_in(months)), old.filter(_month_in(months))
    old.delete()
    rows = (
        grid_rows.order_by()
        .values("month", *FILTER_COLUMNS)
        .annotate(**{f"total_{m}": Sum(m) for m in MEASURES})
        .iterator(chunk_size=BATCH)
    )
    _bulk(
        StatsRollupStation,
        (
            StatsRollupStation(
                station_id=station_id,
                **{k: row[k] for k in ("month", *FILTER_COLUMNS)},
                **{m: row[f"total_{m}"] for m in MEASURES},
            )
            for row in rows
        ),
    )


def _rebuild_medians(station_id: int, months: list[tuple[dt.date, dt.date]] | None, kept: StatsMedianFilter) -> None:
    times = StatsResolveTimeMonth.objects.filter(station_id=station_id).filter(filter_q(kept.filter, ROLLUP))
    old = StatsMedianMonth.objects.filter(station_id=station_id, filter=kept)
    if months is not None:
        times, old = times.filter(_month_in(months)), old.filter(_month_in(months))
    old.delete()
    rows = times.order_by().values("month", "hours").annotate(n=Sum("matters")).iterator(chunk_size=BATCH)
    _bulk(
        StatsMedianMonth,
        (
            StatsMedianMonth(
                station_id=station_id, filter=kept, month=row["month"], hours=row["hours"], matters=row["n"]
            )
            for row in rows
        ),
    )


def _rebuild_to_date(station_id: int, ranges: list[tuple[dt.date, dt.date]] | None, models: Apps = global_apps) -> None:
    """Rewrite the station's month-to-date rows (counts, kept median histograms) from the daily rows: in each
    touched month from its first changed day to its end, as the days before keep their totals; every month when
    `ranges` is None. `models` is the app registry, a migration's historical one when it fills the tables."""
    rollup, times = models.get_model("stats", "StatsRollup"), models.get_model("stats", "StatsResolveTime")
    counts, medians = models.get_model("stats", "StatsStationToDate"), models.get_model("stats", "StatsMedianToDate")
    spans = _to_date_spans(station_id, ranges, rollup)
    for table in (counts, medians):
        old = table.objects.filter(station_id=station_id)
        (old if ranges is None else old.filter(_day_in(spans))).delete()
    kept = [
        (median.pk, sql.where_of(times.objects.filter(filter_q(median.filter, ROLLUP))))
        for median in models.get_model("stats", "StatsMedianFilter").objects.all()
    ]
    station = {"station_id": station_id}
    for span in spans:
        sql.write_month_to_date(rollup, counts, station, span, FILTER_COLUMNS, MEASURES)
        for filter_id, where in kept:
            key = {**station, "filter_id": filter_id}
            sql.write_month_to_date(times, medians, key, span, ("hours",), ("matters",), where)


def _to_date_spans(
    station_id: int, ranges: list[tuple[dt.date, dt.date]] | None, rollup: Any
) -> list[tuple[dt.date, dt.date]]:
    """(first day to rewrite, the month's end) for each month to rewrite, in order."""
    if ranges is None:
        months = rollup.objects.filter(station_id=station_id).dates("day", "month")
        return [(month, month_end(month)) for month in months]
    firsts: dict[dt.date, dt.date] = {}
    for first, last in ranges:
        for month in _month_starts(first, last):
            day = max(first, month)
            firsts[month] = min(firsts.get(month, day), day)
    return [(day, month_end(day)) for day in sorted(firsts.values())]


def median_key(spec: dict[str, Any]) -> str:
    """The same filter written in any order gives the same key."""
    canonical = {key: sorted(values) for key, values in spec.items() if values}
    return hashlib.sha1(json.dumps(canonical, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def rebuild(station_ids: Iterable[int] | None = None) -> int:
    """Recount every day of these stations (all when None) from the raw rows; returns the rows written."""
    return each_station(station_ids, rebuild_days)


def rebuild_months(station_ids: Iterable[int] | None = None) -> int:
    """Recount only the tables derived from the daily rollup: monthly, station, median and month-to-date."""

    def months(station_id: int) -> int:
        with transaction.atomic():
            _rebuild_months(station_id, None)
        return 0

    return each_station(station_ids, months)


def rebuild_to_date(station_ids: Iterable[int] | None = None, models: Apps = global_apps) -> None:
    """Rewrite only the month-to-date tables from the daily rollup: for a database whose other tables are counted
    (the migration that adds them, the benchmark)."""
    station = models.get_model("stations", "Station")
    ids = list(station_ids) if station_ids is not None else list(station.objects.values_list("pk", flat=True))
    for station_id in ids:
        with transaction.atomic():
            _rebuild_to_date(station_id, None, models)


def each_station(station_ids: Iterable[int] | None, work: Callable[[int], int]) -> int:
    """`work` for each of these stations (all when None, by code). A rebuild of every station also decides which
    median histograms are kept: one per active median KPI's filter, usable (`ready`) once every station is counted."""
    from fengqiao.stations.models import Station

    everything = station_ids is None
    if everything:
        wanted = {
            median_key(kpi.filter): kpi.filter for kpi in Kpi.objects.filter(active=True, kind=KpiKind.MEDIAN_HOURS)
        }
        StatsMedianFilter.objects.exclude(key__in=wanted).delete()
        for key, spec in wanted.items():
            StatsMedianFilter.objects.get_or_create(key=key, defaults={"filter": spec})
    everyone = Station.objects.order_by("code").values_list("pk", flat=True)
    ids = list(station_ids) if station_ids is not None else list(everyone)
    written = sum(work(station_id) for station_id in ids)
    if everything:
        StatsMedianFilter.objects.update(ready=True)
    return written


def _reported_in(ranges: list[tuple[dt.date, dt.date]]) -> Q:
    return reduce(
        or_,
        (
            Q(reported_at__gte=local_midnight(first), reported_at__lt=local_midnight(last + dt.timedelta(days=1)))
            for first, last in ranges
        ),
    )


def _day_in(ranges: list[tuple[dt.date, dt.date]]) -> Q:
    return reduce(or_, (Q(day__range=(first, last)) for first, last in ranges))


def _rollup_rows(station_id: int, matters: QuerySet[Matter]) -> Iterator[StatsRollup]:
    keys = (*DIMENSIONS, "outcome__code")
    counts = annotated(matters).order_by().values(*keys).annotate(n=Count("id"), late=Count("id", filter=overdue_q()))
    callbacks = (
        MatterEvent.objects.filter(to_stage=Stage.CALLED_BACK, matter__in=matters.values("pk"))
        .annotate(day=TruncDate("matter__reported_at", tzinfo=LOCAL))
        .order_by()
        .values("day", *(f"matter__{key}" for key in keys if key != "day"))
        .annotate(n=Count("id"), good=Count("id", filter=Q(data__satisfaction__in=SATISFIED)))
    )
    answers = {
        tuple(row["day"] if key == "day" else row[f"matter__{key}"] for key in keys): (row["n"], row["good"])
        for row in callbacks
    }
    for row in counts.iterator(chunk_size=BATCH):
        key = tuple(row[k] for k in keys)
        given, good = answers.get(key, (0, 0))
        yield StatsRollup(
            station_id=station_id,
            grid_id=row["grid_id"],
            day=row["day"],
            category=row["category__code"],
            channel=row["channel"],
            kind=row["kind"],
            outcome=row["outcome__code"] or "",
            matters=row["n"],
            overdue=row["late"],
            callbacks=given,
            satisfied=good,
        )


def _resolve_time_rows(station_id: int, matters: QuerySet[Matter]) -> Iterator[StatsResolveTime]:
    rows = (
        annotated(matters)
        .filter(Q(first_resolved__gte=F("reported_at")))
        .annotate(hours=WholeHoursBetween("reported_at", "first_resolved"))
        .order_by()
        .values(*DIMENSIONS, "hours")
        .annotate(n=Count("id"))
    )
    for row in rows.iterator(chunk_size=BATCH):
        yield StatsResolveTime(
            station_id=station_id,
            grid_id=row["grid_id"],
            day=row["day"],
            category=row["category__code"],
            channel=row["channel"],
            kind=row["kind"],
            hours=row["hours"],
            matters=row["n"],
        )


def _bulk(model: Any, rows: Iterator[Any]) -> int:
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    model.objects.bulk_create(batch)
    return written + len(batch)
