"""Listing matters: scoped to the station, filtered by stage, deadline and words, and in constant queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from tests.api.conftest import error_of


def listed(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["description"] for item in client.get("/matters", **params).json()["items"]]


def test_the_list_shows_the_stations_matters_newest_first(api, chief, make_matter):  # type: ignore[no-untyped-def]
    make_matter(description="张某楼上装修", reported_at=timezone.now() - dt.timedelta(days=2))
    make_matter(description="王女士丢失背包", reported_at=timezone.now() - dt.timedelta(days=1))

    body = api(chief).get("/matters").json()

    assert body["count"] == 2
    assert [item["description"] for item in body["items"]] == ["王女士丢失背包", "张某楼上装修"]


def test_another_station_lists_nothing_of_ours(api, other_chief, make_matter):  # type: ignore[no-untyped-def]
    make_matter()

    assert api(other_chief).get("/matters").json() == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_the_list_filters_by_stage(api, chief, make_matter):  # type: ignore[no-untyped-def]
    make_matter(description="张某楼上装修")
    accepted = make_matter(description="王女士丢失背包")
    transition(accepted.pk, chief, Step(to="accepted"))

    client = api(chief)

    assert listed(client, stage="accepted") == ["王女士丢失背包"]
    assert listed(client, stage="registered") == ["张某楼上装修"]
    error = error_of(client.get("/matters", stage="lost"))
    assert (error["code"], error["field"]) == ("invalid", "stage")


def test_the_list_filters_overdue_matters(api, chief, make_matter):  # type: ignore[no-untyped-def]
    make_matter(description="新登记的求助")
    make_matter(description="三天前的求助", reported_at=timezone.now() - dt.timedelta(days=3))
    client = api(chief)

    assert listed(client, overdue="true") == ["三天前的求助"]
    assert listed(client, overdue="false") == ["新登记的求助"]
    assert client.get("/matters", overdue="true").json()["items"][0]["overdue"] is True
    assert error_of(client.get("/matters", overdue="perhaps"))["field"] == "overdue"


def test_the_list_searches_two_character_chinese_words(api, chief, make_matter):  # type: ignore[no-untyped-def]
    make_matter(description="邻里纠纷，楼上装修")
    make_matter(description="丢失背包")

    assert listed(api(chief), q="纠纷") == ["邻里纠纷，楼上装修"]


def test_the_list_pages(api, chief, make_matter):  # type: ignore[no-untyped-def]
    for day in range(3):
        make_matter(description=f"第{day}天", reported_at=timezone.now() - dt.timedelta(days=day))
    client = api(chief)

    page = client.get("/matters", limit=2, offset=1).json()

    assert (page["count"], [item["description"] for item in page["items"]]) == (3, ["第1天", "第2天"])
    assert error_of(client.get("/matters", limit=0))["field"] == "limit"


def count_queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_listing_three_matters_costs_as_many_queries_as_listing_one(api, chief, officer, make_matter):  # type: ignore[no-untyped-def]
    client = api(chief)
    first = make_matter()
    transition(first.pk, chief, Step(to="accepted"))
    transition(first.pk, chief, Step(to="assigned", owner="zhao"))
    with_one = count_queries(client, "/matters")

    for _ in range(2):
        other = make_matter()
        transition(other.pk, chief, Step(to="accepted"))
        transition(other.pk, chief, Step(to="assigned", owner="wangxiaojian"))

    assert Matter.objects.count() == 3
    assert count_queries(client, "/matters") == with_one


def test_reading_a_matter_costs_the_same_queries_with_more_history(api, chief, officer, make_matter):  # type: ignore[no-untyped-def]
    client = api(chief)
    matter = make_matter()
    client.post(f"/matters/{matter.pk}/actions", {"kind": "visit", "note": "上门走访"})
    with_one_of_each = count_queries(client, f"/matters/{matter.pk}")

    transition(matter.pk, chief, Step(to="accepted"))
    transition(matter.pk, chief, Step(to="assigned", owner="zhao"))
    client.post(f"/matters/{matter.pk}/actions", {"kind": "phone_call", "note": "电话回访"})
    client.post(f"/matters/{matter.pk}/actions", {"kind": "coordination", "note": "联系物业"})

    assert Matter.objects.get(pk=matter.pk).events.count() == 3
    assert count_queries(client, f"/matters/{matter.pk}") == with_one_of_each
