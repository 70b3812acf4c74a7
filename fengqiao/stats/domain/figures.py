"""KPI figures from the rollup: any period, compared with another, absolute and per 10,000 residents.

All count and rate KPIs of all asked periods come from ONE aggregate query over the rollup rows of those
periods (a conditional sum per KPI × period); each median needs one small query over the time histogram.
"""

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import F, Func, Model, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from fengqiao.stations.models import GridPopulation
from fengqiao.stats.domain import sql
from fengqiao.stats.domain.filters import ROLLUP, filter_q, row_matches
from fengqiao.stats.domain.periods import Compare, Period, add_months, month_end
from fengqiao.stats.domain.rollup import median_key
from fengqiao.stats.models import (
    Kpi,
    KpiKind,
    StatsMedianFilter,
    StatsMedianMonth,
    StatsMedianToDate,
    StatsResolveTime,
    StatsResolveTimeMonth,
    StatsRollup,
    StatsRollupMonth,
    StatsRollupStation,
    StatsStationToDate,
)

Value = float | None
PER = 10_000


@dataclass(frozen=True)
class Scope:
    """One station or several (a county), optionally narrowed to one community grid."""

    station_ids: tuple[int, ...]
    grid_id: int | None = None

    def rows(self, model: Any) -> QuerySet[Any]:
        rows = model.objects.filter(station_id__in=self.station_ids)
        return rows.filter(grid_id=self.grid_id) if self.grid_id is not None else rows


@dataclass(frozen=True)
class Figure:
    kpi: Kpi
    value: Value
    previous: Value
    per_10k: Value
    previous_per_10k: Value

    @property
    def change_pct(self) -> Value:
        return change_pct(self.value, self.previous)

    @property
    def per_10k_change_pct(self) -> Value:
        return change_pct(self.per_10k, self.previous_per_10k)


def change_pct(value: Value, previous: Value) -> Value:
    """Relative change in per cent, two decimals; None when there is nothing to compare with."""
    if value is None or not previous:
        return None
    return round((value - previous) / previous * 100, 2)


def active_kpis() -> list[Kpi]:
    return list(Kpi.objects.filter(active=True))


def summary(scope: Scope, period: Period, compare: Compare, kpis: Sequence[Kpi] | None = None) -> list[Figure]:
    kpis = list(kpis) if kpis is not None else active_kpis()
    earlier = period.previous(compare)
    found = values(kpis, scope, [period, earlier])
    residents = populations(scope)
    now_people, then_people = residents(period.end.year), residents(earlier.end.year)
    return [
        Figure(
            kpi,
            found[kpi.code, 0],
            found[kpi.code, 1],
            per_10k(kpi, found[kpi.code, 0], now_people),
            per_10k(kpi, found[kpi.code, 1], then_people),
        )
        for kpi in kpis
    ]


def per_10k(kpi: Kpi, value: Value, residents: int | None) -> Value:
    if not kpi.per_10k or value is None or not residents:
        return None
    return value * PER / residents


def values(kpis: Sequence[Kpi], scope: Scope, periods: Sequence[Period]) -> dict[tuple[str, int], Value]:
    """{(kpi code, index of the period): value} for every KPI and period."""
    result: dict[tuple[str, int], Value] = {}
    sums = _sums(kpis, scope, periods)
    for kpi in kpis:
        if kpi.kind == KpiKind.MEDIAN_HOURS:
            for index, counts in enumerate(histograms(kpi, scope, periods)):
                result[kpi.code, index] = median(counts)
        else:
            for index in range(len(periods)):
                result[kpi.code, index] = _value(kpi, sums, index)
    return result


def parts(kpi: Kpi) -> dict[str, tuple[str, Q]]:
    """The measure and rollup filter of each part of a KPI: `value` for a count, `num` and `den` for a rate."""
    return {name: (measure, _spec_q(spec)) for name, (measure, spec) in part_specs(kpi).items()}


def _spec_q(spec: dict[str, Any]) -> Q:
    if set(spec) == {"base", "part"}:
        return filter_q(spec["base"], ROLLUP) & filter_q(spec["part"], ROLLUP)
    return filter_q(spec, ROLLUP)


def part_specs(kpi: Kpi) -> dict[str, tuple[str, dict[str, Any]]]:
    """Like `parts`, with the filter as data: the KPI's filter and the part's own, both to hold."""
    if kpi.kind == KpiKind.COUNT:
        return {"value": ("matters", kpi.filter)}
    if kpi.kind == KpiKind.RATE:
        return {
            name: (spec["measure"], {"base": kpi.filter, "part": spec.get("filter", {})})
            for name, spec in (("num", kpi.numerator), ("den", kpi.denominator))
        }
    return {}


GROUP_COLUMNS = sql.COUNT_KEYS


def _sums(kpis: Sequence[Kpi], scope: Scope, periods: Sequence[Period]) -> dict[tuple[str, int, str], int]:
    """Whole months from the monthly table, the ragged ends from the daily one, every period in one query: the
    rollup grouped by the four filter columns (a few hundred groups), then every KPI's filter applied to the
    groups in Python (a cached answer per distinct group)."""
    totals: dict[tuple[str, int, str], int] = {}
    signature = json.dumps(
        [(kpi.code, part, measure, spec) for kpi in kpis for part, (measure, spec) in part_specs(kpi).items()],
        sort_keys=True,
    )
    for group in _groups(scope, periods):
        index = group["index"]
        for code, part, measure in _group_hits(signature, tuple(group[column] for column in GROUP_COLUMNS)):
            totals[code, index, part] = totals.get((code, index, part), 0) + (group[measure] or 0)
    return totals


@lru_cache(maxsize=100_000)
def _group_hits(signature: str, key: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """The (KPI, part, measure) that count a group of rollup rows. Keyed by the KPI definitions as JSON, so an
    edited definition is a new key: the cache is never stale, and groups and definitions are few."""
    group = dict(zip(GROUP_COLUMNS, key, strict=True))
    return tuple((code, part, measure) for code, part, measure, spec in json.loads(signature) if _matches(spec, group))


def _matches(spec: dict[str, Any], group: dict[str, Any]) -> bool:
    if set(spec) == {"base", "part"}:
        return row_matches(spec["base"], group) and row_matches(spec["part"], group)
    return row_matches(spec, group)


@dataclass(frozen=True)
class Tables:
    """Where a period's whole months are read, and its ragged ends: from daily rows, or from a month to date."""

    months: type[Model]
    ends: type[Model]
    to_date: bool


# Stations read the tables without grid; a grid reads its own rows of the grid tables.
STATION_COUNTS = Tables(StatsRollupStation, StatsStationToDate, to_date=True)
GRID_COUNTS = Tables(StatsRollupMonth, StatsRollup, to_date=False)
KEPT_HOURS = Tables(StatsMedianMonth, StatsMedianToDate, to_date=True)
FINE_HOURS = Tables(StatsResolveTimeMonth, StatsResolveTime, to_date=False)


def _groups(scope: Scope, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Rollup rows grouped by the filter columns per period (`index`), in one query."""
    tables = GRID_COUNTS if scope.grid_id is not None else STATION_COUNTS
    return sql.counts(period_slices(periods, tables), scope.station_ids, scope.grid_id)


def period_slices(
    periods: Sequence[Period], tables: Tables, where: Callable[[type[Model]], sql.Where] = lambda _model: ("", ())
) -> list[sql.Part]:
    """Each period as its whole months, then each ragged end on its own: plain ranges, so that each is one
    index-only scan of a covering index (an OR of ranges is a bitmap scan of the table). `where` narrows a table."""
    found: list[sql.Part] = []
    for index, period in enumerate(periods):
        months = whole_months(period)
        if months:
            found.append(sql.Part(index, tables.months, *months, where=where(tables.months)))
        for first, last in ragged_days(period):
            if tables.to_date:
                found += _to_date_parts(index, first, last, tables.ends, where(tables.ends))
            else:
                found.append(sql.Part(index, tables.ends, first, last, where=where(tables.ends)))
    return found


def _to_date_parts(index: int, first: dt.date, last: dt.date, model: type[Model], where: sql.Where) -> list[sql.Part]:
    """Days `first` to `last` from a month-to-date table: in each month, its last day's rows less those of the day
    before its first (none when it starts on the 1st). Two days read, however long the ragged end."""
    found = []
    month = first.replace(day=1)
    while month <= last:
        start, end = max(first, month), min(last, month_end(month))
        found.append(sql.Part(index, model, end, end, where=where))
        if start != month:
            before = start - dt.timedelta(days=1)
            found.append(sql.Part(index, model, before, before, sign=-1, where=where))
        month = add_months(month, 1)
    return found


def _value(kpi: Kpi, sums: dict[tuple[str, int, str], int], index: int) -> Value:
    if kpi.kind == KpiKind.COUNT:
        return float(sums.get((kpi.code, index, "value"), 0))
    return rate(sums.get((kpi.code, index, "num"), 0), sums.get((kpi.code, index, "den"), 0))


def rate(numerator: int, denominator: int) -> Value:
    return numerator / denominator * 100 if denominator else None


def whole_months(period: Period) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and the last whole calendar month inside the period, if any."""
    first = period.start if period.start.day == 1 else add_months(period.start, 1)
    last = period.end if period.end == month_end(period.end) else period.end.replace(day=1) - dt.timedelta(days=1)
    return (first, last.replace(day=1)) if first <= last else None


def ragged_days(period: Period) -> list[tuple[dt.date, dt.date]]:
    """The days of the period outside its whole months: its head and its tail."""
    months = whole_months(period)
    if months is None:
        return [(period.start, period.end)]
    ends = []
    if period.start < months[0]:
        ends.append((period.start, months[0] - dt.timedelta(days=1)))
    if month_end(months[1]) < period.end:
        ends.append((month_end(months[1]) + dt.timedelta(days=1), period.end))
    return ends


def month_q(period: Period) -> Q | None:
    months = whole_months(period)
    return Q(month__range=months) if months else None


def day_q(period: Period) -> Q | None:
    q = None
    for first, last in ragged_days(period):
        part = Q(day__range=(first, last))
        q = part if q is None else q | part
    return q


def histograms(kpi: Kpi, scope: Scope, periods: Sequence[Period]) -> list[dict[int, int]]:
    """{whole hours: matters} per period, in one query: from the kept histograms of the KPI's filter when there
    are (stations, not a grid), else from the fine histograms, filtered here. A month to date less an earlier one
    leaves hours with no matters: they are dropped."""
    kept_id = _kept_median(kpi) if scope.grid_id is None else None
    if kept_id is not None:
        parts = period_slices(periods, KEPT_HOURS, lambda _model: ("filter_id = %s", (kept_id,)))
    else:
        parts = period_slices(periods, FINE_HOURS, lambda model: sql.filter_where(model, kpi.filter))
    counts: list[dict[int, int]] = [{} for _period in periods]
    for index, hours, matters in sql.hours(parts, scope.station_ids, scope.grid_id):
        if matters:
            counts[index][hours] = counts[index].get(hours, 0) + matters
    return counts


def _kept_median(kpi: Kpi) -> int | None:
    """The id of the ready kept histogram of the KPI's filter, if any."""
    return StatsMedianFilter.objects.filter(key=median_key(kpi.filter), ready=True).values_list("pk", flat=True).first()


def median(counts: dict[int, int]) -> Value:
    """The median of a histogram {value: how many}; the mean of the two middle values for an even total."""
    total = sum(counts.values())
    if not total:
        return None
    wanted, seen, middle = {(total - 1) // 2, total // 2}, 0, []
    for value in sorted(counts):
        for position in sorted(wanted):
            if seen <= position < seen + counts[value]:
                middle.append(value)
        seen += counts[value]
    return sum(middle) / len(middle)


def population(scope: Scope, year: int) -> int | None:
    """Residents in the scope's grids in `year`; a year without figures takes the latest earlier one."""
    return populations(scope)(year)


def populations(scope: Scope) -> Callable[[int], int | None]:
    """`population` for any year, from one query: a summary asks for two years."""
    rows = GridPopulation.objects.filter(grid__station_id__in=scope.station_ids)
    if scope.grid_id is not None:
        rows = rows.filter(grid_id=scope.grid_id)
    totals = dict(rows.order_by().values_list("year").annotate(total=Sum("residents")))

    def residents(year: int) -> int | None:
        known = [known for known in totals if known <= year]
        return totals[max(known)] if known else None

    return residents


def grid_populations(station_ids: Sequence[int], year: int) -> dict[int, int]:
    """Residents per grid in `year` (or the grid's latest earlier year)."""
    result: dict[int, tuple[int, int]] = {}
    rows = GridPopulation.objects.filter(grid__station_id__in=station_ids, year__lte=year)
    for grid_id, row_year, residents in rows.values_list("grid_id", "year", "residents"):
        if grid_id not in result or result[grid_id][0] < row_year:
            result[grid_id] = (row_year, residents)
    return {grid_id: residents for grid_id, (_year, residents) in result.items()}


# ---- grouped series for charts and report tables -------------------------------------------------------------


def _group_key(by: str, monthly: bool) -> Func | F:
    if by == "month":
        return F("month") if monthly else TruncMonth("day")
    return F("grid_id") if by == "grid" else Substr("category", 1, 2)


def grouped(kpi: Kpi, scope: Scope, period: Period, by: str) -> dict[Any, Value]:
    """The KPI's value per month, per grid (id, None for no grid) or per top-level category code."""
    if kpi.kind == KpiKind.MEDIAN_HOURS:
        return _grouped_median(kpi, scope, period, by)
    # The KPI's filter goes inside the sums: a group with no matching matters still shows, as 0.
    sums = {part: Sum(measure, filter=q) for part, (measure, q) in parts(kpi).items()}
    totals: dict[Any, dict[str, int]] = {}
    # Per month or category of stations, the station table (no grid) has a seventh of the rows.
    months = StatsRollupMonth if by == "grid" or scope.grid_id is not None else StatsRollupStation
    for model, where, monthly in ((months, month_q, True), (StatsRollup, day_q, False)):
        inside = where(period)
        if inside is None:
            continue
        rows = scope.rows(model).filter(inside).annotate(key=_group_key(by, monthly)).order_by().values("key")
        for row in rows.annotate(**sums):
            total = totals.setdefault(_key(row["key"]), {})
            for part in sums:
                total[part] = total.get(part, 0) + (row[part] or 0)
    if kpi.kind == KpiKind.COUNT:
        return {key: float(total["value"]) for key, total in totals.items()}
    return {key: rate(total["num"], total["den"]) for key, total in totals.items()}


def _grouped_median(kpi: Kpi, scope: Scope, period: Period, by: str) -> dict[Any, Value]:
    counts: dict[Any, dict[int, int]] = {}
    for model, where, monthly in ((StatsResolveTimeMonth, month_q, True), (StatsResolveTime, day_q, False)):
        inside = where(period)
        if inside is None:
            continue
        rows = (
            scope.rows(model)
            .filter(inside & filter_q(kpi.filter, ROLLUP))
            .annotate(key=_group_key(by, monthly))
            .order_by()
            .values("key", "hours")
            .annotate(n=Sum("matters"))
        )
        for row in rows:
            histogram = counts.setdefault(_key(row["key"]), {})
            histogram[row["hours"]] = histogram.get(row["hours"], 0) + row["n"]
    return {group: median(histogram) for group, histogram in counts.items()}


def _key(value: Any) -> Any:
    # TruncMonth gives a date on PostgreSQL and SQLite alike, but guard against a datetime from other backends.
    return value.date() if isinstance(value, dt.datetime) else value
