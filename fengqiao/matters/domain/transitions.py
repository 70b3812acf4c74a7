"""The one function that changes a matter's stage.

`transition()` locks the matter row, checks that the step is allowed from the current stage, that the actor
may take it and that the step carries what it needs, then writes the new stage together with an event row, and
queues notifications for after the commit. A refused step raises `DomainError` and changes nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain import deadlines
from fengqiao.matters.models import OPEN_STAGES, Matter, MatterEvent, Satisfaction, Stage
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.staff.models import POLICE_ROLES, Role, User

# From each stage, the stages one step may go to. assigned → assigned is a reassignment; resolved or
# called_back → in_progress is a reopening.
ALLOWED: dict[Stage, frozenset[Stage]] = {
    Stage.REGISTERED: frozenset({Stage.ACCEPTED, Stage.REJECTED, Stage.MERGED, Stage.TRANSFERRED}),
    Stage.ACCEPTED: frozenset({Stage.ASSIGNED, Stage.REJECTED, Stage.MERGED, Stage.TRANSFERRED}),
    Stage.ASSIGNED: frozenset({Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.MERGED, Stage.TRANSFERRED}),
    Stage.IN_PROGRESS: frozenset({Stage.ASSIGNED, Stage.RESOLVED, Stage.MERGED, Stage.TRANSFERRED}),
    Stage.RESOLVED: frozenset({Stage.CALLED_BACK, Stage.IN_PROGRESS}),
    Stage.CALLED_BACK: frozenset({Stage.ARCHIVED, Stage.IN_PROGRESS}),
}


@dataclass(frozen=True)
class Step:
    """What a caller asks for: the target stage and whatever that step needs."""

    to: str
    note: str = ""
    owner: str | None = None  # username, to assign
    outcome: str | None = None  # outcome code, to resolve
    satisfaction: str | None = None  # to call back
    reason: str | None = None  # to reject
    into: int | None = None  # matter id, to merge
    target: str | None = None  # station or agency, to transfer
    expected_stage: str | None = None  # the stage the caller saw; a different one is a conflict
    # When the step happened, for the demo and ledger imports that replay history; never taken from users.
    at: dt.datetime | None = None


def allowed_steps(matter: Matter) -> list[Stage]:
    """Target stages reachable from the matter's stage, in loop order (used to draw buttons)."""
    targets = ALLOWED.get(Stage(matter.stage), frozenset())
    return [stage for stage in Stage if stage in targets]


def may_take(actor: User, matter: Matter, to: Stage) -> bool:
    """Whether the actor's role lets them take the step (the guard on fields comes later)."""
    if not actor.is_active or actor.station_id != matter.station_id or actor.role not in POLICE_ROLES:
        return False
    is_owner = matter.owner_id == actor.pk
    rule: dict[Stage, Callable[[], bool]] = {
        Stage.ACCEPTED: lambda: True,
        Stage.ASSIGNED: lambda: True,  # auxiliaries may only take it themselves: checked with the owner
        Stage.IN_PROGRESS: lambda: is_owner or actor.is_chief,
        Stage.RESOLVED: lambda: is_owner or actor.is_chief,
        Stage.CALLED_BACK: lambda: True,
        Stage.ARCHIVED: lambda: actor.is_chief,
        Stage.REJECTED: lambda: actor.is_sworn,
        Stage.MERGED: lambda: actor.is_sworn,
        Stage.TRANSFERRED: lambda: actor.is_sworn,
    }
    return rule.get(to, lambda: False)()


def transition(matter_id: int, actor: User, step: Step) -> Matter:
    """Move a matter one step along the loop; the only writer of `Matter.stage`."""
    to = _parse_stage(step.to)
    with transaction.atomic():
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        _check_reachable(matter, to, step)
        if not may_take(actor, matter, to):
            raise DomainError(
                "forbidden", _("You may not move this matter to “%(stage)s”.") % {"stage": to.label}, status=403
            )
        now = step.at or timezone.now()
        data = _apply(matter, actor, to, step, now)
        _record(matter, actor, to, now, step.note, data)
        if to == Stage.CALLED_BACK and step.satisfaction == Satisfaction.UNSATISFIED:
            _reopen_after_callback(matter, actor, now)
    return matter


def _parse_stage(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise DomainError("invalid_stage", _("“%(value)s” is not a stage.") % {"value": value}, "to") from None


def _check_reachable(matter: Matter, to: Stage, step: Step) -> None:
    if step.expected_stage and step.expected_stage != matter.stage:
        raise DomainError(
            "conflict",
            _("Somebody else has just moved this matter to “%(stage)s”.") % {"stage": Stage(matter.stage).label},
            status=409,
        )
    if to not in ALLOWED.get(Stage(matter.stage), frozenset()):
        code, status = ("conflict", 409) if to == matter.stage else ("not_allowed", 400)
        message = _("A matter that is “%(now)s” cannot be moved to “%(to)s”.") % {
            "now": Stage(matter.stage).label,
            "to": to.label,
        }
        if to == Stage.ACCEPTED and matter.is_open:
            # Usually a colleague accepted it a moment ago: name them. A closed matter (rejected, archived …)
            # keeps the plain message, which says why it cannot be accepted.
            by = matter.events.filter(to_stage=Stage.ACCEPTED).select_related("actor").last()
            if by is not None:
                message = _("This matter has already been accepted by %(name)s.") % {
                    "name": str(by.actor) if by.actor else _("someone else")
                }
        raise DomainError(code, message, "to", status=status)


def _apply(matter: Matter, actor: User, to: Stage, step: Step, now: dt.datetime) -> dict[str, object]:
    """Checks the step's required fields and writes them on the (locked) matter; returns the event details."""
    data: dict[str, object] = {}
    if to == Stage.ASSIGNED:
        owner = _owner(matter, actor, step.owner)
        matter.owner = owner
        data["owner"] = owner.username
        notify_after_commit(owner.pk, matter.pk, Notification.Verb.ASSIGNED, str(matter))
    elif to == Stage.RESOLVED:
        matter.outcome = _outcome(step.outcome)
        data["outcome"] = matter.outcome.code
    elif to == Stage.CALLED_BACK:
        matter.satisfaction = _satisfaction(step.satisfaction)
        data["satisfaction"] = matter.satisfaction
    elif to == Stage.REJECTED:
        data["reason"] = _required_text(step.reason, "reason", _("Give the reason for rejecting."))
    elif to == Stage.MERGED:
        matter.merged_into = _merge_target(matter, step.into)
        data["into"] = matter.merged_into.pk
    elif to == Stage.TRANSFERRED:
        matter.transferred_to = _required_text(step.target, "target", _("Say where the matter goes."))
        data["target"] = matter.transferred_to
    elif to == Stage.IN_PROGRESS and matter.stage in (Stage.RESOLVED, Stage.CALLED_BACK):
        data["reopened"] = True
        matter.outcome = None
        matter.due_at = now + (deadlines.resolve_deadline(matter) - matter.reported_at)
    return data


def _record(matter: Matter, actor: User, to: Stage, now: dt.datetime, note: str, data: dict[str, object]) -> None:
    event = MatterEvent.objects.create(
        matter=matter, from_stage=matter.stage, to_stage=to, actor=actor, at=now, note=note.strip(), data=data
    )
    matter.stage = to
    matter.stage_changed_at = event.at
    matter.step_due_at = deadlines.step_due(matter, to, now)
    matter.save(
        update_fields=[
            "stage",
            "stage_changed_at",
            "step_due_at",
            "owner",
            "outcome",
            "satisfaction",
            "merged_into",
            "transferred_to",
            "due_at",
        ]
    )


def _reopen_after_callback(matter: Matter, actor: User, now: dt.datetime) -> None:
    """不满意 reopens: the resident's word outranks the resolution."""
    matter.outcome = None
    matter.due_at = now + (deadlines.resolve_deadline(matter) - matter.reported_at)
    _record(matter, actor, Stage.IN_PROGRESS, now, _("Reopened: the resident is not satisfied."), {"reopened": True})
    if matter.owner_id:
        notify_after_commit(matter.owner_id, matter.pk, Notification.Verb.REOPENED, str(matter))


def _owner(matter: Matter, actor: User, username: str | None) -> User:
    if not username:
        raise DomainError("required", _("Choose the officer who will own this matter."), "owner")
    owner = User.objects.filter(
        username=username, station_id=matter.station_id, role__in=POLICE_ROLES, is_active=True
    ).first()
    if owner is None:
        raise DomainError("invalid", _("“%(name)s” is not an officer of this station.") % {"name": username}, "owner")
    if actor.role == Role.AUXILIARY and owner.pk != actor.pk:
        raise DomainError(
            "forbidden", _("An auxiliary officer may only take a matter themselves."), "owner", status=403
        )
    return owner


def _outcome(code: str | None) -> Code:
    if not code:
        raise DomainError("required", _("Choose the outcome to resolve this matter."), "outcome")
    outcome = Code.objects.active(CodeTable.OUTCOMES).filter(code=code).first()
    if outcome is None:
        raise DomainError("invalid", _("“%(code)s” is not an outcome code.") % {"code": code}, "outcome")
    return outcome


def _satisfaction(value: str | None) -> str:
    if not value:
        raise DomainError("required", _("Record whether the resident is satisfied."), "satisfaction")
    if value not in Satisfaction.values:
        raise DomainError("invalid", _("“%(value)s” is not a satisfaction level.") % {"value": value}, "satisfaction")
    return value


def _required_text(value: str | None, field: str, message: str) -> str:
    if not value or not value.strip():
        raise DomainError("required", message, field)
    return value.strip()


def _merge_target(matter: Matter, into: int | None) -> Matter:
    if not into:
        raise DomainError("required", _("Give the matter to merge into."), "into")
    target = Matter.objects.filter(pk=into, station_id=matter.station_id).first()
    if target is None or target.pk == matter.pk:
        raise DomainError("invalid", _("Matter %(id)s cannot be merged into.") % {"id": into}, "into")
    if target.stage not in OPEN_STAGES:
        raise DomainError("invalid", _("Matter %(id)s is closed; merge into an open matter.") % {"id": into}, "into")
    return target
