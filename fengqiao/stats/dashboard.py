"""What the dashboard shows: the KPI table and the data of its charts, each point with the link to its matters.

Every number comes from the rollup (a handful of queries whatever the size of the station); the links lead to
`/stats/matters/`, which lists the same matters straight from the records.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.stations.models import CommunityGrid, Station
from fengqiao.stats.domain.figures import Figure, Scope, grid_populations, grouped, per_10k, summary
from fengqiao.stats.domain.periods import Compare, Period, add_months, month_end
from fengqiao.stats.models import Kpi, KpiKind

TREND_KPI = "calls"


@dataclass(frozen=True)
class Board:
    figures: list[Figure]
    charts: dict[str, Any]
    trend_kpi: Kpi


def matters_link(kpi: Kpi, period: Period, stations: list[Station], **extra: str) -> str:
    params = {"kpi": kpi.code, "from": period.start.isoformat(), "to": period.end.isoformat()}
    if len(stations) == 1:
        params["station"] = stations[0].code
    params.update({key: value for key, value in extra.items() if value})
    return f"{reverse('stats:matters')}?{urlencode(params)}"


def board(stations: list[Station], scope: Scope, period: Period, compare: Compare, trend_code: str) -> Board:
    figures = summary(scope, period, compare)
    kpis = {figure.kpi.code: figure.kpi for figure in figures}
    trend_kpi = kpis.get(trend_code) or kpis.get(TREND_KPI) or figures[0].kpi
    charts = {
        "trend": monthly_trend(trend_kpi, stations, scope, period.end.year),
        "grids": per_grid(trend_kpi, stations, scope, period),
        "categories": per_category(trend_kpi, stations, scope, period),
        "quality": quality(kpis, stations, scope, period.end.year),
    }
    return Board(figures, charts, trend_kpi)


def _year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _months(year: int) -> list[Period]:
    return [
        Period(add_months(dt.date(year, 1, 1), i), month_end(add_months(dt.date(year, 1, 1), i))) for i in range(12)
    ]


def monthly_trend(kpi: Kpi, stations: list[Station], scope: Scope, year: int) -> dict[str, Any]:
    """The KPI month by month this year against last year (同比 by month)."""
    this, last = grouped(kpi, scope, _year(year), "month"), grouped(kpi, scope, _year(year - 1), "month")
    months = _months(year)
    return {
        "title": _("%(kpi)s by month, %(year)s against %(last)s") % {"kpi": kpi.label, "year": year, "last": year - 1},
        "categories": [_("Month %(month)d") % {"month": m.start.month} for m in months],
        "series": [
            {"name": str(year), "data": [this.get(m.start) for m in months]},
            {"name": str(year - 1), "data": [last.get(add_months(m.start, -12)) for m in months]},
        ],
        "links": [matters_link(kpi, m, stations) for m in months],
    }


def per_grid(kpi: Kpi, stations: list[Station], scope: Scope, period: Period) -> dict[str, Any]:
    values = grouped(kpi, scope, period, "grid")
    grids = list(
        CommunityGrid.objects.filter(station__in=stations).select_related("community", "station").order_by("code")
    )
    people = grid_populations([s.pk for s in stations], period.end.year)
    rows = [
        {
            "name": grid.name,
            "code": grid.code,
            "community": grid.community.name,
            "value": values.get(grid.pk, 0.0 if kpi.kind == KpiKind.COUNT else None),
            "residents": people.get(grid.pk),
            "per_10k": per_10k(kpi, values.get(grid.pk, 0.0), people.get(grid.pk)),
            "link": matters_link(kpi, period, [grid.station], grid=grid.code),
        }
        for grid in grids
    ]
    if values.get(None):
        rows.append(
            {
                "name": _("No grid"),
                "code": "",
                "community": "",
                "value": values[None],
                "residents": None,
                "per_10k": None,
                "link": matters_link(kpi, period, stations, grid="-"),
            }
        )
    return {"title": _("%(kpi)s per grid") % {"kpi": kpi.label}, "rows": rows}


def per_category(kpi: Kpi, stations: list[Station], scope: Scope, period: Period) -> dict[str, Any]:
    """All matters of the period by top-level category (for a count KPI: the KPI's own matters)."""
    base = kpi if kpi.kind == KpiKind.COUNT else Kpi(code="all", kind=KpiKind.COUNT, filter={})
    values = grouped(base, scope, period, "category")
    labels = dict(
        Code.objects.filter(table=CodeTable.CATEGORIES, code__in=list(values)).values_list("code", "label_zh")
    )
    rows = [
        {
            "code": code,
            "name": labels.get(code, code),
            "value": value,
            "link": matters_link(base, period, stations, category=code),
        }
        for code, value in sorted(values.items(), key=lambda item: -(item[1] or 0))
        if value
    ]
    return {"title": _("%(kpi)s by category") % {"kpi": base.label if base.pk else _("Matters")}, "rows": rows}


def quality(kpis: dict[str, Kpi], stations: list[Station], scope: Scope, year: int) -> dict[str, Any]:
    """Overdue and satisfaction rates month by month this year."""
    months = _months(year)
    series = []
    for code in ("overdue_rate", "satisfaction"):
        kpi = kpis.get(code)
        if kpi is None:
            continue
        found = grouped(kpi, scope, _year(year), "month")
        series.append(
            {
                "name": kpi.label,
                "data": [None if found.get(m.start) is None else round(found[m.start] or 0, 1) for m in months],
                "links": [matters_link(kpi, m, stations) for m in months],
            }
        )
    return {
        "title": _("Overdue and satisfaction by month, %(year)s") % {"year": year},
        "categories": [_("Month %(month)d") % {"month": m.start.month} for m in months],
        "series": series,
    }
