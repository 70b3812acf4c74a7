"""Opening a mediation case and the one function that changes its stage.

proposed → accepted (both parties consent) | declined; accepted → agreed | partly_agreed | failed (after at least
one held session); failed or partly_agreed → referred (court, arbitration, litigation, an administrative body);
agreed or partly_agreed → fulfilment_check (visits scheduled at set intervals); fulfilment_check → closed (every
visit done) or referred (the agreement was not kept); failed or referred → closed. `move_case()` is the only
writer of `Case.stage`; every change is a `CaseEvent` row; a refused step raises `DomainError` and changes nothing.
Closing the case resolves its dispute matter with the matching outcome (`fengqiao.mediation.domain.follow`).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.mediation_proposals import is_dispute, move_proposal
from fengqiao.analysis.models import MediationProposal, ProposalStage
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import OPEN_STAGES, Matter
from fengqiao.mediation.access import may_work
from fengqiao.mediation.domain import follow
from fengqiao.mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseStage,
    Dispute,
    DisputeParty,
    FulfilmentVisit,
    Referral,
    RiskLevel,
    Room,
    SessionStatus,
    Side,
)
from fengqiao.people.models import Person
from fengqiao.staff.models import POLICE_ROLES, Role, User
from fengqiao.stations.models import Partner

ALLOWED: dict[CaseStage, frozenset[CaseStage]] = {
    CaseStage.PROPOSED: frozenset({CaseStage.ACCEPTED, CaseStage.DECLINED}),
    CaseStage.ACCEPTED: frozenset({CaseStage.AGREED, CaseStage.PARTLY_AGREED, CaseStage.FAILED}),
    CaseStage.AGREED: frozenset({CaseStage.FULFILMENT_CHECK}),
    CaseStage.PARTLY_AGREED: frozenset({CaseStage.FULFILMENT_CHECK, CaseStage.REFERRED}),
    CaseStage.FAILED: frozenset({CaseStage.REFERRED, CaseStage.CLOSED}),
    CaseStage.REFERRED: frozenset({CaseStage.CLOSED}),
    CaseStage.FULFILMENT_CHECK: frozenset({CaseStage.CLOSED, CaseStage.REFERRED}),
}
# Steps a case's mediators (partner mediators included) may take: the work of the mediation itself. The rest —
# referral, the fulfilment check, closing — belongs to the station's sworn officers and the case lead.
MEDIATORS_STEPS = frozenset(
    {CaseStage.ACCEPTED, CaseStage.DECLINED, CaseStage.AGREED, CaseStage.PARTLY_AGREED, CaseStage.FAILED}
)
DEFAULT_VISIT_DAYS = (7, 30)


@dataclass(frozen=True)
class Opening:
    """What opening a case needs: the dispute's details, who stands on which side, and who mediates where."""

    dispute_type: str  # code of the `dispute_types` table
    sides: dict[int, str]  # person id → Side
    lead: int  # user id; always one of the mediators
    mediators: tuple[int, ...] = ()
    partners: tuple[int, ...] = ()
    room: int | None = None
    amount: Decimal | None = None
    risk_level: str = RiskLevel.LOW
    facts: str = ""
    note: str = ""
    at: dt.datetime | None = None  # for the demo's replayed history; never taken from users


@dataclass(frozen=True)
class CaseStep:
    """What a caller asks of `move_case`: the target stage and whatever that step needs."""

    to: str
    note: str = ""
    consent: bool = False  # to accept: both parties have consented
    facts: str = ""  # to agree: the agreement's text
    terms: str = ""
    fulfilment: str = ""
    fulfil_by: dt.date | None = None
    unresolved: str = ""  # to agree partly: what remains open
    referral: str = ""  # to refer: a Referral value
    visit_days: tuple[int, ...] = field(default=())  # to check fulfilment: days after the step; default per settings
    expected_stage: str | None = None
    at: dt.datetime | None = None


def open_case(actor: User, opening: Opening, *, matter_id: int | None = None, proposal_id: int | None = None) -> Case:
    """Open a case in stage `proposed` from a dispute matter or from a repeat-call mediation proposal."""
    if (matter_id is None) == (proposal_id is None):
        raise DomainError("required", _("Open a case from one dispute matter or one mediation proposal."), "matter")
    if not (actor.is_active and actor.is_sworn):
        raise DomainError("forbidden", _("Only the station's officers may open a mediation case."), status=403)
    station_id = actor.station_id
    assert station_id is not None  # a sworn officer always has a station
    at = opening.at or timezone.now()
    with transaction.atomic():
        proposal = _proposal(station_id, proposal_id) if proposal_id is not None else None
        matter = _matter_of(proposal) if proposal is not None else _dispute_matter(station_id, matter_id or 0)
        dispute = _dispute(matter, opening)
        case = Case.objects.create(
            station_id=station_id,
            dispute=dispute,
            proposal=proposal,
            lead=_staff(station_id, [opening.lead], "lead")[0],
            room=_room(station_id, opening.room),
            opened_by=actor,
            opened_at=at,
            stage_changed_at=at,
        )
        case.reference = f"{matter.station.code.upper()}-TJ-{at:%Y}-{case.pk:05d}"
        case.save(update_fields=["reference"])
        case.mediators.set(_staff(station_id, {opening.lead, *opening.mediators}, "mediators"))
        case.partners.set(_partners(station_id, opening.partners))
        CaseEvent.objects.create(
            case=case, from_stage="", to_stage=CaseStage.PROPOSED, actor=actor, at=at, note=opening.note.strip()
        )
        if proposal is not None:
            _hand_off(proposal, actor, case)
    return case


def allowed_steps(case: Case) -> list[CaseStage]:
    """Target stages reachable from the case's stage, in order (used to draw buttons)."""
    targets = ALLOWED.get(CaseStage(case.stage), frozenset())
    return [stage for stage in CaseStage if stage in targets]


def may_move(actor: User, case: Case, to: CaseStage) -> bool:
    if not actor.is_active or actor.station_id != case.station_id:
        return False
    if actor.is_sworn:
        return True
    if to == CaseStage.CLOSED:
        return False  # closing resolves the station's matter: a sworn officer's step
    if actor.pk == case.lead_id:
        return True
    is_mediator = case.mediators.filter(pk=actor.pk).exists()
    return is_mediator and to in MEDIATORS_STEPS


def move_case(case_id: int, actor: User, step: CaseStep) -> Case:
    """Move a case one stage; the only writer of `Case.stage`."""
    to = _parse_stage(step.to)
    with transaction.atomic():
        case = _locked(case_id, actor)
        _check_reachable(case, to, step)
        if not may_move(actor, case, to):
            raise DomainError(
                "forbidden", _("You may not move this case to “%(stage)s”.") % {"stage": to.label}, status=403
            )
        now = step.at or timezone.now()
        data = _apply(case, actor, to, step, now)
        CaseEvent.objects.create(
            case=case, from_stage=case.stage, to_stage=to, actor=actor, at=now, note=step.note.strip(), data=data
        )
        case.stage, case.stage_changed_at = to, now
        case.save(update_fields=["stage", "stage_changed_at", "referred_to"])
        if to == CaseStage.CLOSED:
            follow.close_matter(case, actor, now)
    return case


# Opening ----------------------------------------------------------------------------------------------------


def _proposal(station_id: int, proposal_id: int) -> MediationProposal:
    proposal = MediationProposal.objects.select_for_update().filter(pk=proposal_id, station_id=station_id).first()
    if proposal is None:
        raise DomainError("not_found", _("No such mediation proposal."), "proposal", status=404)
    if proposal.stage not in (ProposalStage.PROPOSED, ProposalStage.ACCEPTED):
        raise DomainError(
            "conflict",
            _("The proposal is “%(stage)s”; only a proposal still to be decided can become a case.")
            % {"stage": proposal.get_stage_display()},
            "proposal",
            status=409,
        )
    return proposal


def _matter_of(proposal: MediationProposal) -> Matter:
    """The call the case follows: the latest open one of the group, else the latest."""
    matters = proposal.matters.select_related("station").order_by("-reported_at", "-id")
    matter = matters.filter(stage__in=OPEN_STAGES, dispute__isnull=True).first() or matters.first()
    if matter is None:
        raise DomainError("invalid", _("The proposal has no calls to mediate."), "proposal")
    return matter


def _dispute_matter(station_id: int, matter_id: int) -> Matter:
    matter = (
        Matter.objects.select_for_update()
        .select_related("station", "category")
        .filter(pk=matter_id, station_id=station_id)
        .first()
    )
    if matter is None:
        raise DomainError("not_found", _("No such matter."), "matter", status=404)
    if not is_dispute(matter.kind, matter.category.code if matter.category else ""):
        raise DomainError("invalid", _("Only a dispute can be mediated; this matter is not one."), "matter")
    if matter.stage not in OPEN_STAGES:
        raise DomainError("invalid", _("The matter is closed; mediate an open dispute."), "matter")
    return matter


def _dispute(matter: Matter, opening: Opening) -> Dispute:
    if Case.objects.filter(dispute__matter=matter).exists():
        raise DomainError("conflict", _("This dispute is already being mediated."), "matter", status=409)
    dispute_type = Code.objects.active(CodeTable.DISPUTE_TYPES).filter(code=opening.dispute_type).first()
    if dispute_type is None:
        raise DomainError(
            "invalid", _("“%(code)s” is not a dispute type.") % {"code": opening.dispute_type}, "dispute_type"
        )
    if opening.risk_level not in RiskLevel.values:
        raise DomainError("invalid", _("“%(value)s” is not a risk level.") % {"value": opening.risk_level}, "risk")
    if opening.amount is not None and opening.amount < 0:
        raise DomainError("invalid", _("The amount involved cannot be negative."), "amount")
    dispute, _created = Dispute.objects.update_or_create(
        matter=matter,
        defaults={
            "dispute_type": dispute_type,
            "amount": opening.amount,
            "risk_level": opening.risk_level,
            "facts": opening.facts.strip() or matter.description,
        },
    )
    _set_sides(dispute, opening.sides)
    return dispute


def _set_sides(dispute: Dispute, sides: dict[int, str]) -> None:
    if any(side not in Side.values for side in sides.values()):
        raise DomainError("invalid", _("Each party stands on side A or side B."), "sides")
    if not {Side.A.value, Side.B.value} <= set(sides.values()):
        raise DomainError("required", _("Name at least one party on each side."), "sides")
    persons = set(
        Person.objects.filter(pk__in=sides, station_id=dispute.matter.station_id).values_list("pk", flat=True)
    )
    if unknown := sorted(set(sides) - persons):
        raise DomainError("invalid", _("Person %(ids)s is not known at this station.") % {"ids": unknown[0]}, "sides")
    dispute.sides.all().delete()
    DisputeParty.objects.bulk_create(
        [DisputeParty(dispute=dispute, person_id=person, side=side) for person, side in sorted(sides.items())]
    )


def _staff(station_id: int, user_ids: Iterable[int], field_name: str) -> list[User]:
    """Mediators are the station's police or its partner mediators, active."""
    ids = set(user_ids)
    users = list(
        User.objects.filter(pk__in=ids, station_id=station_id, is_active=True, role__in=[*POLICE_ROLES, Role.MEDIATOR])
    )
    if len(users) != len(ids) or not users:
        raise DomainError("invalid", _("Choose mediators from this station's officers and partners."), field_name)
    return users


def _partners(station_id: int, partner_ids: Iterable[int]) -> list[Partner]:
    ids = set(partner_ids)
    partners = list(Partner.objects.filter(pk__in=ids, station_id=station_id))
    if len(partners) != len(ids):
        raise DomainError("invalid", _("Choose partners of this station."), "partners")
    return partners


def _room(station_id: int, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = Room.objects.filter(pk=room_id, station_id=station_id).first()
    if room is None:
        raise DomainError("invalid", _("Choose a mediation room of this station."), "room")
    return room


def _hand_off(proposal: MediationProposal, actor: User, case: Case) -> None:
    note = _("Mediation case %(reference)s opened.") % {"reference": case.reference}
    if proposal.stage == ProposalStage.PROPOSED:
        move_proposal(proposal.pk, actor, ProposalStage.ACCEPTED, note=note, at=case.opened_at)
    move_proposal(proposal.pk, actor, ProposalStage.OPENED, note=note, at=case.opened_at)


# Moving -----------------------------------------------------------------------------------------------------


def _parse_stage(value: str) -> CaseStage:
    if value not in CaseStage.values:
        raise DomainError(
            "invalid_stage", _("“%(value)s” is not a stage of a mediation case.") % {"value": value}, "to"
        )
    return CaseStage(value)


def _locked(case_id: int, actor: User) -> Case:
    # Scoped like every lookup: another station's case, or one a partner is not on, is the same 404 as none.
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not may_work(case, actor):
        raise DomainError("not_found", _("No such mediation case."), status=404)
    return case


def _check_reachable(case: Case, to: CaseStage, step: CaseStep) -> None:
    current = CaseStage(case.stage)
    if step.expected_stage and step.expected_stage != case.stage:
        raise DomainError(
            "conflict",
            _("Somebody else has just moved this case to “%(stage)s”.") % {"stage": current.label},
            status=409,
        )
    if to not in ALLOWED.get(current, frozenset()):
        raise DomainError(
            "not_allowed",
            _("A case that is “%(now)s” cannot be moved to “%(to)s”.") % {"now": current.label, "to": to.label},
            "to",
            status=409 if to == current else 400,
        )


def _apply(case: Case, actor: User, to: CaseStage, step: CaseStep, now: dt.datetime) -> dict[str, object]:
    """Checks what the step needs and writes it (agreement, visits, referral); returns the event's details."""
    if to == CaseStage.ACCEPTED and not step.consent:
        raise DomainError("required", _("Record that both parties consent to mediation."), "consent")
    if to in (CaseStage.DECLINED, CaseStage.FAILED) and not step.note.strip():
        raise DomainError("required", _("Say why, in the note."), "note")
    if to in (CaseStage.AGREED, CaseStage.PARTLY_AGREED, CaseStage.FAILED):
        _require_held_session(case)
    if to in (CaseStage.AGREED, CaseStage.PARTLY_AGREED):
        _write_agreement(case, step, partial=to == CaseStage.PARTLY_AGREED, at=now)
        return {}
    if to == CaseStage.REFERRED:
        return _refer(case, step)
    if to == CaseStage.FULFILMENT_CHECK:
        return {"visits": _schedule_visits(case, step, now)}
    if to == CaseStage.CLOSED:
        _check_closable(case, step)
    return {}


def _require_held_session(case: Case) -> None:
    if not case.sessions.filter(status=SessionStatus.HELD).exists():
        raise DomainError("invalid", _("Record at least one held session (with its minutes) first."), "to")


def _write_agreement(case: Case, step: CaseStep, *, partial: bool, at: dt.datetime) -> None:
    facts = step.facts.strip() or case.dispute.facts
    for value, name, message in [
        (facts, "facts", _("Write the facts of the dispute.")),
        (step.terms, "terms", _("Write the agreed terms.")),
        (step.fulfilment, "fulfilment", _("Say how and when the terms are to be fulfilled.")),
    ]:
        if not value.strip():
            raise DomainError("required", message, name)
    if partial and not step.unresolved.strip():
        raise DomainError("required", _("Say what remains unresolved."), "unresolved")
    Agreement.objects.update_or_create(
        case=case,
        defaults={
            "facts": facts,
            "terms": step.terms.strip(),
            "fulfilment": step.fulfilment.strip(),
            "fulfil_by": step.fulfil_by,
            "partial": partial,
            "unresolved": step.unresolved.strip(),
            "agreed_at": at,
        },
    )


def _refer(case: Case, step: CaseStep) -> dict[str, object]:
    if step.referral not in Referral.values:
        raise DomainError("required", _("Choose where the dispute is referred."), "referral")
    if case.stage == CaseStage.FULFILMENT_CHECK and not case.visits.filter(fulfilled=False).exists():
        raise DomainError(
            "invalid", _("Refer a case under fulfilment check only after a visit found the agreement broken."), "to"
        )
    case.referred_to = step.referral
    return {"referral": step.referral}


def _schedule_visits(case: Case, step: CaseStep, now: dt.datetime) -> list[str]:
    days = step.visit_days or tuple(getattr(settings, "FENGQIAO_FULFILMENT_VISIT_DAYS", DEFAULT_VISIT_DAYS))
    if any(day < 1 for day in days):
        raise DomainError("invalid", _("Visits are due at least one day after the agreement."), "visit_days")
    start = timezone.localdate(now)
    visits = FulfilmentVisit.objects.bulk_create(
        [FulfilmentVisit(case=case, due_on=start + dt.timedelta(days=day)) for day in sorted(set(days))]
    )
    return [visit.due_on.isoformat() for visit in visits]


def _check_closable(case: Case, step: CaseStep) -> None:
    if case.stage == CaseStage.FULFILMENT_CHECK:
        pending = case.visits.filter(done_at__isnull=True).count()
        if pending:
            raise DomainError("invalid", _("%(count)d fulfilment visit(s) are still due.") % {"count": pending}, "to")
    elif not step.note.strip():
        raise DomainError("required", _("Say why the case is closed, in the note."), "note")
