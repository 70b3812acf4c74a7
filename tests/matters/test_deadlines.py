"""Deadlines: the policy of kind × priority gives every step its due time; a resident's own deadline is kept."""

import datetime as dt
from typing import Any

import pytest

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, SlaPolicy, Stage

T0 = dt.datetime(2024, 7, 6, 12, 0, tzinfo=dt.UTC)  # 20:00 in 秦皇岛
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


def test_a_normal_help_request_must_be_accepted_within_the_hour_and_resolved_within_a_week(make_matter):  # type: ignore[no-untyped-def]
    matter = make_matter()
    assert (matter.step_due_at, matter.due_at) == (T0 + HOUR, T0 + 7 * DAY)


def test_an_urgent_matter_must_be_accepted_within_five_minutes(make_matter):  # type: ignore[no-untyped-def]
    matter = make_matter(priority="urgent")
    assert (matter.step_due_at, matter.due_at) == (T0 + dt.timedelta(minutes=5), T0 + DAY)


def test_a_dispute_has_a_month_to_be_resolved(make_matter):  # type: ignore[no-untyped-def]
    assert make_matter(kind="dispute", category="0604").due_at == T0 + 30 * DAY


def test_an_edited_policy_applies_to_the_next_matter_and_the_next_step(officer, make_matter, time_machine):  # type: ignore[no-untyped-def]
    SlaPolicy.objects.filter(kind="help", priority="normal").update(accept_minutes=15, assign_minutes=30)

    matter = make_matter()
    assert matter.step_due_at == T0 + dt.timedelta(minutes=15)

    time_machine.move_to(T0 + dt.timedelta(minutes=10), tick=False)
    transition(matter.pk, officer, Step(to="accepted"))
    assert Matter.objects.get(pk=matter.pk).step_due_at == T0 + dt.timedelta(minutes=40)


def test_without_a_policy_for_the_kind_the_fallback_applies(make_matter):  # type: ignore[no-untyped-def]
    SlaPolicy.objects.filter(kind="help", priority="low").delete()
    matter = make_matter(priority="low")
    assert (matter.step_due_at, matter.due_at) == (T0 + HOUR, T0 + 7 * DAY)


def test_the_backpack_deadline_set_by_the_residents_train_is_kept_through_the_loop(walk, make_matter):  # type: ignore[no-untyped-def]
    train = dt.datetime(2024, 7, 7, 6, 0, tzinfo=dt.UTC)  # 14:00 the next day in 秦皇岛
    matter = make_matter(
        kind="lost_property",
        channel="call_110",
        priority="high",
        description="王女士在主题公园丢失背包，内有身份证",
        due_at=train,
        due_reason="Train home at 14:00",
    )

    walk(matter, Stage.IN_PROGRESS)

    matter.refresh_from_db()
    assert (matter.due_at, matter.due_reason) == (train, "Train home at 14:00")
    assert matter.step_due_at == train  # handling is owed by the resident's deadline, not the policy's 3 days


def test_overdue_means_an_open_matter_whose_step_is_past_due(make_matter, walk):  # type: ignore[no-untyped-def]
    late = make_matter(description="没人受理的求助")
    rejected = walk(make_matter(description="已驳回"), Stage.REJECTED)
    accepted = walk(make_matter(description="已受理"), Stage.ACCEPTED)  # assign due at T0 + 4 h

    assert list(Matter.objects.overdue(T0 + 59 * dt.timedelta(minutes=1))) == []
    assert list(Matter.objects.overdue(T0 + 2 * HOUR)) == [late]
    assert set(Matter.objects.overdue(T0 + 5 * HOUR)) == {late, accepted}
    assert late.is_overdue(T0 + 2 * HOUR) and not rejected.is_overdue(T0 + 100 * DAY)
    assert set(Matter.objects.not_overdue(T0 + 2 * HOUR)) == {rejected, accepted}
