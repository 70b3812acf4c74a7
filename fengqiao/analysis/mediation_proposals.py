"""Mediation proposals: the record a repeated dispute leaves for the mediation work (调解).

A proposal is written by the repeat-call check (`fengqiao.analysis.repeats`) when a repeat group holds a dispute.
`move_proposal()` is the only writer of its stage: proposed → accepted or declined; accepted → opened (the
mediation app has made a case of it) or declined. Every change is a ProposalEvent row.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis import sql
from fengqiao.analysis.models import MediationProposal, ProposalEvent, ProposalStage, RepeatGroup, RepeatReason
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Kind, Party
from fengqiao.staff.models import User

DISPUTE_CATEGORY_PREFIX = "0205"  # 纠纷 in the 110 category table

ALLOWED: dict[ProposalStage, frozenset[ProposalStage]] = {
    ProposalStage.PROPOSED: frozenset({ProposalStage.ACCEPTED, ProposalStage.DECLINED}),
    ProposalStage.ACCEPTED: frozenset({ProposalStage.OPENED, ProposalStage.DECLINED}),
}
# While a proposal is still to be decided or acted on, new calls of its group are added to it.
GROWING_STAGES = frozenset({ProposalStage.PROPOSED, ProposalStage.ACCEPTED})


def is_dispute(kind: str, category_code: str) -> bool:
    return kind == Kind.DISPUTE or category_code.startswith(DISPUTE_CATEGORY_PREFIX)


def proposal_of(group: RepeatGroup) -> MediationProposal | None:
    return MediationProposal.objects.filter(group=group).first()


def propose(group: RepeatGroup, matter_ids: Iterable[int], at: dt.datetime | None = None) -> MediationProposal:
    """Record a proposal for the group with these matters and their parties, with its first event."""
    at = at or timezone.now()
    proposal = MediationProposal.objects.create(
        station_id=group.station_id, group=group, proposed_at=at, stage_changed_at=at
    )
    ProposalEvent.objects.create(proposal=proposal, from_stage="", to_stage=ProposalStage.PROPOSED, at=at)
    add_matters(proposal, matter_ids, group)
    return proposal


def add_matters(
    proposal: MediationProposal,
    matter_ids: Iterable[int],
    group: RepeatGroup | None = None,
    person_ids: Iterable[int] | None = None,
) -> None:
    """Add matters and their parties to a proposal still being decided; set semantics, so reruns are safe.

    `person_ids`: the persons on these matters, when the caller has them already.
    """
    if proposal.stage not in GROWING_STAGES:
        return
    ids = list(matter_ids)
    group = group or proposal.group
    # Plain INSERTs that skip what is there: this runs in the registration-time check of every repeated dispute.
    for through, column, values in [
        (MediationProposal.matters.through, "matter_id", ids),
        (MediationProposal.parties.through, "person_id", sorted(parties_to_mediate(group, ids, person_ids))),
    ]:
        columns = ["mediationproposal_id", column]
        sql.insert_ignoring(through._meta.db_table, columns, [[proposal.pk, value] for value in values], columns)


def parties_to_mediate(group: RepeatGroup, matter_ids: list[int], person_ids: Iterable[int] | None = None) -> set[int]:
    """The pair or the person the group is about; for a place or a phone, everybody on its calls.

    A neighbour who once called about the same flat is not a party of the pair's dispute.
    """
    if group.key_kind == RepeatReason.SAME_PARTIES:
        return {int(person_id) for person_id in group.key_value.split("-")}
    if group.key_kind == RepeatReason.SAME_PERSON:
        return {int(group.key_value)}
    if person_ids is not None:
        return set(person_ids)
    return set(Party.objects.filter(matter_id__in=matter_ids).values_list("person_id", flat=True))


def move_proposal(
    proposal_id: int,
    actor: User,
    to: str,
    note: str = "",
    expected_stage: str | None = None,
    at: dt.datetime | None = None,  # for a case opened with a replayed history (the demo); never from users
) -> MediationProposal:
    """Move a proposal one stage; the only writer of `MediationProposal.stage`. Refusals change nothing."""
    target = _parse_stage(to)
    with transaction.atomic():
        proposal = _locked(proposal_id, actor)
        if expected_stage is not None and proposal.stage != expected_stage:
            raise DomainError(
                "conflict",
                _("The proposal is now “%(stage)s”; reload and try again.") % {"stage": proposal.get_stage_display()},
                "expected_stage",
                status=409,
            )
        _check_step(proposal, actor, target, note)
        now = at or timezone.now()
        ProposalEvent.objects.create(
            proposal=proposal, from_stage=proposal.stage, to_stage=target, actor=actor, at=now, note=note.strip()
        )
        proposal.stage, proposal.stage_changed_at = target, now
        proposal.save(update_fields=["stage", "stage_changed_at"])
    return proposal


def _parse_stage(to: str) -> ProposalStage:
    if to not in ProposalStage.values:
        raise DomainError("invalid", _("“%(value)s” is not a stage of a mediation proposal.") % {"value": to}, "to")
    return ProposalStage(to)


def _locked(proposal_id: int, actor: User) -> MediationProposal:
    # Scoped like every lookup: another station's proposal is the same 404 as a missing one.
    station_id = actor.station_id
    proposal = None
    if station_id is not None:
        proposal = MediationProposal.objects.select_for_update().filter(pk=proposal_id, station_id=station_id).first()
    if proposal is None:
        raise DomainError("not_found", _("No such mediation proposal."), status=404)
    return proposal


def _check_step(proposal: MediationProposal, actor: User, target: ProposalStage, note: str) -> None:
    if not (actor.is_active and actor.is_sworn):
        raise DomainError("forbidden", _("Only the station's officers may decide on a mediation proposal."), status=403)
    if target not in ALLOWED.get(ProposalStage(proposal.stage), frozenset()):
        raise DomainError(
            "invalid_step",
            _("A proposal that is “%(stage)s” cannot become “%(to)s”.")
            % {"stage": proposal.get_stage_display(), "to": target.label},
            "to",
        )
    if target == ProposalStage.DECLINED and not note.strip():
        raise DomainError("required", _("Say why the proposal is declined."), "note")
