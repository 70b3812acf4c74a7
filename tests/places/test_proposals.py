"""Unmatched addresses become one proposal each; a sworn officer of the station accepts or rejects it."""

import re

import pytest

from fengqiao.lib.errors import DomainError
from fengqiao.places.models import StandardAddressProposal
from fengqiao.places.proposals import accept_proposal, outcome_of, propose_address, propose_outcomes, reject_proposal
from fengqiao.places.resolution import resolve_address
from fengqiao.stations.models import StandardAddress, Station


@pytest.fixture
def proposal(lucheng: Station) -> StandardAddressProposal:
    proposed = propose_address(resolve_address(lucheng, "河北省辛集市华丽社区3号楼1单元101室"))
    assert proposed is not None
    return proposed


def test_an_unmatched_address_is_proposed_with_its_parsed_components(proposal: StandardAddressProposal) -> None:
    assert (proposal.text, proposal.status) == ("河北省辛集市华丽社区3号楼1单元101室", "pending")
    assert proposal.parsed["standard"] == {
        "community_id": proposal.station.communities.get(name="华丽社区").pk,
        "estate": "",
        "building": "3",
        "unit": "1",
        "room": "101",
        "remainder": "",
    }
    assert [d["name"] for d in proposal.parsed["divisions"]] == ["河北省", "辛集市"]


def test_the_same_address_written_again_is_the_same_proposal(
    lucheng: Station, proposal: StandardAddressProposal
) -> None:
    again = propose_address(resolve_address(lucheng, "河北省 辛集市 华丽社区 3号楼 1单元 101室"))

    assert again == proposal
    assert StandardAddressProposal.objects.count() == 1


def test_an_import_proposes_each_unknown_address_once_in_one_go(
    lucheng: Station, proposal: StandardAddressProposal
) -> None:
    texts = [
        "中山东路18号",
        "中山东路 18号",
        "华丽社区3号楼2单元501",
        "河北省辛集市华丽社区3号楼1单元101室",
        "采四社区9号楼",
    ]

    pending = propose_outcomes(outcome_of(resolve_address(lucheng, text)) for text in texts)

    assert pending == 3  # 中山东路18号 (twice), the one already pending, 采四社区9号楼; 501 matched
    assert sorted(StandardAddressProposal.objects.values_list("text", flat=True)) == [
        "中山东路18号",
        "河北省辛集市华丽社区3号楼1单元101室",
        "采四社区9号楼",
    ]


def test_a_matched_address_is_not_proposed(lucheng: Station) -> None:
    assert propose_address(resolve_address(lucheng, "华丽社区3号楼2单元501")) is None
    assert not StandardAddressProposal.objects.exists()


def test_an_officer_accepts_a_proposal_and_the_address_then_matches(
    lucheng: Station,
    officer,
    proposal: StandardAddressProposal,  # type: ignore[no-untyped-def]
) -> None:
    address = accept_proposal(proposal.pk, officer)

    assert (address.full_text, address.grid.code if address.grid else "") == ("华丽社区3号楼1单元101室", "LC-G01")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.address) == ("accepted", officer, address)
    assert resolve_address(lucheng, "华丽社区三栋一单元101").address == address


def test_a_new_building_of_a_community_with_two_grids_gets_no_grid_until_someone_sets_it(
    lucheng: Station,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    proposal = propose_address(resolve_address(lucheng, "华丽社区12号楼1单元101"))
    assert proposal is not None

    address = accept_proposal(proposal.pk, officer)

    assert (address.full_text, address.grid) == ("华丽社区12号楼1单元101室", None)


def test_an_accepted_road_address_keeps_road_and_number(lucheng: Station, officer) -> None:  # type: ignore[no-untyped-def]
    proposal = propose_address(resolve_address(lucheng, "中山东路18号"))
    assert proposal is not None

    address = accept_proposal(proposal.pk, officer)

    assert (address.community, address.estate, address.remainder, address.full_text) == (
        None,
        "中山东路",
        "18号",
        "中山东路18号",
    )
    assert resolve_address(lucheng, "中山东路18号").address == address


def test_a_proposal_is_decided_once(officer, chief, proposal: StandardAddressProposal) -> None:  # type: ignore[no-untyped-def]
    accept_proposal(proposal.pk, officer)

    with pytest.raises(DomainError) as refused:
        reject_proposal(proposal.pk, chief, "重复")

    assert (refused.value.status, refused.value.message) == (409, "This address was already accepted.")


def test_a_rejection_needs_a_reason(officer, proposal: StandardAddressProposal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=re.escape("Give the reason for rejecting this address.")):
        reject_proposal(proposal.pk, officer, " ")

    rejected = reject_proposal(proposal.pk, officer, "地址不存在")
    assert (rejected.status, rejected.reason) == ("rejected", "地址不存在")
    assert not StandardAddress.objects.filter(full_text="华丽社区3号楼1单元101室").exists()


def test_an_auxiliary_may_not_decide_on_standard_addresses(auxiliary, proposal: StandardAddressProposal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        accept_proposal(proposal.pk, auxiliary)

    assert (refused.value.status, refused.value.message) == (
        403,
        "Only a sworn officer of the station decides on standard addresses.",
    )
    assert StandardAddressProposal.objects.get().status == "pending"


def test_the_chief_of_another_station_does_not_see_the_proposal(other_chief, proposal: StandardAddressProposal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        accept_proposal(proposal.pk, other_chief)

    assert (refused.value.status, refused.value.message) == (404, "No such proposed address.")


def test_a_component_too_long_for_a_standard_address_is_refused_and_nothing_is_written(
    lucheng: Station,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    proposal = propose_address(resolve_address(lucheng, "华丽社区3号楼2单元501室" + "旁边" * 70))
    assert proposal is not None

    with pytest.raises(DomainError) as refused:
        accept_proposal(proposal.pk, officer)

    assert (refused.value.field, refused.value.message) == (
        "remainder",
        "The remainder of this address is longer than 128 characters.",
    )
    proposal.refresh_from_db()
    assert proposal.status == "pending"
