"""Hot spots: counts and rates per 10,000 residents per grid, against the previous period and last year, ranked.

The figures below are worked out by hand from the matters the fixture registers (1–15 August 2024, Shanghai).
"""

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fengqiao.analysis.hotspots import GridFigures, HotSpots, Period, hot_spots, period
from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.registration import register
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, CommunityGrid, GridPopulation, PoliceGrid, Station
from tests.api.conftest import ApiClient, error_of, token_for
from tests.conftest import a_registration

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 15))
QUERY = {"from": "2024-08-01", "to": "2024-08-15"}


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def reported(
    make_matter: Callable[..., Matter], grid: CommunityGrid | None, when: dt.datetime, category: str = "0104"
) -> Matter:
    """A matter reported at a local time in a grid (or none), of a category (theft by default)."""
    matter = make_matter(kind="case", category=category, description="案件", reported_at=when)
    Matter.objects.filter(pk=matter.pk).update(grid=grid)
    return matter


@pytest.fixture
def report(make_matter) -> Callable[..., Matter]:  # type: ignore[no-untyped-def]
    return partial(reported, make_matter)


def another_grid(grid: CommunityGrid, code: str, name: str) -> CommunityGrid:
    return CommunityGrid.objects.create(
        station=grid.station, police_grid=grid.police_grid, community=grid.community, code=code, name=name
    )


def residents(grid: CommunityGrid, **by_year: int) -> None:
    for year, count in by_year.items():
        GridPopulation.objects.create(grid=grid, year=int(year.removeprefix("y")), residents=count)


@pytest.fixture
def august(grid: CommunityGrid, report, make_matter, officer: User) -> dict[str, CommunityGrid]:  # type: ignore[no-untyped-def]
    """Four grids of 鹿城 with matters in August 2024, the second half of July 2024 and August 2023."""
    second = another_grid(grid, "G2", "华丽二网格")
    third = another_grid(grid, "G3", "华丽三网格")
    fourth = another_grid(grid, "G4", "新区网格")  # no population figure at all
    residents(grid, y2023=1_200, y2024=1_500)
    residents(second, y2022=400, y2024=500)  # no 2023 figure: last year's rate uses 2022's
    residents(third, y2024=10_000)

    # G1: 3 now (two thefts, one noise complaint), 2 in the previous period, 4 a year ago.
    report(grid, at("2024-08-01", "00:05"))  # just after local midnight: 31 July in UTC, 1 August here
    report(grid, at("2024-08-15", "23:30"))  # the last evening of the period
    report(grid, at("2024-08-09"), category="0203")
    report(grid, at("2024-07-17"))
    report(grid, at("2024-07-31", "23:59"))
    for day in ("2023-08-01", "2023-08-05", "2023-08-10", "2023-08-15"):
        report(grid, at(day))
    report(grid, at("2024-08-16", "00:10"))  # after the period
    report(grid, at("2024-07-16"))  # before the previous period
    # G2: 1 now, none before, 1 a year ago.
    report(second, at("2024-08-03"))
    report(second, at("2023-08-03"))
    # G4: 3 now, but no residents to divide by; a duplicate merged into one of them does not count again.
    report(fourth, at("2024-08-02"))
    report(fourth, at("2024-08-04"))
    original = report(fourth, at("2024-08-06"), category="0203")
    duplicate = report(fourth, at("2024-08-06"), category="0203")
    # Without a grid: in no row.
    report(None, at("2024-08-05"))
    transition(duplicate.pk, officer, Step(to="merged", into=original.pk))
    return {"G1": grid, "G2": second, "G3": third, "G4": fourth}


def row(figures: HotSpots, code: str) -> GridFigures:
    return next(item for item in figures.grids if item.code == code)


def test_three_matters_among_1500_residents_are_20_per_10000(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    g1 = row(hot_spots(station.pk, AUGUST), "G1")

    assert (g1.population, g1.count, g1.rate_per_10k) == (1_500, 3, 20.0)
    assert [(c.code, c.count) for c in g1.categories] == [("01", 2), ("02", 1)]


def test_the_previous_period_is_as_long_and_just_before(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    figures = hot_spots(station.pk, AUGUST)
    g1 = row(figures, "G1")

    assert figures.previous == Period(dt.date(2024, 7, 17), dt.date(2024, 7, 31))
    # 2 among 1,500 → 13.33 per 10,000; 3 against 2 is 50 % more.
    assert (g1.previous_count, g1.previous_rate, g1.change_pct_prev) == (2, 13.33, 50.0)


def test_last_year_is_the_same_dates_with_last_years_residents(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    figures = hot_spots(station.pk, AUGUST)
    g1, g2 = row(figures, "G1"), row(figures, "G2")

    assert figures.last_year == Period(dt.date(2023, 8, 1), dt.date(2023, 8, 15))
    # 4 among 2023's 1,200 → 33.33; 3 against 4 is 25 % fewer.
    assert (g1.last_year_count, g1.last_year_rate, g1.change_pct_yoy) == (4, 33.33, -25.0)
    # No 2023 figure for G2: 2022's 400 residents → 25.0; 1 against 1 is no change.
    assert (g2.last_year_count, g2.last_year_rate, g2.change_pct_yoy) == (1, 25.0, 0.0)


def test_a_change_from_nothing_has_no_percentage(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    g2 = row(hot_spots(station.pk, AUGUST), "G2")

    assert (g2.count, g2.previous_count, g2.change_pct_prev) == (1, 0, None)


def test_grids_rank_by_rate_then_count_and_a_grid_without_residents_comes_last(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    figures = hot_spots(station.pk, AUGUST)

    ranking = [(item.rank, item.code, item.count, item.rate_per_10k) for item in figures.grids]
    assert ranking == [(1, "G1", 3, 20.0), (2, "G2", 1, 20.0), (3, "G3", 0, 0.0), (4, "G4", 3, None)]
    assert figures.without_grid == 1


def test_grids_with_the_same_rate_and_count_share_a_rank(grid: CommunityGrid, report, station: Station) -> None:  # type: ignore[no-untyped-def]
    second = another_grid(grid, "G2", "华丽二网格")
    third = another_grid(grid, "G3", "华丽三网格")
    for each, people in ((grid, 1_000), (second, 1_000), (third, 1_000)):
        residents(each, y2024=people)
    report(grid, at("2024-08-02"))
    report(second, at("2024-08-02"))

    figures = hot_spots(station.pk, AUGUST)

    assert [(item.rank, item.code) for item in figures.grids] == [(1, "G1"), (1, "G2"), (3, "G3")]


def test_a_category_prefix_counts_only_that_category(august, station: Station) -> None:  # type: ignore[no-untyped-def]
    g1 = row(hot_spots(station.pk, AUGUST, "0203"), "G1")

    assert (g1.count, g1.rate_per_10k, g1.previous_count, g1.last_year_count) == (1, 6.67, 0, 0)
    assert [(c.code, c.count) for c in g1.categories] == [("02", 1)]


def test_another_stations_matters_never_count(
    august, station: Station, other_station: Station, other_chief: User
) -> None:  # type: ignore[no-untyped-def]
    theirs = CommunityGrid.objects.create(
        station=other_station,
        police_grid=PoliceGrid.objects.create(station=other_station, code="PG1", name="东港警格"),
        community=Community.objects.create(station=other_station, name="东港社区"),
        code="G1",
        name="东港豪庭网格",
    )
    matter = register(
        other_station, other_chief, a_registration(kind="case", category="0104", reported_at=at("2024-08-02"))
    )
    Matter.objects.filter(pk=matter.pk).update(grid=theirs)

    ours, other = hot_spots(station.pk, AUGUST), hot_spots(other_station.pk, AUGUST)

    assert (row(ours, "G1").name, row(ours, "G1").count, ours.without_grid) == ("华丽一网格", 3, 1)
    assert [(item.name, item.count) for item in other.grids] == [("东港豪庭网格", 1)] and other.without_grid == 0


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        period(dt.date(2024, 8, 15), dt.date(2024, 8, 1))

    assert (refused.value.field, refused.value.message) == ("from", "The start date must not be after the end date.")


def test_the_same_period_last_year_of_a_leap_day_ends_on_28_february() -> None:
    assert Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)).last_year() == Period(
        dt.date(2023, 2, 1), dt.date(2023, 2, 28)
    )


# --- the API ----------------------------------------------------------------------------------------------------


@pytest.fixture
def api() -> Callable[[User], ApiClient]:
    return lambda user: ApiClient(token_for(user))


def test_the_api_gives_the_periods_and_the_ranked_grids(api, august, chief: User) -> None:  # type: ignore[no-untyped-def]
    response = api(chief).get("/analysis/hotspots", **QUERY)

    body = response.json()
    assert response.status_code == 200, body
    assert body["period"] == {"from": "2024-08-01", "to": "2024-08-15", "days": 15}
    assert body["previous"] == {"from": "2024-07-17", "to": "2024-07-31", "days": 15}
    assert body["last_year"] == {"from": "2023-08-01", "to": "2023-08-15", "days": 15}
    assert (body["category"], body["without_grid"]) == (None, 1)
    assert [grid["code"] for grid in body["grids"]] == ["G1", "G2", "G3", "G4"]
    first = body["grids"][0]
    assert first == {
        "grid": august["G1"].pk,
        "code": "G1",
        "name": "华丽一网格",
        "community": "华丽社区",
        "population": 1500,
        "count": 3,
        "rate_per_10k": 20.0,
        "previous_count": 2,
        "previous_rate": 13.33,
        "change_pct_prev": 50.0,
        "last_year_count": 4,
        "last_year_rate": 33.33,
        "change_pct_yoy": -25.0,
        "rank": 1,
        "categories": [{"code": "01", "label": "刑事类", "count": 2}, {"code": "02", "label": "治安类", "count": 1}],
    }
    assert body["grids"][1]["change_pct_prev"] is None
    assert body["grids"][3]["rate_per_10k"] is None


def test_the_api_filters_by_category(api, august, chief: User) -> None:  # type: ignore[no-untyped-def]
    body = api(chief).get("/analysis/hotspots", category="0203", **QUERY).json()

    assert body["category"] == "0203"
    assert [(grid["code"], grid["count"]) for grid in body["grids"]] == [("G1", 1), ("G2", 0), ("G3", 0), ("G4", 1)]


def test_the_api_answers_another_station_with_its_own_empty_figures(api, august, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    body = api(other_chief).get("/analysis/hotspots", **QUERY).json()

    assert (body["grids"], body["without_grid"]) == ([], 0)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2024-13-01"}, "from", "“2024-13-01” is not a date; give it as YYYY-MM-DD."),
        ({"from": "2024-08-01", "to": "yesterday"}, "to", "“yesterday” is not a date; give it as YYYY-MM-DD."),
        ({"from": "2024-08-15", "to": "2024-08-01"}, "from", "The start date must not be after the end date."),
        ({"from": "0001-01-01", "to": "2024-08-01"}, "from", "Give a date between 1900 and 2999."),
        ({"from": "2000-01-01", "to": "2024-08-01"}, "to", "A period may span at most ten years."),
        ({"category": "0104x"}, "category", "“0104x” is not a category code."),
    ],
)
def test_the_api_refuses_bad_parameters_naming_the_field(  # type: ignore[no-untyped-def]
    api, chief: User, params: dict[str, str], field: str, message: str
) -> None:
    response = api(chief).client.get("/api/v1/analysis/hotspots", params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert error_of(response) == {"code": "invalid", "message": message, "field": field}


def test_an_auxiliary_is_refused_hot_spots(api, auxiliary: User) -> None:  # type: ignore[no-untyped-def]
    response = api(auxiliary).client.get("/api/v1/analysis/hotspots", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert error_of(response)["message"] == "Hot spots are for the station's chief and officers."


def test_without_a_token_the_api_asks_for_one(db) -> None:  # type: ignore[no-untyped-def]
    response = ApiClient(None).get("/analysis/hotspots")

    assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"


def queries_for(client: ApiClient, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/analysis/hotspots", **params)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_api_takes_as_many_queries_for_three_grids_as_for_one(  # type: ignore[no-untyped-def]
    api, grid: CommunityGrid, report, chief: User
) -> None:
    client = api(chief)
    residents(grid, y2024=1_000)
    report(grid, at("2024-08-02"))
    one = queries_for(client, QUERY)
    for code in ("G2", "G3"):
        more = another_grid(grid, code, code)
        residents(more, y2023=800, y2024=900)
        report(more, at("2024-08-03"), category="0203")
        report(more, at("2023-08-03"))

    assert queries_for(client, QUERY) == one
