"""The migration that adds the months to date fills them from the daily rollup of a database already counted."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fengqiao.stations.models import Station

BEFORE = [("stats", "0003_station_month_median_covering")]
AFTER = [("stats", "0004_month_to_date")]


@pytest.mark.django_db(transaction=True)
def test_the_months_to_date_are_filled_from_the_daily_rows(station: Station) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    day_row = {"station_id": station.pk, "category": "0604", "channel": "call_110", "kind": "help", "outcome": ""}
    rollup = old.get_model("stats", "StatsRollup")
    rollup.objects.create(day=dt.date(2024, 7, 9), matters=2, **day_row)
    rollup.objects.create(day=dt.date(2024, 7, 20), matters=1, callbacks=1, **day_row)
    kept = old.get_model("stats", "StatsMedianFilter").objects.create(key="k", filter={"kinds": ["help"]}, ready=True)
    times = old.get_model("stats", "StatsResolveTime")
    times.objects.create(
        day=dt.date(2024, 7, 9), hours=5, matters=2, **{k: v for k, v in day_row.items() if k != "outcome"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # any later migration back, for the tests that follow

    counts = new.get_model("stats", "StatsStationToDate").objects.order_by("day")
    assert [(row.day.day, row.matters, row.callbacks) for row in counts][:3] == [(9, 2, 0), (10, 2, 0), (11, 2, 0)]
    assert (counts.count(), counts.last().day, counts.last().matters) == (23, dt.date(2024, 7, 31), 3)
    medians = new.get_model("stats", "StatsMedianToDate").objects.filter(filter_id=kept.pk)
    assert (medians.count(), {row.hours for row in medians}, {row.matters for row in medians}) == (23, {5}, {2})
