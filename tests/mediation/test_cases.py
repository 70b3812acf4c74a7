"""The mediation case's stages: every guard refuses with a message and changes nothing; the matter follows."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from fengqiao.analysis.models import MediationProposal, ProposalStage
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Matter, Stage
from fengqiao.mediation.domain.cases import CaseStep, allowed_steps, move_case, open_case
from fengqiao.mediation.domain.fulfilment import record_visit
from fengqiao.mediation.domain.sessions import Booking, Record, record_session, schedule_session
from fengqiao.mediation.models import Case, CaseEvent, CaseStage, Room
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from tests.mediation.conftest import an_opening, at


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def held_session(case: Case, actor: User, liu: Person, zhang: Person, room: Room) -> None:
    session = schedule_session(case, actor, Booking(starts_at=at(-2), ends_at=at(-2, 11), room=room.pk))
    record_session(
        session.pk,
        actor,
        Record(
            minutes="双方陈述意见，同意共同加固。", parties_present=(liu.pk, zhang.pk), mediators_present=(actor.pk,)
        ),
    )


def agree(case: Case, actor: User) -> Case:
    step = CaseStep(
        "agreed",
        consent=True,
        terms="双方共同出资加固承重结构，张某承担六成。",
        fulfilment="2024年9月30日前完成加固，由社区监督。",
    )
    return move_case(case.pk, actor, step)


def refused(case: Case, actor: User, step: CaseStep) -> DomainError:
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(DomainError) as error:
        move_case(case.pk, actor, step)
    case.refresh_from_db()
    assert CaseEvent.objects.filter(case=case).count() == events
    return error.value


@pytest.mark.django_db
def test_opening_a_case_records_the_dispute_sides_and_first_event(
    case: Case, officer: User, liu, zhang, mediator, judge
):
    assert case.stage == CaseStage.PROPOSED
    assert case.reference == f"LUCHENG-TJ-{case.opened_at:%Y}-{case.pk:05d}"
    assert {(s.person.name, s.side) for s in case.dispute.sides.select_related("person")} == {
        ("刘某", "a"),
        ("张某", "b"),
    }
    assert set(case.mediators.all()) == {officer, mediator, judge}
    assert case.dispute.dispute_type.code == "neighbours"
    assert list(case.events.values_list("from_stage", "to_stage")) == [("", "proposed")]
    assert allowed_steps(case) == [CaseStage.ACCEPTED, CaseStage.DECLINED]


@pytest.mark.django_db
def test_a_dispute_is_mediated_once(case: Case, officer: User, dispute_matter: Matter, liu, zhang):
    with pytest.raises(DomainError, match="already being mediated"):
        open_case(officer, an_opening(liu, zhang, officer), matter_id=dispute_matter.pk)
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_only_disputes_are_mediated_and_both_sides_are_named(officer: User, make_matter, dispute_matter, liu, zhang):
    help_matter = make_matter()
    with pytest.raises(DomainError, match="Only a dispute"):
        open_case(officer, an_opening(liu, zhang, officer), matter_id=help_matter.pk)
    with pytest.raises(DomainError, match="at least one party on each side"):
        open_case(officer, an_opening(liu, zhang, officer, sides={liu.pk: "a"}), matter_id=dispute_matter.pk)
    with pytest.raises(DomainError, match="not a dispute type"):
        open_case(officer, an_opening(liu, zhang, officer, dispute_type="gossip"), matter_id=dispute_matter.pk)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_partner_or_another_station_cannot_open_a_case(mediator, other_chief, dispute_matter, liu, zhang, officer):
    with pytest.raises(DomainError) as error:
        open_case(mediator, an_opening(liu, zhang, officer), matter_id=dispute_matter.pk)
    assert error.value.status == 403
    with pytest.raises(DomainError) as error:
        open_case(other_chief, an_opening(liu, zhang, other_chief), matter_id=dispute_matter.pk)
    assert error.value.status in (400, 404)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_consent_of_both_parties_is_required_to_accept(case: Case, officer: User):
    error = refused(case, officer, CaseStep("accepted"))
    assert error.field == "consent"
    assert case.stage == CaseStage.PROPOSED
    move_case(case.pk, officer, CaseStep("accepted", consent=True, note="双方签署调解申请书"))
    assert Case.objects.get(pk=case.pk).stage == CaseStage.ACCEPTED


@pytest.mark.django_db
def test_declining_needs_a_reason_and_ends_the_case(case: Case, mediator: User):
    assert refused(case, mediator, CaseStep("declined")).field == "note"
    move_case(case.pk, mediator, CaseStep("declined", note="张某拒绝调解"))
    case.refresh_from_db()
    assert case.stage == CaseStage.DECLINED and allowed_steps(case) == []


@pytest.mark.django_db
def test_no_agreement_without_a_held_session_nor_without_terms(case: Case, officer: User, liu, zhang, room):
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    assert "held session" in refused(case, officer, CaseStep("agreed", terms="x", fulfilment="y")).message
    held_session(case, officer, liu, zhang, room)
    assert refused(case, officer, CaseStep("agreed", fulfilment="y")).field == "terms"
    assert refused(case, officer, CaseStep("agreed", terms="x")).field == "fulfilment"
    assert refused(case, officer, CaseStep("partly_agreed", terms="x", fulfilment="y")).field == "unresolved"
    agree(case, officer)
    case.refresh_from_db()
    assert case.stage == CaseStage.AGREED
    assert case.agreement.terms.startswith("双方共同出资") and not case.agreement.partial


@pytest.mark.django_db
def test_a_step_out_of_order_is_refused(case: Case, officer: User):
    error = refused(case, officer, CaseStep("closed", note="x"))
    assert error.code == "not_allowed"
    error = refused(case, officer, CaseStep("flying"))
    assert error.code == "invalid_stage"
    error = refused(case, officer, CaseStep("accepted", consent=True, expected_stage="accepted"))
    assert error.status == 409


@pytest.mark.django_db
def test_partner_mediators_work_the_mediation_but_do_not_refer_or_close(
    case: Case, officer: User, judge: User, outsider: User, liu, zhang, room
):
    # Not on the case: the same answer as a case that does not exist.
    assert refused(case, outsider, CaseStep("accepted", consent=True)).status == 404
    move_case(case.pk, judge, CaseStep("accepted", consent=True))
    held_session(case, judge, liu, zhang, room)
    move_case(case.pk, judge, CaseStep("failed", note="分歧过大"))
    assert refused(case, judge, CaseStep("referred", referral="litigation")).status == 403
    move_case(case.pk, officer, CaseStep("referred", referral="court_pre_litigation"))
    case.refresh_from_db()
    assert case.referred_to == "court_pre_litigation"


@pytest.mark.django_db
def test_fulfilment_visits_gate_closing_and_the_matter_is_resolved(
    case: Case, officer: User, chief: User, liu, zhang, room, dispute_matter: Matter
):
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held_session(case, officer, liu, zhang, room)
    agree(case, officer)
    move_case(case.pk, officer, CaseStep("fulfilment_check", visit_days=(7, 30)))
    case.refresh_from_db()
    visits = list(case.visits.all())
    assert [(v.due_on - at(0).date()).days for v in visits] == [7, 30]
    assert "2 fulfilment visit(s)" in refused(case, chief, CaseStep("closed")).message
    assert refused(case, officer, CaseStep("referred", referral="litigation")).field == "to"
    for visit in visits:
        record_visit(visit.pk, officer, fulfilled=True, note="加固已完成，双方和睦。")
    move_case(case.pk, chief, CaseStep("closed", note="刘某送来锦旗"))
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED
    dispute_matter.refresh_from_db()
    assert dispute_matter.stage == Stage.RESOLVED
    assert dispute_matter.outcome is not None and dispute_matter.outcome.code == "resolved"
    steps = list(dispute_matter.events.values_list("to_stage", flat=True))
    assert steps == ["registered", "accepted", "assigned", "in_progress", "resolved"]


@pytest.mark.django_db
def test_a_broken_agreement_is_referred_and_the_matter_handed_over(
    case: Case, officer: User, liu, zhang, room, dispute_matter: Matter
):
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held_session(case, officer, liu, zhang, room)
    agree(case, officer)
    move_case(case.pk, officer, CaseStep("fulfilment_check", visit_days=(7,)))
    visit = case.visits.get()
    with pytest.raises(DomainError, match="Say whether"):
        record_visit(visit.pk, officer, fulfilled=None, note="未见到当事人")
    record_visit(visit.pk, officer, fulfilled=False, note="张某未按期出资")
    move_case(case.pk, officer, CaseStep("referred", referral="court_pre_litigation"))
    move_case(case.pk, officer, CaseStep("closed", note="已移交法院诉前调解"))
    dispute_matter.refresh_from_db()
    assert dispute_matter.outcome is not None and dispute_matter.outcome.code == "handed_over"


@pytest.mark.django_db
def test_a_failed_case_closed_without_referral_leaves_the_matter_to_its_owner(
    case: Case, officer: User, liu, zhang, room, dispute_matter: Matter
):
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held_session(case, officer, liu, zhang, room)
    move_case(case.pk, officer, CaseStep("failed", note="双方均不让步"))
    assert refused(case, officer, CaseStep("closed")).field == "note"
    move_case(case.pk, officer, CaseStep("closed", note="当事人表示自行协商"))
    dispute_matter.refresh_from_db()
    assert dispute_matter.stage == Stage.REGISTERED


@pytest.mark.django_db
def test_a_case_from_a_repeat_call_proposal_opens_the_proposal(
    officer: User, dispute_matter: Matter, liu, zhang, proposal: MediationProposal
):
    case = open_case(officer, an_opening(liu, zhang, officer), proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.stage == ProposalStage.OPENED and case.proposal == proposal
    assert case.dispute.matter == dispute_matter
    assert list(proposal.events.values_list("to_stage", flat=True)) == ["proposed", "accepted", "opened"]
    with pytest.raises(DomainError, match="only a proposal still to be decided"):
        open_case(officer, an_opening(liu, zhang, officer), proposal_id=proposal.pk)
