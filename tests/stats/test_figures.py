"""KPI figures against hand-computed numbers: counts, rates, medians, per 10,000 residents, 同比 and 环比."""

import datetime as dt

import pytest

from fengqiao.staff.models import User
from fengqiao.stats.domain.figures import Scope, summary
from fengqiao.stats.domain.periods import Compare, Period, month_period
from fengqiao.stats.domain.rollup import rebuild
from fengqiao.stats.models import Kpi

from .conftest import Record, at, close

JULY_2024 = month_period(2024, 7)


def figures(scope: Scope, period: Period, compare: Compare = Compare.YOY) -> dict[str, dict[str, object]]:
    rebuild(scope.station_ids)
    return {
        f.kpi.code: {
            "value": f.value,
            "previous": f.previous,
            "change_pct": f.change_pct,
            "per_10k": f.per_10k,
            "previous_per_10k": f.previous_per_10k,
        }
        for f in summary(scope, period, compare)
    }


def test_calls_handled_count_calls_for_service_but_not_invalid_calls_patrols_or_warnings(
    record: Record, scope: Scope
) -> None:
    record(at(2024, 7, 1), channel="call_110")
    record(at(2024, 7, 2), channel="walk_in")
    record(at(2024, 7, 31, 23, 59), channel="phone")
    record(at(2024, 7, 3), category="9901")  # 无效报警
    record(at(2024, 7, 4), channel="patrol")  # found by the police, not a call
    record(at(2024, 7, 5), category="0801", kind="fraud_warning", channel="anti_fraud")
    record(at(2024, 8, 1, 0, 1))  # August on the stations' clock
    record(at(2023, 7, 10))
    record(at(2023, 7, 11))

    calls = figures(scope, JULY_2024)["calls"]

    assert calls == {"value": 3.0, "previous": 2.0, "change_pct": 50.0, "per_10k": 6.0, "previous_per_10k": 4.0}


def test_a_call_just_after_midnight_in_shanghai_counts_for_the_local_day(record: Record, scope: Scope) -> None:
    record(dt.datetime(2024, 6, 30, 16, 30, tzinfo=dt.UTC))  # 1 July 00:30 in Shanghai

    assert figures(scope, JULY_2024)["calls"]["value"] == 1.0
    assert figures(scope, month_period(2024, 6))["calls"]["value"] == 0.0


def test_cases_are_counted_by_their_category_and_kind(record: Record, scope: Scope) -> None:
    record(at(2024, 7, 1), category="0201", kind="case")  # 殴打他人: an administrative case
    record(at(2024, 7, 2), category="0203", kind="dispute")  # 噪声扰民: a call, not a case
    record(at(2024, 7, 3), category="010401", kind="case")  # 入室盗窃: criminal, preventable
    record(at(2024, 7, 4), category="010501", kind="case")  # 电信诈骗: criminal, preventable, telecom fraud
    record(at(2024, 7, 5), category="0102", kind="case")  # 伤害: criminal, not preventable

    found = figures(scope, JULY_2024)

    assert {code: found[code]["value"] for code in found if Kpi.objects.get(code=code).kind == "count"} == {
        "calls": 5.0,
        "criminal_cases": 3.0,
        "administrative_cases": 1.0,
        "preventable_cases": 2.0,
        "telecom_fraud": 1.0,
        "fraud_warnings": 0.0,
        "disputes": 1.0,
    }


def test_rates_and_the_median_come_from_the_event_rows(record: Record, scope: Scope, chief: User) -> None:
    first = record(at(2024, 7, 1, 8), category="020501", kind="dispute")
    close(first, chief, at(2024, 7, 1, 10, 30), outcome="resolved", satisfaction="satisfied")  # 2 h
    second = record(at(2024, 7, 2, 8), category="020501", kind="dispute")
    close(second, chief, at(2024, 7, 2, 12), outcome="partly_resolved", satisfaction="basically_satisfied")  # 4 h
    third = record(at(2024, 7, 3, 8))
    close(third, chief, at(2024, 7, 12, 8), outcome="helped", satisfaction="satisfied")  # 216 h: past its 7 days
    fourth = record(at(2024, 7, 5, 8))
    close(fourth, chief, at(2024, 7, 5, 9), outcome="helped", satisfaction="unsatisfied")  # 1 h, then reopened
    record(at(2024, 7, 4, 8), category="020501", kind="dispute")  # still open

    found = figures(scope, JULY_2024)

    assert found["mediation_success"]["value"] == pytest.approx(50.0)  # 1 of the 2 resolved disputes
    assert found["satisfaction"]["value"] == pytest.approx(75.0)  # 3 of 4 callbacks
    assert found["overdue_rate"]["value"] == pytest.approx(20.0)  # 1 of 5 matters
    assert found["resolve_hours"]["value"] == 3.0  # first resolutions after 1, 2, 4 and 216 hours
    assert found["satisfaction"]["per_10k"] is None


def test_mom_compares_a_month_with_the_month_before(record: Record, scope: Scope) -> None:
    record(at(2024, 6, 15))
    record(at(2024, 6, 16))
    record(at(2024, 6, 17))
    record(at(2024, 7, 15))

    calls = figures(scope, JULY_2024, Compare.MOM)["calls"]

    assert (calls["value"], calls["previous"], calls["change_pct"]) == (1.0, 3.0, -66.67)


def test_a_kpi_without_last_year_has_no_change(record: Record, scope: Scope) -> None:
    record(at(2024, 7, 15))

    calls = figures(scope, JULY_2024)["calls"]

    assert (calls["value"], calls["previous"], calls["change_pct"]) == (1.0, 0.0, None)
