"""Registration links a matter to the station's standard address however the address is written, and proposes
an address the station does not have for review — one by one and in a batch alike."""

import pytest

from fengqiao.matters.domain.registration import register, register_batch
from fengqiao.places.models import StandardAddressProposal
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, StandardAddress, Station
from tests.conftest import a_registration

UNKNOWN = "华丽社区9号楼1单元101室"


@pytest.fixture
def flat(station: Station) -> StandardAddress:
    community = Community.objects.create(station=station, name="华丽社区")
    police_grid = PoliceGrid.objects.create(station=station, code="J01", name="华丽警格")
    grid = CommunityGrid.objects.create(
        station=station, code="W01", name="华丽一网格", community=community, police_grid=police_grid
    )
    return StandardAddress.objects.create(
        station=station, estate="东港豪庭小区", building="12", unit="1", room="302", grid=grid
    )


@pytest.mark.parametrize(
    "written",
    ["东港豪庭小区12号楼1单元302室", "东港豪庭小区12栋1单元302", "河北省辛集市东港豪庭小区１２号楼１单元３０２室"],
)
def test_an_address_written_differently_is_linked_to_the_standard_address(
    station: Station, officer: User, flat: StandardAddress, written: str
) -> None:
    matter = register(station, officer, a_registration(address=written))

    assert (matter.address_id, matter.grid_id, matter.address_text) == (flat.pk, flat.grid_id, written)
    assert StandardAddressProposal.objects.count() == 0


def test_an_address_the_station_does_not_have_is_proposed_once(station: Station, officer: User) -> None:
    first = register(station, officer, a_registration(address=UNKNOWN))
    register(station, officer, a_registration(address=f" {UNKNOWN} "))

    assert first.address_id is None
    assert list(StandardAddressProposal.objects.values_list("text", "status")) == [(UNKNOWN, "pending")]


def test_a_matter_without_an_address_proposes_nothing(station: Station, officer: User) -> None:
    matter = register(station, officer, a_registration(address=""))

    assert matter.address_id is None
    assert StandardAddressProposal.objects.count() == 0


def test_a_batch_links_and_proposes_as_registration_does(
    station: Station, officer: User, flat: StandardAddress
) -> None:
    texts = ["东港豪庭小区12栋1单元302", UNKNOWN, "东港豪庭小区12号楼1单元302室", UNKNOWN, ""]
    regs = [a_registration(address=text, external_ref=f"J{i}") for i, text in enumerate(texts)]

    matters = register_batch(station, officer, regs)

    assert [m.address_id for m in matters] == [flat.pk, None, flat.pk, None, None]
    assert [m.grid_id for m in matters] == [flat.grid_id, None, flat.grid_id, None, None]
    assert list(StandardAddressProposal.objects.values_list("text", flat=True)) == [UNKNOWN]
    # The search document holds the standard address, as register() writes it.
    assert "豪庭" in matters[0].search_doc.split()
