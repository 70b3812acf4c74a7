"""The monthly report (统计月报) of one station: what it contains, computed once, then written as XLSX or PDF.

The report is a Chinese document a station hands to its branch, whatever language the reader's screen is in:
its headings are fixed Chinese text (like the KPI labels, which come from the KPI data), not interface strings.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import translation

from fengqiao.matters.models import Matter
from fengqiao.stations.models import CommunityGrid, Station
from fengqiao.stats.domain.figures import (
    Scope,
    Value,
    active_kpis,
    change_pct,
    grid_populations,
    grouped,
    per_10k,
    population,
    values,
)
from fengqiao.stats.domain.periods import Compare, Period, month_end
from fengqiao.stats.models import Kpi, KpiKind

REPORT_FORMATS = ("xlsx", "pdf")
LEDGER_LIMIT = 5000  # a month of a busy station; the ledger sheet is for reading, not a full export


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    month: Value
    month_last_year: Value
    month_before: Value
    ytd: Value
    ytd_last_year: Value
    month_per_10k: Value
    ytd_per_10k: Value
    ytd_last_year_per_10k: Value

    @property
    def yoy(self) -> Value:
        return change_pct(self.month, self.month_last_year)

    @property
    def mom(self) -> Value:
        return change_pct(self.month, self.month_before)

    @property
    def ytd_yoy(self) -> Value:
        return change_pct(self.ytd, self.ytd_last_year)

    @property
    def ytd_per_10k_yoy(self) -> Value:
        return change_pct(self.ytd_per_10k, self.ytd_last_year_per_10k)


@dataclass(frozen=True)
class GridRow:
    grid: CommunityGrid
    residents: int | None
    counts: dict[str, Value]  # KPI code → the month's value


@dataclass(frozen=True)
class MonthlyReport:
    station: Station
    month: Period
    ytd: Period
    rows: list[KpiRow]
    grid_kpis: list[Kpi]
    grids: list[GridRow]
    trend: list[tuple[int, Value, Value]]  # month number, this year, last year (calls handled)
    trend_kpi: Kpi
    ledger: list[Matter]

    @property
    def title(self) -> str:
        return f"{self.station.name} {self.month.start.year}年{self.month.start.month}月统计月报"

    @property
    def ytd_label(self) -> str:
        return f"1—{self.month.start.month}月累计"


def monthly_report(station: Station, month: Period) -> MonthlyReport:
    scope = Scope((station.pk,))
    kpis = active_kpis()
    ytd = Period(dt.date(month.start.year, 1, 1), month.end)
    periods = [month, month.previous(Compare.YOY), month.previous(Compare.MOM), ytd, ytd.previous(Compare.YOY)]
    found = values(kpis, scope, periods)
    people, people_before = population(scope, month.end.year), population(scope, month.end.year - 1)
    rows = [
        KpiRow(
            kpi,
            month=found[kpi.code, 0],
            month_last_year=found[kpi.code, 1],
            month_before=found[kpi.code, 2],
            ytd=found[kpi.code, 3],
            ytd_last_year=found[kpi.code, 4],
            month_per_10k=per_10k(kpi, found[kpi.code, 0], people),
            ytd_per_10k=per_10k(kpi, found[kpi.code, 3], people),
            ytd_last_year_per_10k=per_10k(kpi, found[kpi.code, 4], people_before),
        )
        for kpi in kpis
    ]
    grid_kpis = [kpi for kpi in kpis if kpi.kind == KpiKind.COUNT]
    trend_kpi = next((kpi for kpi in kpis if kpi.code == "calls"), grid_kpis[0])
    return MonthlyReport(
        station,
        month,
        ytd,
        rows,
        grid_kpis,
        _grid_rows(station, scope, month, grid_kpis),
        _trend(scope, trend_kpi, month.start.year),
        trend_kpi,
        _ledger(station, month),
    )


def _grid_rows(station: Station, scope: Scope, month: Period, kpis: list[Kpi]) -> list[GridRow]:
    per_kpi = {kpi.code: grouped(kpi, scope, month, "grid") for kpi in kpis}
    people = grid_populations([station.pk], month.end.year)
    grids = CommunityGrid.objects.filter(station=station).select_related("community").order_by("code")
    return [
        GridRow(grid, people.get(grid.pk), {code: found.get(grid.pk, 0.0) for code, found in per_kpi.items()})
        for grid in grids
    ]


def _trend(scope: Scope, kpi: Kpi, year: int) -> list[tuple[int, Value, Value]]:
    this = grouped(kpi, scope, Period(dt.date(year, 1, 1), dt.date(year, 12, 31)), "month")
    last = grouped(kpi, scope, Period(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)), "month")
    return [
        (month, this.get(dt.date(year, month, 1), 0.0), last.get(dt.date(year - 1, month, 1), 0.0))
        for month in range(1, 13)
    ]


def _ledger(station: Station, month: Period) -> list[Matter]:
    start, end = month.bounds()
    matters = Matter.objects.filter(station=station, reported_at__gte=start, reported_at__lt=end)
    related = ("category", "outcome", "grid", "owner", "address")
    return list(matters.select_related(*related).order_by("reported_at", "pk")[:LEDGER_LIMIT])


def render_report(report: MonthlyReport, kind: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the report in `kind` (xlsx or pdf)."""
    from fengqiao.stats.pdf import report_pdf
    from fengqiao.stats.xlsx import report_xlsx

    name = f"{report.station.code}-{report.month.start:%Y-%m}"
    with translation.override("zh-hans"):  # choice labels (channel, stage …) in the report's language
        if kind == "pdf":
            return report_pdf(report), "application/pdf", f"{name}.pdf"
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return report_xlsx(report), xlsx, f"{name}.xlsx"


def month_of(text: str) -> Period:
    """`2024-07` → July 2024; raises ValueError with a message naming the value."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        start = dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"“{text}” is not a month: give it as 2024-07.") from None
    return Period(start, month_end(start))
