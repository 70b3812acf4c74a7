"""What a resident (and an Open311 client) may know about a matter: its stage in plain words, and nothing else.

No officer names, no internal notes, no outcome codes, no other party: a tracking code can be read over a
shoulder. The words are the public's; the stages are the station's.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.reports.models import PublicNote


@dataclass(frozen=True)
class PublicStage:
    label: Promise  # 已登记 / 已受理 / 处理中 / 已办结 …
    explanation: Promise
    closed: bool  # Open311 status: closed once the station has dealt with it, or will not


REGISTERED = PublicStage(
    _("Registered"), _("Your report has been received and is waiting for an officer to take it up."), False
)
ACCEPTED = PublicStage(_("Accepted"), _("The station has taken up your report and an officer will handle it."), False)
IN_PROGRESS = PublicStage(_("In progress"), _("Officers are dealing with it."), False)
RESOLVED = PublicStage(
    _("Resolved"), _("The station has dealt with your report. Tell us below whether it is really solved."), True
)
CALLED_BACK = PublicStage(_("Followed up"), _("The station has asked you whether it is solved. Thank you."), True)
ARCHIVED = PublicStage(_("Closed"), _("The matter is closed."), True)
REJECTED = PublicStage(
    _("Not taken up"),
    _("The station could not take up this report. For an emergency call 110, or visit your police post."),
    True,
)
MERGED = PublicStage(
    _("Handled together"), _("It is being handled together with an earlier report about the same matter."), True
)
TRANSFERRED = PublicStage(_("Passed on"), _("It has been passed to the authority responsible for it."), True)

PUBLIC_STAGES: dict[str, PublicStage] = {
    Stage.REGISTERED: REGISTERED,
    Stage.ACCEPTED: ACCEPTED,
    Stage.ASSIGNED: ACCEPTED,  # who handles it is the station's business
    Stage.IN_PROGRESS: IN_PROGRESS,
    Stage.RESOLVED: RESOLVED,
    Stage.CALLED_BACK: CALLED_BACK,
    Stage.ARCHIVED: ARCHIVED,
    Stage.REJECTED: REJECTED,
    Stage.MERGED: MERGED,
    Stage.TRANSFERRED: TRANSFERRED,
}


def public_stage(stage: str) -> PublicStage:
    return PUBLIC_STAGES[stage]


def is_closed(stage: str) -> bool:
    return public_stage(stage).closed


def closed_stages() -> list[str]:
    return [stage for stage, words in PUBLIC_STAGES.items() if words.closed]


@dataclass(frozen=True)
class Milestone:
    at: dt.datetime
    stage: PublicStage


def milestones(matter: Matter) -> list[Milestone]:
    """The public history: one line per change of public stage (a reassignment shows as nothing new)."""
    lines: list[Milestone] = []
    for event in MatterEvent.objects.filter(matter=matter).order_by("at", "id"):
        words = public_stage(event.to_stage)
        if not lines or lines[-1].stage is not words:
            lines.append(Milestone(event.at, words))
    return lines


def latest_public_note(matter: Matter) -> PublicNote | None:
    return PublicNote.objects.filter(matter=matter).order_by("-created_at", "-id").first()
