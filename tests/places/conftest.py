"""The demo's territories (鹿城, 泊镇, 冀州) as fixtures: areas, communities, grids and standard addresses only."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from fengqiao.demo.stations import BOZHEN, JIZHOU, LUCHENG, AddressSpec, StationSpec
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, StandardAddress, Station


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


def territory(station: Station, spec: StationSpec) -> Station:
    """The spec's area, communities, grids and standard addresses on the station (no staff, no stories)."""
    station.area = spec.area
    station.save()
    communities = {
        name: Community.objects.create(station=station, name=name, kind=kind, township=township)
        for name, kind, township in spec.communities
    }
    police_grids = {
        pg.code: PoliceGrid.objects.create(station=station, code=pg.code, name=pg.name) for pg in spec.police_grids
    }
    grids = {}
    for g in spec.grids:
        grids[g.code] = CommunityGrid.objects.create(
            station=station,
            code=g.code,
            name=g.name,
            community=communities[g.community],
            police_grid=police_grids[g.police_grid],
        )
        for address in g.addresses:
            _address(station, address, communities[g.community], grids[g.code])
    for place in spec.places:
        _address(station, place, None, grids.get(place.grid))
    return station


def _address(station: Station, spec: AddressSpec, community: Community | None, grid: CommunityGrid | None) -> None:
    StandardAddress.objects.create(
        station=station,
        community=community,
        grid=grid,
        estate=spec.estate,
        building=spec.building,
        unit=spec.unit,
        room=spec.room,
        remainder=spec.remainder,
    )


@pytest.fixture
def lucheng(station: Station) -> Station:
    """鹿城 (the personas' station): 辛集、晋州、深泽, with 华丽社区 3号楼2单元501室 among its addresses."""
    return territory(station, LUCHENG)


@pytest.fixture
def bozhen(other_station: Station) -> Station:
    """泊镇 (刘强's station): 泊头市泊镇, with 东港豪庭小区 12号楼1单元302室."""
    return territory(other_station, BOZHEN)


@pytest.fixture
def jizhou(db) -> Station:  # type: ignore[no-untyped-def]
    """冀州 highway brigade: 邢衡高速冀州段, its kilometre points as standard addresses."""
    return territory(Station.objects.create(code="jizhou", name="高速交警冀州大队"), JIZHOU)
