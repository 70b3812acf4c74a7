"""督办: overdue steps are escalated to the station chief once per step, however often the worker runs."""

import datetime as dt
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fengqiao.matters.domain.escalation import escalate_overdue
from fengqiao.matters.domain.registration import register
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Escalation, Stage
from fengqiao.notifications.models import Notification
from tests.conftest import a_registration

T0 = dt.datetime(2024, 7, 6, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def late_matter(make_matter, time_machine):  # type: ignore[no-untyped-def]
    """A help request reported at T0 that nobody accepted: its acceptance was due at T0 + 1 h."""
    time_machine.move_to(T0, tick=False)
    return make_matter(description="夜里楼道有人吵闹，一直没人来")


def test_an_overdue_matter_is_escalated_once_however_often_the_worker_runs(  # type: ignore[no-untyped-def]
    chief, late_matter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = escalate_overdue(T0 + 2 * HOUR)
        second = escalate_overdue(T0 + 3 * HOUR)

    assert (first, second) == (1, 0)
    assert [(e.matter, e.stage, e.due_at, e.escalated_at, e.escalated_to) for e in Escalation.objects.all()] == [
        (late_matter, "registered", T0 + HOUR, T0 + 2 * HOUR, chief)
    ]
    assert [(n.recipient, n.verb, n.matter) for n in Notification.objects.all()] == [(chief, "escalated", late_matter)]


def test_a_matter_not_yet_due_or_closed_is_not_escalated(officer, late_matter, make_matter, walk):  # type: ignore[no-untyped-def]
    walk(make_matter(description="已驳回的事项"), Stage.REJECTED)

    assert escalate_overdue(T0 + 59 * dt.timedelta(minutes=1)) == 0
    assert escalate_overdue(T0 + 100 * 24 * HOUR) == 1  # only the open one, never the rejected one
    assert list(Escalation.objects.values_list("matter", flat=True)) == [late_matter.pk]


def test_a_matter_that_moved_on_is_not_escalated_again_for_the_old_step(  # type: ignore[no-untyped-def]
    officer, late_matter, time_machine
):
    assert escalate_overdue(T0 + 2 * HOUR) == 1

    time_machine.move_to(T0 + 2 * HOUR, tick=False)
    transition(late_matter.pk, officer, Step(to="accepted"))  # assignment now due at T0 + 6 h

    assert escalate_overdue(T0 + 5 * HOUR) == 0
    assert escalate_overdue(T0 + 7 * HOUR) == 1
    assert list(Escalation.objects.order_by("due_at").values_list("stage", "due_at")) == [
        ("registered", T0 + HOUR),
        ("accepted", T0 + 6 * HOUR),
    ]


def test_each_station_escalates_to_its_own_chief(  # type: ignore[no-untyped-def]
    chief, other_chief, other_station, late_matter, django_capture_on_commit_callbacks
):
    theirs = register(other_station, other_chief, a_registration(description="泊镇的求助"))

    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue(T0 + 2 * HOUR) == 2

    notified = {(n.recipient, n.matter) for n in Notification.objects.all()}
    assert notified == {(chief, late_matter), (other_chief, theirs)}


def test_a_station_without_a_chief_still_records_the_escalation(late_matter):  # type: ignore[no-untyped-def]
    assert escalate_overdue(T0 + 2 * HOUR) == 1
    assert Escalation.objects.get().escalated_to is None


def test_the_command_prints_how_many_were_escalated_and_is_safe_to_run_twice(chief, late_matter):  # type: ignore[no-untyped-def]
    outputs = []
    for _run in range(2):
        out = StringIO()
        call_command("escalate", "--now", "2024-07-06T22:00+08:00", stdout=out)  # T0 + 2 h
        outputs.append(out.getvalue().strip())

    assert outputs == ["Escalated 1 overdue matter(s).", "Escalated 0 overdue matter(s)."]
    assert Escalation.objects.get().due_at == T0 + HOUR


def test_the_command_reads_a_time_without_offset_as_station_time(late_matter):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("escalate", "--now", "2024-07-06T20:59", stdout=out)  # T0 + 59 min in Asia/Shanghai
    assert out.getvalue().strip() == "Escalated 0 overdue matter(s)."


def test_the_command_refuses_a_time_it_cannot_read(late_matter):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="“yesterday” is not an ISO 8601 date and time"):
        call_command("escalate", "--now", "yesterday")
    assert not Escalation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_escalate_once(reference_data, chief, make_matter, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(T0, tick=False)
    matters = [make_matter(description=f"第{n}件逾期事项") for n in range(5)]
    barrier = threading.Barrier(2)
    counts: list[Any] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(escalate_overdue(T0 + 2 * HOUR))
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            counts.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(counts) == 2 and all(isinstance(count, int) for count in counts), counts
    assert sum(counts) == 5
    assert Escalation.objects.count() == 5
    escalated = Notification.objects.filter(verb=Notification.Verb.ESCALATED)  # five calls at one address: repeats
    assert sorted(escalated.values_list("matter", flat=True)) == sorted(m.pk for m in matters)
