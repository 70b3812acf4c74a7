"""Two officers accept the same matter at the same moment: exactly one wins, the other is told who did.

Real threads with their own database connections: on PostgreSQL the loser waits on the row lock
(`select_for_update`), on SQLite on the write lock its IMMEDIATE transaction asks for up front. Either way it
then reads the matter as the winner left it.
"""

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain import transitions
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User


@pytest.mark.django_db(transaction=True)
def test_two_officers_accepting_at_once_exactly_one_wins(  # type: ignore[no-untyped-def]
    reference_data, matter, officer, second_officer, monkeypatch
):
    check = transitions._check_reachable
    holding: list[str] = []

    def check_then_hold_the_lock(locked: Matter, to: Any, step: Step) -> None:
        check(locked, to, step)
        # The first one through keeps the lock a moment, so that the other one surely arrives while it is held.
        if not holding:
            holding.append(threading.current_thread().name)
            time.sleep(0.3)

    monkeypatch.setattr(transitions, "_check_reachable", check_then_hold_the_lock)
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def accept(user: User) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                transition(matter.pk, user, Step(to="accepted"))
            outcomes[user.username] = "accepted"
        except Exception as exc:  # DomainError expected; anything else fails the assertions below
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,), name=user.username) for user in (officer, second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    losers = [outcome for outcome in outcomes.values() if outcome != "accepted"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner = User.objects.get(username=winners[0])
    assert winners == holding
    assert isinstance(losers[0], DomainError), losers
    assert (losers[0].code, losers[0].status) == ("conflict", 409)
    assert losers[0].message == f"This matter has already been accepted by {winner.full_name}."
    assert list(matter.events.filter(to_stage="accepted").values_list("actor", flat=True)) == [winner.pk]
    assert Matter.objects.get(pk=matter.pk).stage == "accepted"
