"""`GET /api/v1/stats/summary`: the shape, who sees which stations, and clear refusals."""

from collections.abc import Callable
from typing import Any

import pytest

from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Branch, CommunityGrid, GridPopulation, Station
from fengqiao.stats.domain.rollup import rebuild
from tests.api.conftest import ApiClient, error_of
from tests.conftest import make_user

from .conftest import Record, at

Api = Callable[[User], ApiClient]


@pytest.fixture
def history(record: Record) -> None:
    """Two calls in July 2023, three in July 2024, one in June 2024; 5,000 residents."""
    for when in [at(2023, 7, 1), at(2023, 7, 2), at(2024, 7, 1), at(2024, 7, 2), at(2024, 7, 3), at(2024, 6, 9)]:
        record(when)
    rebuild()


@pytest.fixture
def county_clerk(db: None) -> User:
    user = make_user("county", None, Role.OFFICER, "县局统计员")
    user.is_staff = True
    user.save()
    return user


def by_kpi(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return {row["kpi"]: row for row in response.json()}


def test_the_chief_gets_every_kpi_with_its_yoy_figures(api: Api, chief: User, history: None) -> None:
    response = api(chief).get("/stats/summary", station="lucheng", **{"from": "2024-07-01", "to": "2024-07-31"})

    rows = by_kpi(response)
    assert rows["calls"] == {
        "kpi": "calls",
        "label": "接处警",
        "kind": "count",
        "value": 3.0,
        "previous": 2.0,
        "change_pct": 50.0,
        "per_10k": 6.0,
        "previous_per_10k": 4.0,
        "per_10k_change_pct": 50.0,
    }
    assert list(rows) == [
        "calls", "criminal_cases", "administrative_cases", "preventable_cases", "telecom_fraud", "fraud_warnings",
        "disputes", "mediation_success", "satisfaction", "overdue_rate", "resolve_hours",
    ]  # fmt: skip


def test_mom_compares_with_the_previous_month_and_labels_follow_the_language(
    api: Api, officer: User, history: None
) -> None:
    client = api(officer)
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    rows = by_kpi(client.get("/stats/summary", period="2024-07", compare="mom"))

    assert (rows["calls"]["label"], rows["calls"]["value"], rows["calls"]["previous"]) == ("Calls handled", 3.0, 1.0)


def test_a_chief_asking_for_another_station_gets_not_found(api: Api, other_chief: User, history: None) -> None:
    response = api(other_chief).get("/stats/summary", station="lucheng", period="2024-07")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "没有派出所“lucheng”。", "field": "station"}


def test_a_partner_mediator_sees_no_statistics(api: Api, mediator: User, history: None) -> None:
    response = api(mediator).get("/stats/summary", period="2024-07")

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_a_staff_user_sees_a_county_of_several_stations_at_once(
    api: Api, county_clerk: User, history: None, station: Station, other_station: Station, populated: CommunityGrid
) -> None:
    branch = Branch.objects.create(code="xinbei", name="辛北分局")
    Station.objects.filter(pk__in=[station.pk, other_station.pk]).update(branch=branch)
    bozhen_grid = CommunityGrid.objects.create(
        station=other_station, police_grid=populated.police_grid, community=populated.community, code="B1", name="B"
    )
    GridPopulation.objects.create(grid=bozhen_grid, year=2024, residents=15000)

    both = by_kpi(api(county_clerk).get("/stats/summary", station="lucheng,bozhen", period="2024-07"))
    county = by_kpi(api(county_clerk).get("/stats/summary", branch="xinbei", period="2024-07"))

    assert both["calls"]["value"] == county["calls"]["value"] == 3.0
    assert both["calls"]["per_10k"] == 1.5  # 3 calls among 20,000 residents


def test_one_grid_of_the_station(api: Api, chief: User, history: None) -> None:
    rows = by_kpi(api(chief).get("/stats/summary", grid="G1", period="2024-07"))

    assert (rows["calls"]["value"], rows["calls"]["per_10k"]) == (3.0, 6.0)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2024-13-01"}, "from", "“2024-13-01” is not a date: give it as 2024-07-31."),
        ({"from": "2024-07-31", "to": "2024-07-01"}, "to", "The period ends before it starts."),
        (
            {"period": "July"},
            "period",
            "“July” is not a period: give a month (2024-07), a quarter (2024-Q3), a year (2024) or ytd.",
        ),
        (
            {"compare": "wow"},
            "compare",
            "“wow” is not a comparison: give yoy (same period last year) or mom (previous period).",
        ),
        ({"grid": "NOPE"}, "grid", "There is no grid “NOPE”."),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(
    api: Api, chief: User, history: None, params: dict[str, str], field: str, message: str
) -> None:
    client = api(chief)
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get("/stats/summary", **params)

    assert response.status_code in (400, 404)
    assert (error_of(response)["field"], error_of(response)["message"]) == (field, message)


def test_a_staff_user_without_a_station_must_name_one(api: Api, county_clerk: User) -> None:
    response = api(county_clerk).get("/stats/summary", period="2024-07")

    assert response.status_code == 400
    assert error_of(response)["field"] == "station"


def test_without_a_token_the_summary_is_refused(anonymous: ApiClient) -> None:
    assert error_of(anonymous.get("/stats/summary"))["code"] == "unauthenticated"
