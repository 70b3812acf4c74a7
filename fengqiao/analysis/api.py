"""Analysis in the JSON API: `GET /api/v1/analysis/hotspots`."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from fengqiao.analysis.hotspots import GridFigures, Period, category_prefix, hot_spots, parse_day, period_between
from fengqiao.api.auth import current_user
from fengqiao.api.schemas import ERRORS
from fengqiao.lib.errors import DomainError
from fengqiao.staff.models import User

router = Router(tags=["analysis"])


class HotSpotsQuery(Schema):
    # Dates stay text here so that a bad one gets our message naming the parameter, not pydantic's.
    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)

    start: str | None = Field(None, alias="from", description="First day, YYYY-MM-DD; default the 1st of this month.")
    end: str | None = Field(None, alias="to", description="Last day (included), YYYY-MM-DD; default today.")
    category: str | None = Field(None, description="A category code; only matters whose category starts with it.")


class PeriodOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to", description="Included.")
    days: int


class CategoryCountOut(Schema):
    code: str = Field(description="Top-level category code (2 digits).")
    label: str
    count: int


class GridOut(Schema):
    grid: int = Field(description="Id of the community grid.")
    code: str
    name: str
    community: str
    population: int | None = Field(description="Residents in the year the period ends (or the latest figure before).")
    count: int
    rate_per_10k: float | None = Field(description="Matters per 10,000 residents; null without a population figure.")
    previous_count: int
    previous_rate: float | None
    change_pct_prev: float | None = Field(description="Change of the count from the previous period; null from 0.")
    last_year_count: int
    last_year_rate: float | None
    change_pct_yoy: float | None = Field(description="Change of the count from the same period last year.")
    rank: int = Field(description="By rate, then count; grids without a population come last; ties share a rank.")
    categories: list[CategoryCountOut] = Field(description="This period's count per top-level category.")


class HotSpotsOut(Schema):
    period: PeriodOut
    previous: PeriodOut = Field(description="The same number of days immediately before (环比).")
    last_year: PeriodOut = Field(description="The same dates a year earlier (同比).")
    category: str | None
    without_grid: int = Field(description="Matters of the period that have no grid, so no row counts them.")
    grids: list[GridOut]


@router.get("/hotspots", response={200: HotSpotsOut, **ERRORS}, summary="Hot spots per grid", by_alias=True)
def hotspots(request: HttpRequest, filters: Query[HotSpotsQuery]) -> HotSpotsOut:
    """Counts and rates per 10,000 residents per community grid of the user's station, ranked by rate.

    Compared with the previous period of the same length and with the same period last year. Dates are the
    station's local dates (Asia/Shanghai); merged matters are not counted.
    """
    user = current_user(request)
    station_id = _station_of_analyst(user)
    span = _period(filters)
    figures = hot_spots(station_id, span, category_prefix(filters.category))
    return HotSpotsOut(
        period=_period_out(figures.period),
        previous=_period_out(figures.previous),
        last_year=_period_out(figures.last_year),
        category=figures.category or None,
        without_grid=figures.without_grid,
        grids=[_grid_out(row) for row in figures.grids],
    )


def _station_of_analyst(user: User) -> int:
    if not user.is_sworn or user.station_id is None:
        raise DomainError("forbidden", _("Hot spots are for the station's chief and officers."), status=403)
    return user.station_id


def _period(filters: HotSpotsQuery) -> Period:
    start = parse_day(filters.start, "from") if filters.start else None
    end = parse_day(filters.end, "to") if filters.end else None
    return period_between(start, end)


def _period_out(span: Period) -> PeriodOut:
    return PeriodOut.model_validate({"from": span.start, "to": span.end, "days": span.days})


def _grid_out(row: GridFigures) -> GridOut:
    values = {name: value for name, value in row.__dict__.items() if name != "categories"}
    categories = [CategoryCountOut(code=c.code, label=c.label, count=c.count) for c in row.categories]
    return GridOut(**values, categories=categories)
