"""`GET /api/v1/stats/summary`: KPI figures for a period, compared with the same period last year or the one before."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from fengqiao.api.auth import current_user
from fengqiao.api.schemas import ERRORS
from fengqiao.stats.domain.access import grid_of, stations_for
from fengqiao.stats.domain.figures import Figure, Scope, summary
from fengqiao.stats.domain.periods import local_day, parse_compare, requested_period

router = Router(tags=["stats"])


class FigureOut(Schema):
    kpi: str
    label: str
    kind: str
    value: float | None
    previous: float | None
    change_pct: float | None
    per_10k: float | None
    previous_per_10k: float | None
    per_10k_change_pct: float | None


def figure_out(figure: Figure) -> FigureOut:
    return FigureOut(
        kpi=figure.kpi.code,
        label=figure.kpi.label,
        kind=figure.kpi.kind,
        value=_round(figure.value, 2),
        previous=_round(figure.previous, 2),
        change_pct=figure.change_pct,
        per_10k=_round(figure.per_10k, 4),
        previous_per_10k=_round(figure.previous_per_10k, 4),
        per_10k_change_pct=figure.per_10k_change_pct,
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


class SummaryQuery(Schema):
    # Lenient on purpose, as the matter list: unknown query parameters (cache busters) are ignored.
    model_config = ConfigDict(str_strip_whitespace=True, populate_by_name=True)

    station: str | None = Field(None, description="Station code, or several separated by commas (staff users)")
    branch: str | None = Field(None, description="A branch code: all its stations (staff users)")
    grid: str | None = Field(None, description="A community grid code of the station")
    start: str | None = Field(None, alias="from", description="First day, e.g. 2024-01-01")
    to: str | None = Field(None, description="Last day, included; today when omitted")
    period: str | None = Field(None, description="Instead of from/to: 2024-07, 2024-Q3, 2024 or ytd")
    compare: str | None = Field(None, description="yoy (same period last year, default) or mom (previous period)")


@router.get("/summary", response={200: list[FigureOut], **ERRORS}, summary="KPI figures for a period")
def stats_summary(request: HttpRequest, params: Query[SummaryQuery]) -> list[FigureOut]:
    """Figures of the stations together (a county when several), from the rollup; labels in the request's language.

    Police users see their own station; staff users any station, several (`station=a,b`) or a branch.
    `per_10k` is per 10,000 residents of the stations' grids in the period's last year.
    """
    user = current_user(request)
    stations = stations_for(user, params.station, params.branch)
    chosen_grid = grid_of(stations, params.grid)
    when = requested_period(params.period, params.start, params.to, local_day(timezone.now()))
    scope = Scope(tuple(s.pk for s in stations), chosen_grid.pk if chosen_grid else None)
    return [figure_out(figure) for figure in summary(scope, when, parse_compare(params.compare))]
