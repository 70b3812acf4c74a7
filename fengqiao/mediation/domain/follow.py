"""The dispute matter follows its case: when the case closes, the matter is resolved with the matching outcome.

Outcome codes are rows of the `outcomes` table: agreed → 化解成功 (`resolved`), partly agreed → 部分化解
(`partly_resolved`), referred → 移交其他部门 (`handed_over`). A case closed after failing without a referral leaves
the matter open: its owner goes on handling it. The matter moves only through `transition()`, one event per step,
so its timeline shows how mediation ended it.
"""

import datetime as dt

from django.utils.translation import gettext as _

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.mediation.models import Agreement, Case
from fengqiao.staff.models import User

# The path from each stage before resolution to `resolved`, for an actor who owns the matter.
_PATH: dict[str, list[Stage]] = {
    Stage.REGISTERED: [Stage.ACCEPTED, Stage.ASSIGNED, Stage.IN_PROGRESS],
    Stage.ACCEPTED: [Stage.ASSIGNED, Stage.IN_PROGRESS],
    Stage.ASSIGNED: [Stage.IN_PROGRESS],
    Stage.IN_PROGRESS: [],
}


def outcome_of(case: Case) -> str | None:
    """The outcome code the case gives its matter, or None when mediation leaves the matter to its owner."""
    if case.referred_to:
        return "handed_over"
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        return None
    return "partly_resolved" if agreement.partial else "resolved"


def close_matter(case: Case, actor: User, at: dt.datetime) -> Matter | None:
    """Resolve the case's matter when it is still being handled; returns it, or None when left alone."""
    outcome = outcome_of(case)
    matter = Matter.objects.get(pk=case.dispute.matter_id)
    if outcome is None or matter.stage not in _PATH:
        return None
    note = _("Mediation case %(reference)s closed.") % {"reference": case.reference}
    if matter.stage in (Stage.ASSIGNED, Stage.IN_PROGRESS) and not (matter.owner_id == actor.pk or actor.is_chief):
        # Somebody else owns it: the closing officer takes it over, in the open, before resolving.
        matter = transition(matter.pk, actor, Step(Stage.ASSIGNED, note=note, owner=actor.username, at=at))
    for stage in _PATH[matter.stage]:
        owner = actor.username if stage == Stage.ASSIGNED else None
        matter = transition(matter.pk, actor, Step(stage, note=note, owner=owner, at=at))
    return transition(matter.pk, actor, Step(Stage.RESOLVED, note=note, outcome=outcome, at=at))
