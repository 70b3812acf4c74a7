"""Illegal steps are refused in the one error shape, name the field at fault, and change nothing."""

from typing import Any

import pytest

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import User
from tests.api.conftest import error_of


def walk_to(matter: Matter, chief: User, stage: str) -> None:
    steps = [
        Step(to="accepted"),
        Step(to="assigned", owner="zhao"),
        Step(to="in_progress"),
        Step(to="resolved", outcome="helped"),
        Step(to="called_back", satisfaction="satisfied"),
    ]
    for step in steps:
        if Matter.objects.get(pk=matter.pk).stage == stage:
            return
        transition(matter.pk, chief, step)


def snapshot(matter: Matter) -> tuple[str, int, int | None]:
    fresh = Matter.objects.get(pk=matter.pk)
    return fresh.stage, fresh.events.count(), fresh.owner_id


@pytest.mark.parametrize(
    ("stage", "body", "status", "code", "field"),
    [
        ("registered", {"to": "resolved", "outcome": "helped"}, 400, "not_allowed", "to"),
        ("registered", {"to": "flying"}, 400, "invalid_stage", "to"),
        ("accepted", {"to": "assigned"}, 400, "required", "owner"),
        ("accepted", {"to": "assigned", "owner": "liuqiang"}, 400, "invalid", "owner"),
        ("in_progress", {"to": "resolved"}, 400, "required", "outcome"),
        ("in_progress", {"to": "resolved", "outcome": "no-such-outcome"}, 400, "invalid", "outcome"),
        ("resolved", {"to": "called_back"}, 400, "required", "satisfaction"),
        ("resolved", {"to": "called_back", "satisfaction": "thrilled"}, 400, "invalid", "satisfaction"),
        ("registered", {"to": "rejected"}, 400, "required", "reason"),
        ("registered", {"to": "accepted", "expected_stage": "accepted"}, 409, "conflict", None),
        ("registered", {"to": "accepted", "ownr": "zhao"}, 400, "invalid", "ownr"),
    ],
)
def test_an_illegal_step_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    api, chief, other_chief, matter, stage: str, body: dict[str, Any], status: int, code: str, field: str | None
):
    walk_to(matter, chief, stage)
    before = snapshot(matter)

    response = api(chief).post(f"/matters/{matter.pk}/transitions", body)

    assert response.status_code == status
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    assert snapshot(matter) == before


def test_only_the_chief_may_archive(api, chief, officer, matter):  # type: ignore[no-untyped-def]
    walk_to(matter, chief, "called_back")
    before = snapshot(matter)

    response = api(officer).post(f"/matters/{matter.pk}/transitions", {"to": "archived"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert snapshot(matter) == before
    assert before[0] == Stage.CALLED_BACK


def test_accepting_an_accepted_matter_says_who_was_first(api, chief, officer, matter):  # type: ignore[no-untyped-def]
    api(officer).post(f"/matters/{matter.pk}/transitions", {"to": "accepted"})

    late = api(chief).post(f"/matters/{matter.pk}/transitions", {"to": "accepted"})

    assert late.status_code == 409
    assert "赵民警" in error_of(late)["message"]


def test_a_partner_mediator_cannot_see_or_move_the_stations_matters(api, mediator, matter):  # type: ignore[no-untyped-def]
    client = api(mediator)

    assert client.get(f"/matters/{matter.pk}").status_code == 404
    assert client.post(f"/matters/{matter.pk}/transitions", {"to": "accepted"}).status_code == 404
    assert Matter.objects.get(pk=matter.pk).stage == Stage.REGISTERED
