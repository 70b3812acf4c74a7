"""Every step of the closed loop, who may take it, what it needs, and what it leaves behind.

The station's default deadline policy for a normal help request applies throughout: accept within 1 h, assign
within 4 h, start within 24 h, resolve within 7 days of the report, call back within 3 days, archive within 7.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.transitions import Step, allowed_steps, transition
from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.staff.models import User
from tests.matters.conftest import Walk

REPORTED = dt.datetime(2024, 7, 6, 20, 0, tzinfo=dt.UTC)
LATER = REPORTED + dt.timedelta(hours=2)  # when the step under test is taken

SELF, NEW_MATTER = "<the actor>", "<another open matter>"
PERSONAS = ["chief", "officer", "second_officer", "auxiliary", "mediator", "other_chief"]

# name: (stage the matter is in, the step, what the event records, who may take it). The owner is 赵 (officer).
STEPS: dict[str, tuple[Stage, dict[str, Any], dict[str, Any], set[str]]] = {
    "accept": (Stage.REGISTERED, {"to": "accepted"}, {}, {"chief", "officer", "second_officer", "auxiliary"}),
    "assign to 赵": (
        Stage.ACCEPTED,
        {"to": "assigned", "owner": "zhao"},
        {"owner": "zhao"},
        {"chief", "officer", "second_officer"},
    ),
    "take it oneself": (
        Stage.ACCEPTED,
        {"to": "assigned", "owner": SELF},
        {"owner": SELF},
        {"chief", "officer", "second_officer", "auxiliary"},
    ),
    "reassign to the chief": (
        Stage.IN_PROGRESS,
        {"to": "assigned", "owner": "wangxiaojian"},
        {"owner": "wangxiaojian"},
        {"chief", "officer", "second_officer"},
    ),
    "start handling": (Stage.ASSIGNED, {"to": "in_progress"}, {}, {"chief", "officer"}),
    "resolve": (
        Stage.IN_PROGRESS,
        {"to": "resolved", "outcome": "helped"},
        {"outcome": "helped"},
        {"chief", "officer"},
    ),
    "call back": (
        Stage.RESOLVED,
        {"to": "called_back", "satisfaction": "satisfied"},
        {"satisfaction": "satisfied"},
        {"chief", "officer", "second_officer", "auxiliary"},
    ),
    "reopen a resolved matter": (Stage.RESOLVED, {"to": "in_progress"}, {"reopened": True}, {"chief", "officer"}),
    "reopen after the callback": (Stage.CALLED_BACK, {"to": "in_progress"}, {"reopened": True}, {"chief", "officer"}),
    "archive": (Stage.CALLED_BACK, {"to": "archived"}, {}, {"chief"}),
    "reject": (
        Stage.REGISTERED,
        {"to": "rejected", "reason": "A civil matter for the court"},
        {"reason": "A civil matter for the court"},
        {"chief", "officer", "second_officer"},
    ),
    "merge": (
        Stage.ACCEPTED,
        {"to": "merged", "into": NEW_MATTER},
        {"into": NEW_MATTER},
        {"chief", "officer", "second_officer"},
    ),
    "transfer": (
        Stage.IN_PROGRESS,
        {"to": "transferred", "target": "泊镇派出所"},
        {"target": "泊镇派出所"},
        {"chief", "officer", "second_officer"},
    ),
}


def expected_step_due(to: str, reopened: bool) -> dt.datetime | None:
    """The next step's deadline under the default policy, for a step taken at LATER."""
    hours = {"accepted": 4, "assigned": 24, "resolved": 3 * 24, "called_back": 7 * 24}
    if to == Stage.IN_PROGRESS:
        return (LATER if reopened else REPORTED) + dt.timedelta(days=7)
    return LATER + dt.timedelta(hours=hours[to]) if to in hours else None


def snapshot(matter: Matter) -> dict[str, Any]:
    """What a refused step must leave as it was, read back from the database."""
    row = Matter.objects.get(pk=matter.pk)
    return {
        "stage": row.stage,
        "owner": row.owner_id,
        "outcome": row.outcome_id,
        "satisfaction": row.satisfaction,
        "merged_into": row.merged_into_id,
        "transferred_to": row.transferred_to,
        "stage_changed_at": row.stage_changed_at,
        "step_due_at": row.step_due_at,
        "due_at": row.due_at,
        "events": row.events.count(),
    }


@pytest.fixture
def personas(
    chief: User, officer: User, second_officer: User, auxiliary: User, mediator: User, other_chief: User
) -> dict[str, User]:
    return {
        "chief": chief,
        "officer": officer,
        "second_officer": second_officer,
        "auxiliary": auxiliary,
        "mediator": mediator,
        "other_chief": other_chief,
    }


@pytest.fixture
def at_stage(walk: Walk, make_matter: Callable[..., Matter], time_machine: Any) -> Callable[[Stage], Matter]:
    """A matter reported at REPORTED and walked to `stage` then; the clock is left at LATER."""

    def _at(stage: Stage) -> Matter:
        time_machine.move_to(REPORTED, tick=False)
        matter = walk(make_matter(), stage)
        time_machine.move_to(LATER, tick=False)
        return matter

    return _at


def resolve_placeholders(values: dict[str, Any], actor: User, into: Matter | None) -> dict[str, Any]:
    replace = {SELF: actor.username, NEW_MATTER: into.pk if into else None}
    return {key: replace.get(value, value) if isinstance(value, str) else value for key, value in values.items()}


GUARD_CASES = [(name, persona) for name in STEPS for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), GUARD_CASES, ids=[f"{n}-by-{p}" for n, p in GUARD_CASES])
def test_each_step_is_open_to_the_right_people_and_leaves_one_event(  # type: ignore[no-untyped-def]
    name, persona, personas, at_stage, make_matter
):
    stage, step_fields, recorded, who_may = STEPS[name]
    actor = personas[persona]
    matter = at_stage(stage)
    into = make_matter(description="同一户的另一次报警") if step_fields.get("into") else None
    step = Step(note="办理意见", **resolve_placeholders(step_fields, actor, into))
    before = snapshot(matter)

    if persona not in who_may:
        with pytest.raises(DomainError) as refused:
            transition(matter.pk, actor, step)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
        assert refused.value.message in {
            f"You may not move this matter to “{Stage(step.to).label}”.",
            "An auxiliary officer may only take a matter themselves.",
        }
        assert snapshot(matter) == before
        return

    transition(matter.pk, actor, step)

    matter.refresh_from_db()
    event = matter.events.last()
    assert event is not None
    assert matter.events.count() == before["events"] + 1
    assert (event.from_stage, event.to_stage, event.actor, event.at, event.note) == (
        stage,
        step.to,
        actor,
        LATER,
        "办理意见",
    )
    assert event.data == resolve_placeholders(recorded, actor, into)
    assert matter.stage == step.to
    assert matter.stage_changed_at == LATER
    assert matter.step_due_at == expected_step_due(step.to, reopened="reopened" in recorded)


def test_each_step_writes_what_it_carries_on_the_matter(chief, officer, at_stage, make_matter):  # type: ignore[no-untyped-def]
    assigned = transition(at_stage(Stage.ACCEPTED).pk, chief, Step(to="assigned", owner="zhao"))
    resolved = transition(at_stage(Stage.IN_PROGRESS).pk, officer, Step(to="resolved", outcome="helped"))
    called = transition(at_stage(Stage.RESOLVED).pk, officer, Step(to="called_back", satisfaction="satisfied"))
    target = make_matter()
    merged = transition(at_stage(Stage.REGISTERED).pk, officer, Step(to="merged", into=target.pk))
    moved = transition(at_stage(Stage.REGISTERED).pk, officer, Step(to="transferred", target="冀州大队"))

    assert Matter.objects.get(pk=assigned.pk).owner == officer
    assert Matter.objects.get(pk=resolved.pk).outcome.code == "helped"  # type: ignore[union-attr]
    assert Matter.objects.get(pk=called.pk).satisfaction == "satisfied"
    assert Matter.objects.get(pk=merged.pk).merged_into == target
    assert Matter.objects.get(pk=moved.pk).transferred_to == "冀州大队"


def test_the_whole_loop_from_registration_to_archive_is_one_event_per_step(matter, walk):  # type: ignore[no-untyped-def]
    walk(matter, Stage.ARCHIVED)

    assert [(e.from_stage, e.to_stage) for e in matter.events.all()] == [
        ("", "registered"),
        ("registered", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "called_back"),
        ("called_back", "archived"),
    ]
    archived = Matter.objects.get(pk=matter.pk)
    assert archived.step_due_at is None
    assert not archived.is_open
    assert allowed_steps(archived) == []


# (stage, the step, code, field, message) — every step asked by the chief, who may take any of them.
MISSING_OR_WRONG = [
    (Stage.ACCEPTED, {"to": "assigned"}, "required", "owner", "Choose the officer who will own this matter."),
    (
        Stage.ACCEPTED,
        {"to": "assigned", "owner": "nobody"},
        "invalid",
        "owner",
        "“nobody” is not an officer of this station.",
    ),
    (
        Stage.ACCEPTED,
        {"to": "assigned", "owner": "liuqiang"},
        "invalid",
        "owner",
        "“liuqiang” is not an officer of this station.",
    ),
    (
        Stage.ACCEPTED,
        {"to": "assigned", "owner": "zhoulawyer"},
        "invalid",
        "owner",
        "“zhoulawyer” is not an officer of this station.",
    ),
    (Stage.IN_PROGRESS, {"to": "resolved"}, "required", "outcome", "Choose the outcome to resolve this matter."),
    (Stage.IN_PROGRESS, {"to": "resolved", "outcome": "0604"}, "invalid", "outcome", "“0604” is not an outcome code."),
    (Stage.RESOLVED, {"to": "called_back"}, "required", "satisfaction", "Record whether the resident is satisfied."),
    (
        Stage.RESOLVED,
        {"to": "called_back", "satisfaction": "thrilled"},
        "invalid",
        "satisfaction",
        "“thrilled” is not a satisfaction level.",
    ),
    (Stage.REGISTERED, {"to": "rejected"}, "required", "reason", "Give the reason for rejecting."),
    (Stage.REGISTERED, {"to": "rejected", "reason": "   "}, "required", "reason", "Give the reason for rejecting."),
    (Stage.REGISTERED, {"to": "merged"}, "required", "into", "Give the matter to merge into."),
    (Stage.REGISTERED, {"to": "merged", "into": 987654}, "invalid", "into", "Matter 987654 cannot be merged into."),
    (Stage.IN_PROGRESS, {"to": "transferred"}, "required", "target", "Say where the matter goes."),
    (Stage.IN_PROGRESS, {"to": "transferred", "target": " "}, "required", "target", "Say where the matter goes."),
    (Stage.REGISTERED, {"to": "done"}, "invalid_stage", "to", "“done” is not a stage."),
]


@pytest.mark.parametrize(("stage", "fields", "code", "field", "message"), MISSING_OR_WRONG)
def test_a_step_without_what_it_needs_is_refused_with_a_message_and_changes_nothing(  # type: ignore[no-untyped-def]
    stage, fields, code, field, message, chief, mediator, other_chief, at_stage
):
    matter = at_stage(stage)
    before = snapshot(matter)

    with pytest.raises(DomainError) as refused:
        transition(matter.pk, chief, Step(**fields))

    assert (refused.value.code, refused.value.field, refused.value.message) == (code, field, message)
    assert refused.value.status == 400
    assert snapshot(matter) == before


def test_a_matter_cannot_be_merged_into_itself(chief, matter):  # type: ignore[no-untyped-def]
    before = snapshot(matter)
    with pytest.raises(DomainError, match=re.escape(f"Matter {matter.pk} cannot be merged into.")):
        transition(matter.pk, chief, Step(to="merged", into=matter.pk))
    assert snapshot(matter) == before


def test_a_matter_cannot_be_merged_into_another_stations_matter(chief, matter, other_station, other_chief):  # type: ignore[no-untyped-def]
    from fengqiao.matters.domain.registration import register
    from tests.conftest import a_registration

    theirs = register(other_station, other_chief, a_registration(description="泊镇的纠纷"))
    before = snapshot(matter)
    with pytest.raises(DomainError, match=re.escape(f"Matter {theirs.pk} cannot be merged into.")):
        transition(matter.pk, chief, Step(to="merged", into=theirs.pk))
    assert snapshot(matter) == before


def test_a_matter_cannot_be_merged_into_a_closed_one(chief, matter, walk, make_matter):  # type: ignore[no-untyped-def]
    closed = walk(make_matter(), Stage.REJECTED)
    before = snapshot(matter)
    with pytest.raises(DomainError) as refused:
        transition(matter.pk, chief, Step(to="merged", into=closed.pk))
    assert refused.value.message == f"Matter {closed.pk} is closed; merge into an open matter."
    assert snapshot(matter) == before


# Everything a step could need is given, so that only the stage can be the reason for the refusal.
EVERYTHING = {"owner": "zhao", "outcome": "helped", "satisfaction": "satisfied", "reason": "x", "target": "y"}
ILLEGAL = [
    (Stage.REGISTERED, Stage.RESOLVED),
    (Stage.REGISTERED, Stage.ASSIGNED),
    (Stage.REGISTERED, Stage.IN_PROGRESS),
    (Stage.REGISTERED, Stage.ARCHIVED),
    (Stage.ACCEPTED, Stage.IN_PROGRESS),
    (Stage.ACCEPTED, Stage.RESOLVED),
    (Stage.ASSIGNED, Stage.RESOLVED),
    (Stage.ASSIGNED, Stage.CALLED_BACK),
    (Stage.IN_PROGRESS, Stage.CALLED_BACK),
    (Stage.IN_PROGRESS, Stage.ARCHIVED),
    (Stage.IN_PROGRESS, Stage.REJECTED),
    (Stage.RESOLVED, Stage.ARCHIVED),
    (Stage.RESOLVED, Stage.TRANSFERRED),
    (Stage.CALLED_BACK, Stage.RESOLVED),
    (Stage.ARCHIVED, Stage.IN_PROGRESS),
    (Stage.ARCHIVED, Stage.ASSIGNED),
    (Stage.ARCHIVED, Stage.ACCEPTED),
    (Stage.REJECTED, Stage.ACCEPTED),
    (Stage.REJECTED, Stage.IN_PROGRESS),
    (Stage.MERGED, Stage.ACCEPTED),
    (Stage.TRANSFERRED, Stage.IN_PROGRESS),
]


@pytest.mark.parametrize(("stage", "to"), ILLEGAL, ids=[f"{a}-to-{b}" for a, b in ILLEGAL])
def test_an_illegal_step_is_refused_with_a_message_and_changes_nothing(stage, to, chief, at_stage):  # type: ignore[no-untyped-def]
    matter = at_stage(stage)
    before = snapshot(matter)

    with pytest.raises(DomainError) as refused:
        transition(matter.pk, chief, Step(to=to, **EVERYTHING))

    assert (refused.value.code, refused.value.status, refused.value.field) == ("not_allowed", 400, "to")
    assert refused.value.message == f"A matter that is “{stage.label}” cannot be moved to “{to.label}”."
    assert snapshot(matter) == before
    assert to not in allowed_steps(matter)


def test_accepting_a_matter_somebody_already_took_names_who_took_it(officer, chief, walk, matter):  # type: ignore[no-untyped-def]
    walk(matter, Stage.ASSIGNED)
    before = snapshot(matter)

    with pytest.raises(DomainError) as refused:
        transition(matter.pk, chief, Step(to="accepted"))

    assert refused.value.message == "This matter has already been accepted by 赵民警."
    assert snapshot(matter) == before


def test_a_step_from_a_stage_the_caller_no_longer_sees_is_a_conflict(officer, chief, walk, matter):  # type: ignore[no-untyped-def]
    walk(matter, Stage.ACCEPTED)
    before = snapshot(matter)

    with pytest.raises(DomainError) as refused:
        transition(matter.pk, chief, Step(to="rejected", reason="重复报警", expected_stage="registered"))

    assert (refused.value.code, refused.value.status) == ("conflict", 409)
    assert refused.value.message == "Somebody else has just moved this matter to “Accepted”."
    assert snapshot(matter) == before


def test_an_unsatisfied_callback_reopens_the_matter_and_tells_the_owner(  # type: ignore[no-untyped-def]
    chief, officer, at_stage, django_capture_on_commit_callbacks
):
    matter = at_stage(Stage.RESOLVED)

    with django_capture_on_commit_callbacks(execute=True):
        transition(matter.pk, chief, Step(to="called_back", satisfaction="unsatisfied", note="水还是没来"))

    matter.refresh_from_db()
    assert [(e.from_stage, e.to_stage, e.actor, e.data) for e in matter.events.filter(at=LATER)] == [
        ("resolved", "called_back", chief, {"satisfaction": "unsatisfied"}),
        ("called_back", "in_progress", chief, {"reopened": True}),
    ]
    assert matter.events.last().note == "Reopened: the resident is not satisfied."  # type: ignore[union-attr]
    assert (matter.stage, matter.satisfaction, matter.outcome, matter.owner) == (
        "in_progress",
        "unsatisfied",
        None,
        officer,
    )
    assert matter.due_at == matter.step_due_at == LATER + dt.timedelta(days=7)
    assert [(n.recipient, n.verb) for n in officer.notifications.all()] == [(officer, "reopened")]
    assert not chief.notifications.exists()


def test_a_satisfied_callback_does_not_reopen(officer, at_stage):  # type: ignore[no-untyped-def]
    matter = at_stage(Stage.RESOLVED)
    transition(matter.pk, officer, Step(to="called_back", satisfaction="basically_satisfied"))
    matter.refresh_from_db()
    assert (matter.stage, matter.satisfaction, matter.outcome.code) == (  # type: ignore[union-attr]
        "called_back",
        "basically_satisfied",
        "helped",
    )


def test_the_owner_reopens_a_resolved_matter_with_a_fresh_resolve_deadline(officer, at_stage):  # type: ignore[no-untyped-def]
    matter = at_stage(Stage.RESOLVED)

    transition(matter.pk, officer, Step(to="in_progress", note="又停水了"))

    matter.refresh_from_db()
    assert (matter.stage, matter.outcome, matter.owner) == ("in_progress", None, officer)
    assert matter.due_at == matter.step_due_at == LATER + dt.timedelta(days=7)
    assert matter.events.last().data == {"reopened": True}  # type: ignore[union-attr]


def test_the_allowed_steps_follow_the_loop(at_stage):  # type: ignore[no-untyped-def]
    assert allowed_steps(at_stage(Stage.REGISTERED)) == ["accepted", "rejected", "merged", "transferred"]
    assert allowed_steps(at_stage(Stage.RESOLVED)) == ["in_progress", "called_back"]
    assert allowed_steps(at_stage(Stage.CALLED_BACK)) == ["in_progress", "archived"]


def test_the_event_time_defaults_to_now(officer, matter):  # type: ignore[no-untyped-def]
    before = timezone.now()
    transition(matter.pk, officer, Step(to="accepted"))
    event = MatterEvent.objects.filter(matter=matter).last()
    assert event is not None
    assert before <= event.at <= timezone.now()
