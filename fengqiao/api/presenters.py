"""Matters as the API shows them: codes with labels, personal data masked, nothing fetched row by row.

The functions here read only what `DETAIL_PREFETCH` / `SUMMARY_RELATED` loaded; adding a field that needs
another relation means adding it there too (the N+1 tests in tests/api will say so).
"""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from fengqiao.analysis.repeats import repeat_views
from fengqiao.api.schemas import (
    ActionOut,
    AttachmentOut,
    EventOut,
    MatterOut,
    MatterSummaryOut,
    PartyOut,
    PersonRef,
    RepeatOut,
    StepOut,
)
from fengqiao.matters.domain.transitions import allowed_steps, may_take
from fengqiao.matters.models import FollowUpAction, Matter, MatterEvent, Party, Satisfaction
from fengqiao.staff.models import User

SUMMARY_RELATED = ("category", "address", "owner")
DETAIL_PREFETCH = (
    Prefetch("parties", queryset=Party.objects.select_related("person").order_by("id")),
    Prefetch("events", queryset=MatterEvent.objects.select_related("actor")),
    Prefetch(
        "actions",
        queryset=FollowUpAction.objects.select_related("actor", "partner").prefetch_related("attachments"),
    ),
)


def load_details(matter: Matter) -> Matter:
    prefetch_related_objects([matter], *DETAIL_PREFETCH)
    return matter


def person_ref(user: User | None) -> PersonRef | None:
    return PersonRef(username=user.username, name=str(user)) if user else None


def matter_summary(matter: Matter, now: dt.datetime | None = None) -> MatterSummaryOut:
    return MatterSummaryOut(**_summary_fields(matter, now or timezone.now()))


def matter_detail(viewer: User, matter: Matter) -> MatterOut:
    return MatterOut(
        **_summary_fields(matter, timezone.now()),
        channel=matter.channel,
        channel_label=matter.get_channel_display(),
        latitude=float(matter.latitude) if matter.latitude is not None else None,
        longitude=float(matter.longitude) if matter.longitude is not None else None,
        due_reason=matter.due_reason,
        outcome=matter.outcome.code if matter.outcome else None,
        outcome_label=matter.outcome.label if matter.outcome else None,
        satisfaction=matter.satisfaction or None,
        satisfaction_label=str(Satisfaction(matter.satisfaction).label) if matter.satisfaction else None,
        merged_into=matter.merged_into_id,
        transferred_to=matter.transferred_to,
        parties=[party_out(party) for party in matter.parties.all()],
        events=[event_out(event) for event in matter.events.all()],
        actions=[action_out(action) for action in matter.actions.all()],
        allowed_steps=[
            StepOut(code=stage.value, label=str(stage.label))
            for stage in allowed_steps(matter)
            if may_take(viewer, matter, stage)
        ],
        repeat=repeat_out(matter),
    )


def repeat_out(matter: Matter) -> RepeatOut | None:
    """The matter's largest repeat group (two queries; the list endpoint does not show it)."""
    views = repeat_views(matter)
    if not views:
        return None
    view = views[0]
    return RepeatOut(
        group=view.group.pk,
        count=view.group.count,
        window_days=view.group.window_days,
        reasons=view.reasons,
        matters=view.matter_ids,
    )


def _summary_fields(matter: Matter, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": matter.pk,
        "reference": matter.reference or "",
        "stage": matter.stage,
        "stage_label": matter.get_stage_display(),
        "kind": matter.kind,
        "kind_label": matter.get_kind_display(),
        "category": matter.category.code,
        "category_label": matter.category.label,
        "priority": matter.priority,
        "priority_label": matter.get_priority_display(),
        "description": matter.description,
        "place": matter.place,
        "owner": person_ref(matter.owner),
        "reported_at": matter.reported_at,
        "step_due_at": matter.step_due_at,
        "due_at": matter.due_at,
        "overdue": matter.is_overdue(now),
    }


def party_out(party: Party) -> PartyOut:
    person = party.person
    return PartyOut(
        person_id=person.pk,
        name=person.name,
        role=party.role,
        role_label=party.get_role_display(),
        phone=person.masked_phone,
        id_number=person.masked_id_number,
    )


def event_out(event: MatterEvent) -> EventOut:
    # Built from a dict because the field is called by its alias, "from".
    return EventOut.model_validate(
        {
            "from": event.from_stage,
            "to": event.to_stage,
            "actor": person_ref(event.actor),
            "at": event.at,
            "note": event.note,
        }
    )


def action_out(action: FollowUpAction) -> ActionOut:
    return ActionOut(
        id=action.pk,
        kind=action.kind,
        kind_label=action.get_kind_display(),
        note=action.note,
        actor=PersonRef(username=action.actor.username, name=str(action.actor)),
        partner=action.partner.name if action.partner else None,
        occurred_at=action.occurred_at,
        attachments=[
            AttachmentOut(name=a.original_name, size=a.size, sha256=a.sha256, content_type=a.content_type)
            for a in action.attachments.all()
        ],
    )
