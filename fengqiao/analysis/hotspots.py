"""Hot spots (热点): matters per community grid for a period, as counts and rates per 10,000 residents.

Each grid's figures are compared with the previous period of the same length (环比) and with the same dates a year
earlier (同比); the grids are ranked by rate, then count. A period is a range of local dates (Asia/Shanghai),
both ends included; a matter belongs to the day it was reported. Merged matters are left out: each is a second
record of another matter's incident. See docs/hotspots.md.

The work is a fixed number of queries whatever the number of grids: the grids, their populations, and one
aggregate per period grouped by grid and top-level category (the first two digits of the category code).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.knox import STATION_ZONE
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Matter, Stage
from fengqiao.stations.models import CommunityGrid, GridPopulation

PER = 10_000
TOP_LEVEL = 2  # 01 criminal, 02 public order …: the first two digits of a category code
FIRST_YEAR = 1900
LAST_YEAR = 2999
MAX_DAYS = 3_660  # ten years: enough for any comparison, and the comparison periods stay within the calendar

# grid id (None: no grid) → top-level category code → matters
Counts = dict[int | None, dict[str, int]]


@dataclass(frozen=True)
class Period:
    """Local dates from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The same number of days immediately before (环比): 1–15 August → 17–31 July."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def last_year(self) -> "Period":
        """The same dates a year earlier (同比); 29 February becomes 28 February."""
        return Period(_a_year_before(self.start), _a_year_before(self.end))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[midnight of the first day, midnight after the last day) in the station's time zone."""
        start = dt.datetime.combine(self.start, dt.time(), STATION_ZONE)
        return start, dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), STATION_ZONE)


def _a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def this_month(today: dt.date | None = None) -> Period:
    """The default period: this month so far."""
    day = today or timezone.localdate(timezone=STATION_ZONE)
    return Period(day.replace(day=1), day)


def period_between(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> Period:
    """The period a user asked for: the last day defaults to today, the first to the 1st of the last day's month."""
    last = end or today or timezone.localdate(timezone=STATION_ZONE)
    return period(start or last.replace(day=1), last)


def parse_day(text: str, field_name: str) -> dt.date:
    """An ISO date (2024-08-01) from a query string; a DomainError naming the field otherwise."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            "invalid", _("“%(value)s” is not a date; give it as YYYY-MM-DD.") % {"value": text}, field_name
        ) from None
    return day


def period(start: dt.date, end: dt.date) -> Period:
    """A checked period: in order, within the years the comparisons can reach, at most ten years long."""
    for day, name in ((start, "from"), (end, "to")):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DomainError(
                "invalid",
                _("Give a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                name,
            )
    if start > end:
        raise DomainError("invalid", _("The start date must not be after the end date."), "from")
    checked = Period(start, end)
    if checked.days > MAX_DAYS:
        raise DomainError("invalid", _("A period may span at most ten years."), "to")
    return checked


def category_prefix(value: str | None) -> str:
    """An existing category code (any level) or "" for all categories."""
    prefix = (value or "").strip()
    if prefix and not Code.objects.filter(table=CodeTable.CATEGORIES, code=prefix).exists():
        raise DomainError("invalid", _("“%(value)s” is not a category code.") % {"value": prefix}, "category")
    return prefix


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class GridFigures:
    grid: int
    code: str
    name: str
    community: str
    population: int | None
    count: int
    rate_per_10k: float | None
    previous_count: int
    previous_rate: float | None
    change_pct_prev: float | None
    last_year_count: int
    last_year_rate: float | None
    change_pct_yoy: float | None
    categories: list[CategoryCount]
    rank: int = 0


@dataclass(frozen=True)
class HotSpots:
    period: Period
    previous: Period
    last_year: Period
    category: str
    grids: list[GridFigures]
    without_grid: int  # matters of the period without a grid: no rate, counted in no row

    @property
    def top_rate(self) -> float:
        """The highest rate, for scaling the bars; 0 when no grid has one."""
        return max((row.rate_per_10k or 0.0 for row in self.grids), default=0.0)


def hot_spots(station_id: int, current: Period, category: str = "") -> HotSpots:
    """Every grid of the station with its figures for `current`, ranked; `category` is a code prefix or ""."""
    populations = _populations(station_id, current.end.year)
    now, before, year_ago = (
        Tally(span, _counts(station_id, span, category), populations)
        for span in (current, current.previous(), current.last_year())
    )
    grids = CommunityGrid.objects.filter(station_id=station_id).select_related("community").order_by("code")
    labels = _top_labels(now.counts)
    rows = [_figures(grid, now, before, year_ago, labels) for grid in grids]
    return HotSpots(current, before.span, year_ago.span, category, ranked(rows), now.count(None))


@dataclass(frozen=True)
class Tally:
    """One period's counts, and the populations that turn them into rates."""

    span: Period
    counts: Counts
    populations: dict[int, dict[int, int]]  # grid → year → residents

    def by_top(self, grid: int | None) -> dict[str, int]:
        return self.counts.get(grid, {})

    def count(self, grid: int | None) -> int:
        return sum(self.by_top(grid).values())

    def population(self, grid: int) -> int | None:
        """Residents in the year of the period's end; before that year's figure is entered, the latest earlier one."""
        years = [year for year in self.populations.get(grid, {}) if year <= self.span.end.year]
        return self.populations[grid][max(years)] if years else None

    def rate(self, grid: int) -> float | None:
        return rate(self.count(grid), self.population(grid))


def _counts(station_id: int, span: Period, category: str) -> Counts:
    """One aggregate query: matters reported in the period, grouped by grid and top-level category."""
    start, end = span.bounds()
    matters = Matter.objects.filter(station_id=station_id, reported_at__gte=start, reported_at__lt=end)
    matters = matters.exclude(stage=Stage.MERGED)
    if category:
        matters = matters.filter(category__code__startswith=category)
    rows = (
        matters.order_by()
        .values("grid", top=Substr("category__code", 1, TOP_LEVEL))
        .annotate(matters=Count("id"))
        .values_list("grid", "top", "matters")
    )
    counts: Counts = defaultdict(dict)
    for grid, top, number in rows:
        counts[grid][top] = number
    return counts


def _populations(station_id: int, up_to_year: int) -> dict[int, dict[int, int]]:
    """grid → year → residents, for every year up to the last one any of the three periods needs."""
    rows = GridPopulation.objects.filter(grid__station_id=station_id, year__lte=up_to_year)
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for grid, year, residents in rows.values_list("grid_id", "year", "residents"):
        found[grid][year] = residents
    return found


def _top_labels(counts: Counts) -> dict[str, str]:
    tops = {top for per_grid in counts.values() for top in per_grid}
    labels = {code.code: code.label for code in Code.objects.filter(table=CodeTable.CATEGORIES, code__in=tops)}
    return {top: labels.get(top, top) for top in tops}  # in the active language


def _figures(grid: CommunityGrid, now: Tally, before: Tally, year_ago: Tally, labels: dict[str, str]) -> GridFigures:
    count, by_top = now.count(grid.pk), now.by_top(grid.pk)
    return GridFigures(
        grid=grid.pk,
        code=grid.code,
        name=grid.name,
        community=grid.community.name,
        population=now.population(grid.pk),
        count=count,
        rate_per_10k=now.rate(grid.pk),
        previous_count=before.count(grid.pk),
        previous_rate=before.rate(grid.pk),
        change_pct_prev=change_pct(count, before.count(grid.pk)),
        last_year_count=year_ago.count(grid.pk),
        last_year_rate=year_ago.rate(grid.pk),
        change_pct_yoy=change_pct(count, year_ago.count(grid.pk)),
        categories=[CategoryCount(top, labels[top], by_top[top]) for top in sorted(by_top)],
    )


def rate(count: int, population: int | None) -> float | None:
    """Matters per 10,000 residents, two decimals; None without a population figure."""
    return round(count * PER / population, 2) if population else None


def change_pct(count: int, earlier: int) -> float | None:
    """Change of the count in per cent, one decimal (−23.3); None when there is nothing to compare with."""
    return round((count - earlier) * 100 / earlier, 1) if earlier else None


def ranked(rows: list[GridFigures]) -> list[GridFigures]:
    """Highest rate first, then highest count; grids without a population come last. Ties share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda row: (row.rate_per_10k is None, -(row.rate_per_10k or 0), -row.count, row.code))
    result: list[GridFigures] = []
    for position, row in enumerate(ordered, start=1):
        tied = result and (result[-1].rate_per_10k, result[-1].count) == (row.rate_per_10k, row.count)
        result.append(replace(row, rank=result[-1].rank if tied else position))
    return result
