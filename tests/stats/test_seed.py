"""The seed's year-over-year figures come out of the demo's records: 鹿城派出所, 1 Jan – 31 Jul 2024 against the
same period of 2023 (SCENARIOS.md, story 2). The demo is loaded once for the module and rolled back after it."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from fengqiao.demo.loader import load_demo
from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from fengqiao.stats.domain.figures import Scope, summary
from fengqiao.stats.domain.periods import Compare, Period
from fengqiao.stats.domain.raw import raw_value
from fengqiao.stats.domain.rollup import rebuild

JAN_JUL_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 7, 31))


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[int]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        added_again = load_demo().created
        rebuild()  # the rollup refreshes after the commit, which this rolled-back transaction never reaches
        yield added_again
        transaction.set_rollback(True)


@pytest.fixture
def lucheng(demo: int, db: None) -> Scope:
    return Scope((Station.objects.get(code="lucheng").pk,))


def test_lucheng_reproduces_the_newspapers_figures_for_january_to_july(lucheng: Scope) -> None:
    figures = {f.kpi.code: f for f in summary(lucheng, JAN_JUL_2024, Compare.YOY)}

    assert round(figures["calls"].change_pct or 0, 1) == -23.3
    assert figures["administrative_cases"].change_pct == -20.0
    assert figures["preventable_cases"].change_pct == -15.0
    assert figures["telecom_fraud"].change_pct == -50.0
    assert figures["fraud_warnings"].per_10k_change_pct == -85.71
    assert (figures["fraud_warnings"].previous_per_10k, round(figures["fraud_warnings"].per_10k or 0, 2)) == (
        10.0,
        1.43,
    )


def test_the_figures_are_counts_of_records_not_stored_numbers(lucheng: Scope) -> None:
    figures = {f.kpi.code: (f.previous, f.value) for f in summary(lucheng, JAN_JUL_2024, Compare.YOY)}

    assert {code: figures[code] for code in ["calls", "administrative_cases", "preventable_cases"]} == {
        "calls": (300.0, 230.0),
        "administrative_cases": (50.0, 40.0),
        "preventable_cases": (40.0, 34.0),
    }
    assert {code: figures[code] for code in ["telecom_fraud", "fraud_warnings"]} == {
        "telecom_fraud": (8.0, 4.0),
        "fraud_warnings": (14.0, 2.0),
    }
    ms_li = Matter.objects.get(external_ref="DEMO-linvshi")
    assert (ms_li.category.code, ms_li.stage) == ("0801", Stage.ARCHIVED)  # one of the two warnings of 2024


def test_every_background_matter_walked_the_loop_with_its_event_rows(lucheng: Scope) -> None:
    background = Matter.objects.filter(external_ref__startswith="DEMO-lh-")
    stages = set(background.values_list("stage", flat=True))
    assert stages == {Stage.ARCHIVED, Stage.REJECTED}
    assert MatterEvent.objects.filter(matter__in=background, to_stage=Stage.REGISTERED).count() == background.count()
    assert (
        background.filter(events__to_stage=Stage.RESOLVED).distinct().count()
        == background.exclude(stage=Stage.REJECTED).count()
    )


def test_a_second_load_adds_no_matter(demo: int, lucheng: Scope) -> None:
    assert demo == 0


def test_the_rollup_agrees_with_the_raw_rows_on_the_seed_period(lucheng: Scope) -> None:
    for figure in summary(lucheng, JAN_JUL_2024, Compare.YOY):
        assert figure.value == pytest.approx(raw_value(figure.kpi, lucheng, JAN_JUL_2024)), figure.kpi.code


def test_the_chief_sees_the_seed_figures_on_the_dashboard(lucheng: Scope) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="wangxiaojian"))

    page = client.get("/stats/", {"from": "2024-01-01", "to": "2024-07-31", "compare": "yoy"}).content.decode()

    for figure in ["−23.3%", "−20%", "−15%", "−50%", "−85.71%"]:
        assert figure in page


def test_the_monthly_report_carries_the_seed_figures_in_its_year_to_date_table(
    lucheng: Scope, tmp_path: object
) -> None:
    from openpyxl import load_workbook

    target = f"{tmp_path}/report.xlsx"
    call_command("report", station="lucheng", month="2024-07", format="xlsx", output=target, verbosity=0)

    sheet = load_workbook(target)["指标"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["接处警"][7:10] == (230, 300, "−23.3%")
    assert rows["预警指令"][-1] == "−85.71%"
