"""The matter's timeline: its stage events and follow-up actions, merged by time, ready to show."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.matters.models import Attachment, Channel, FollowUpAction, Matter, MatterEvent, Satisfaction, Stage
from fengqiao.staff.models import User


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    title: str
    actor: User | None
    note: str = ""
    details: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    stage: str = ""  # the stage entered, for a step; empty for an action


def timeline(matter: Matter) -> list[Entry]:
    """A fixed number of queries whatever the length of the history."""
    events = list(matter.events.select_related("actor"))
    actions = list(matter.actions.select_related("actor", "partner").prefetch_related("attachments"))
    names = dict(
        User.objects.filter(username__in=[e.data["owner"] for e in events if "owner" in e.data]).values_list(
            "username", "full_name"
        )
    )
    outcomes = {code.code: code.label for code in Code.objects.filter(table=CodeTable.OUTCOMES)}
    entries = [_event(event, names, outcomes) for event in events] + [_action(action) for action in actions]
    # sorted() is stable: a step and an action at the same moment keep the step first.
    return sorted(entries, key=lambda entry: entry.at)


def _event(event: MatterEvent, names: dict[str, str], outcomes: dict[str, str]) -> Entry:
    return Entry(
        at=event.at,
        title=str(Stage(event.to_stage).label),
        actor=event.actor,
        note=event.note,
        details=_event_details(event.data, names, outcomes),
        stage=event.to_stage,
    )


def _event_details(data: dict[str, object], names: dict[str, str], outcomes: dict[str, str]) -> list[str]:
    details = []
    if "channel" in data and data["channel"] in Channel.values:
        details.append(_("Channel: %(label)s") % {"label": Channel(str(data["channel"])).label})
    if "owner" in data:
        details.append(_("Owner: %(name)s") % {"name": names.get(str(data["owner"])) or data["owner"]})
    if "outcome" in data:
        details.append(_("Outcome: %(label)s") % {"label": outcomes.get(str(data["outcome"]), data["outcome"])})
    if data.get("satisfaction") in Satisfaction.values:
        details.append(_("Satisfaction: %(label)s") % {"label": Satisfaction(str(data["satisfaction"])).label})
    if "reason" in data:
        details.append(_("Reason: %(text)s") % {"text": data["reason"]})
    if "into" in data:
        details.append(_("Merged into matter %(id)s") % {"id": data["into"]})
    if "target" in data:
        details.append(_("Transferred to %(target)s") % {"target": data["target"]})
    if data.get("reopened"):
        details.append(_("Reopened"))
    return details


def _action(action: FollowUpAction) -> Entry:
    details = [_("With %(partner)s") % {"partner": action.partner.name}] if action.partner else []
    return Entry(
        at=action.occurred_at,
        title=action.get_kind_display(),
        actor=action.actor,
        note=action.note,
        details=details,
        attachments=list(action.attachments.all()),
    )
