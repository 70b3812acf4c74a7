"""A mediation proposal keeps its own stage: proposed → accepted → opened, or declined with a reason."""

import pytest

from fengqiao.analysis.mediation_proposals import move_proposal
from fengqiao.analysis.models import MediationProposal
from fengqiao.lib.errors import DomainError
from fengqiao.staff.models import User
from tests.analysis import test_repeats as shared
from tests.analysis.test_repeats import Call

_english, flat, dispute = shared._english, shared.flat, shared.dispute


@pytest.fixture
def proposal(dispute: Call) -> MediationProposal:
    for days in (20, 10, 0):
        dispute(days)
    return MediationProposal.objects.get()


def steps_of(proposal: MediationProposal) -> list[tuple[str, str, str]]:
    return [(e.from_stage, e.to_stage, e.actor.username if e.actor else "") for e in proposal.events.all()]


def test_the_chief_accepts_and_the_mediation_opens_a_case(proposal: MediationProposal, chief: User) -> None:
    move_proposal(proposal.pk, chief, "accepted", note="请司法所、律师、社区一起调解")
    opened = move_proposal(proposal.pk, chief, "opened", expected_stage="accepted")

    assert opened.stage == "opened"
    assert steps_of(opened) == [
        ("", "proposed", ""),
        ("proposed", "accepted", "wangxiaojian"),
        ("accepted", "opened", "wangxiaojian"),
    ]
    assert opened.events.get(to_stage="accepted").note == "请司法所、律师、社区一起调解"


def test_an_officer_declines_with_a_reason(proposal: MediationProposal, officer: User) -> None:
    declined = move_proposal(proposal.pk, officer, "declined", note="双方已自行和解")

    assert (declined.stage, declined.events.last().note) == ("declined", "双方已自行和解")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("steps", "to", "note", "code", "message"),
    [
        ([], "declined", "  ", "required", "Say why the proposal is declined."),
        ([], "opened", "", "invalid_step", "A proposal that is “Proposed” cannot become “Mediation case opened”."),
        (["declined"], "accepted", "", "invalid_step", "A proposal that is “Declined” cannot become “Accepted”."),
        ([], "mediated", "", "invalid", "“mediated” is not a stage of a mediation proposal."),
    ],
)
def test_a_step_the_stage_does_not_allow_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    proposal, chief, steps, to, note, code, message
):
    for step in steps:
        move_proposal(proposal.pk, chief, step, note="已和解")
    before = proposal.events.count()

    with pytest.raises(DomainError) as refused:
        move_proposal(proposal.pk, chief, to, note=note)

    assert (refused.value.code, refused.value.message) == (code, message)
    assert proposal.events.count() == before


def test_a_proposal_seen_in_an_older_stage_is_a_conflict(proposal: MediationProposal, chief: User) -> None:
    move_proposal(proposal.pk, chief, "accepted")

    with pytest.raises(DomainError) as refused:
        move_proposal(proposal.pk, chief, "declined", note="重复", expected_stage="proposed")

    assert (refused.value.status, refused.value.field) == (409, "expected_stage")
    assert MediationProposal.objects.get().stage == "accepted"


def test_an_auxiliary_may_not_decide_and_another_station_finds_nothing(  # type: ignore[no-untyped-def]
    proposal, auxiliary, other_chief
):
    with pytest.raises(DomainError) as not_allowed:
        move_proposal(proposal.pk, auxiliary, "accepted")
    with pytest.raises(DomainError) as not_found:
        move_proposal(proposal.pk, other_chief, "accepted")

    assert (not_allowed.value.status, not_found.value.status) == (403, 404)
    assert MediationProposal.objects.get().stage == "proposed"


def test_a_later_call_is_not_added_to_a_declined_proposal(  # type: ignore[no-untyped-def]
    proposal, chief, dispute
):
    move_proposal(proposal.pk, chief, "declined", note="已和解")

    dispute(0)

    assert proposal.matters.count() == 3
