"""KPI definitions as data, periods and their comparisons, and the commands."""

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fengqiao.lib.errors import DomainError
from fengqiao.stats.domain.display import change
from fengqiao.stats.domain.periods import Compare, Period, parse_period
from fengqiao.stats.kpis import KpiFileError, load_kpis
from fengqiao.stats.models import Kpi, StatsMedianFilter, StatsRollup

from .conftest import Record, at

TODAY = dt.date(2024, 8, 15)


def test_the_migration_loads_the_eleven_published_kpis(db: None) -> None:
    assert list(Kpi.objects.values_list("code", "label_zh")[:3]) == [
        ("calls", "接处警"),
        ("criminal_cases", "刑事案件"),
        ("administrative_cases", "治安（行政）案件"),
    ]
    assert Kpi.objects.filter(active=True).count() == 11
    assert Kpi.objects.get(code="fraud_warnings").per_10k is True


def test_a_kpi_with_an_unknown_filter_key_is_refused_in_the_admin(db: None) -> None:
    kpi = Kpi(code="x", label_zh="x", label_en="x", kind="count", filter={"category": ["01"]})

    with pytest.raises(ValidationError, match="unknown key 'category'"):
        kpi.clean()


def test_a_kpi_file_with_a_rate_without_measure_is_refused_naming_the_kpi(db: None, tmp_path: Path) -> None:
    path = tmp_path / "kpis.json"
    path.write_text(json.dumps({"kpis": [{"code": "bad", "label_zh": "坏", "label_en": "Bad", "kind": "rate"}]}))

    with pytest.raises(KpiFileError, match="KPI 'bad': numerator: give a measure"):
        load_kpis(path)
    assert not Kpi.objects.filter(code="bad").exists()


@pytest.mark.parametrize(
    ("period", "compare", "earlier"),
    [
        (Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31)), Compare.MOM, ("2024-06-01", "2024-06-30")),
        (Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31)), Compare.MOM, ("2023-10-01", "2023-12-31")),
        (Period(dt.date(2024, 1, 1), dt.date(2024, 7, 31)), Compare.YOY, ("2023-01-01", "2023-07-31")),
        (Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)), Compare.YOY, ("2023-02-01", "2023-02-28")),
        (Period(dt.date(2024, 7, 10), dt.date(2024, 7, 19)), Compare.MOM, ("2024-06-30", "2024-07-09")),
    ],
)
def test_each_period_is_compared_with_the_right_one(period: Period, compare: Compare, earlier: tuple[str, str]) -> None:
    found = period.previous(compare)
    assert (found.start.isoformat(), found.end.isoformat()) == earlier


def test_named_periods() -> None:
    assert str(parse_period("2024-Q3", TODAY)) == "2024-07-01 – 2024-09-30"
    assert str(parse_period("ytd", TODAY)) == "2024-01-01 – 2024-08-15"
    assert str(parse_period("2023", TODAY)) == "2023-01-01 – 2023-12-31"
    with pytest.raises(DomainError):
        parse_period("2024-13", TODAY)


def test_changes_are_printed_as_stations_publish_them() -> None:
    assert [change(-23.33), change(-20.0), change(50.0), change(-85.714, 2), change(0.0), change(None)] == [
        "−23.3%", "−20%", "+50%", "−85.71%", "0%", "—",
    ]  # fmt: skip


def test_stats_rebuild_recounts_one_station(record: Record) -> None:
    record(at(2024, 7, 9))
    out = StringIO()

    call_command("stats", "rebuild", "--station", "lucheng", stdout=out)

    assert out.getvalue() == "lucheng: 1 rollup rows\n"
    assert StatsRollup.objects.get().matters == 1


def test_stats_rebuild_of_every_station_keeps_the_median_histograms_of_the_kpis_as_defined_now(
    record: Record, other_station: object
) -> None:
    record(at(2024, 7, 9))
    median = Kpi.objects.get(code="resolve_hours")
    median.filter = {"kinds": ["dispute"]}
    median.save()
    out = StringIO()

    call_command("stats", "rebuild", stdout=out)

    assert out.getvalue() == "bozhen: 0 rollup rows\nlucheng: 1 rollup rows\n"
    assert list(StatsMedianFilter.objects.values_list("filter", "ready")) == [({"kinds": ["dispute"]}, True)]


def test_stats_rebuild_names_an_unknown_station(db: None) -> None:
    with pytest.raises(CommandError, match=re.escape("No station with the code nowhere.")):
        call_command("stats", "rebuild", "--station", "nowhere")


def test_stats_summary_prints_the_figures(record: Record) -> None:
    record(at(2024, 7, 9))
    record(at(2023, 7, 9))
    record(at(2023, 7, 10))
    call_command("stats", "rebuild")
    out = StringIO()

    call_command("stats", "summary", "--station", "lucheng", "--period", "2024-07", stdout=out)

    calls = next(line for line in out.getvalue().splitlines() if line.startswith("接处警"))
    assert calls.split()[1:4] == ["1", "2", "−50%"]


def test_report_refuses_a_bad_month(db: None, station: object) -> None:
    with pytest.raises(CommandError, match=re.escape("--month: “July” is not a month: give it as 2024-07.")):
        call_command("report", station="lucheng", month="July", format="xlsx")
