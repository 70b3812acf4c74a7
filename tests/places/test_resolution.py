"""Resolving the issue's addresses at the demo stations: matched to their standard addresses, or proposed."""

import pytest

from fengqiao.places.area import configure_area
from fengqiao.places.index import index_for
from fengqiao.places.resolution import resolve_address
from fengqiao.stations.models import Community, StandardAddress, Station


def test_the_lucheng_example_matches_huali_building_3_unit_2_room_501(lucheng: Station) -> None:
    resolution = resolve_address(lucheng, "河北省辛集市华丽社区3号楼2单元501")

    assert resolution.address is not None
    assert (resolution.address.full_text, resolution.address.grid.code if resolution.address.grid else "") == (
        "华丽社区3号楼2单元501室",
        "LC-G01",
    )
    assert resolution.confidence == 0.95
    assert resolution.explanation == [
        "Divisions: 河北省 › 辛集市.",
        "“华丽社区” is a community of the station.",
        "Parts: building 3, unit 2, room 501.",
        "Matched the standard address “华丽社区3号楼2单元501室” by its parts.",
    ]


def test_the_bozhen_example_matches_donggang_haoting_building_12(bozhen: Station) -> None:
    resolution = resolve_address(bozhen, "东港豪庭小区12栋1单元302室")

    assert resolution.address is not None
    assert resolution.address.full_text == "东港豪庭小区12号楼1单元302室"
    assert resolution.parsed.divisions == []  # not 东港市 of Liaoning, nor anything else


@pytest.mark.parametrize(
    "written", ["东港豪庭小区十二号楼一单元三零二室", "东港豪庭１２号楼１单元３０２", "泊头市泊镇东港豪庭12-1-302"]
)
def test_bozhen_matches_the_same_address_however_it_is_written(bozhen: Station, written: str) -> None:
    resolution = resolve_address(bozhen, written)

    assert resolution.address is not None and resolution.address.full_text == "东港豪庭小区12号楼1单元302室"


def test_the_exact_text_of_a_standard_address_matches_with_full_confidence(bozhen: Station) -> None:
    resolution = resolve_address(bozhen, "东港豪庭小区12号楼1单元302室")

    assert (resolution.address is not None, resolution.confidence) == (True, 1.0)


def test_the_highway_example_matches_the_jizhou_kilometre_point(jizhou: Station) -> None:
    resolution = resolve_address(jizhou, "邢衡高速邢台方向130公里")

    assert resolution.address is not None
    assert (resolution.address.full_text, resolution.address.grid.code if resolution.address.grid else "") == (
        "邢衡高速邢台方向130公里",
        "JZ-G01",
    )
    assert resolution.parsed.divisions == []  # 邢台 here is a direction, not 邢台市


def test_a_kilometre_point_written_with_k_and_the_county_before_it_matches(jizhou: Station) -> None:
    resolution = resolve_address(jizhou, "河北省衡水市冀州区邢衡高速衡水方向K147")

    assert resolution.address is not None and resolution.address.full_text == "邢衡高速衡水方向147公里"


def test_zhongshan_east_road_is_proposed_as_a_road_and_a_number(lucheng: Station) -> None:
    resolution = resolve_address(lucheng, "中山东路18号")

    assert resolution.address is None and resolution.needs_review
    assert (resolution.parsed.divisions, resolution.parsed.road, resolution.parsed.house_number) == (
        [],
        "中山东路",
        "18",
    )
    assert resolution.explanation == [
        "Road or place: “中山东路”.",
        "Parts: number 18.",
        "No standard address matches: propose it as a new one for review.",
    ]


def test_a_village_lot_matches_by_what_follows_the_village(lucheng: Station) -> None:
    resolution = resolve_address(lucheng, "晋州市东卓宿村一组12号")

    assert resolution.address is not None and resolution.address.full_text == "东卓宿村一组12号"


def test_a_room_the_station_does_not_have_points_to_its_building(lucheng: Station) -> None:
    resolution = resolve_address(lucheng, "采五东区5号楼2单元301")

    assert resolution.address is None
    assert resolution.nearest is not None and resolution.nearest.full_text == "采五东区5号楼"
    assert "The station has “采五东区5号楼”, but not this address." in resolution.explanation


def test_an_address_of_another_stations_community_is_not_matched_there(lucheng: Station, bozhen: Station) -> None:
    resolution = resolve_address(lucheng, "东港豪庭小区12栋1单元302室")

    assert resolution.address is None
    assert (resolution.parsed.estate, resolution.parsed.estate_source) == ("东港豪庭小区", "pattern")


def test_divisions_outside_the_area_lower_the_confidence(lucheng: Station) -> None:
    inside = resolve_address(lucheng, "辛集市建设路8号")
    outside = resolve_address(lucheng, "沧州市运河区建设路8号")

    assert (inside.confidence, outside.confidence) == (0.3, 0.15)
    assert "The divisions named are outside the station's area." in outside.explanation


def test_a_village_committee_of_the_area_is_known_from_the_gazetteer(lucheng: Station) -> None:
    """采五社区 is a community committee of 辛集镇 in the statistics data, not (yet) one of 鹿城's communities."""
    resolution = resolve_address(lucheng, "采五社区8号楼1单元101")

    assert (resolution.parsed.community, resolution.parsed.community_source) == ("采五社区", "gazetteer")
    assert "“采五社区” is a village or community committee in the gazetteer." in resolution.explanation


def test_a_configured_area_replaces_the_area_text(lucheng: Station) -> None:
    configure_area(lucheng, ["130981100"])  # as if 鹿城 answered for 泊镇

    assert resolve_address(lucheng, "泊镇东港豪庭小区").parsed.divisions[0].label == "泊镇"


def test_an_empty_address_resolves_to_nothing(lucheng: Station) -> None:
    resolution = resolve_address(lucheng, "  ")

    assert (resolution.address, resolution.needs_review, resolution.explanation) == (
        None,
        False,
        ["No address was given."],
    )


def test_a_new_standard_address_is_matched_at_once(lucheng: Station) -> None:
    assert resolve_address(lucheng, "华丽社区12号楼1单元101").address is None

    community = Community.objects.get(station=lucheng, name="华丽社区")
    StandardAddress.objects.create(station=lucheng, community=community, building="12", unit="1", room="101")

    assert resolve_address(lucheng, "华丽社区12号楼1单元101").address is not None


def test_a_renamed_community_is_known_by_its_new_name_at_once(lucheng: Station) -> None:
    index_for(lucheng)
    Community.objects.filter(station=lucheng, name="采四社区").update(name="unused")  # no signal: not seen
    community = Community.objects.get(station=lucheng, name="unused")
    community.name = "采四新区"
    community.save()

    assert resolve_address(lucheng, "采四新区2号楼1单元302").address is not None


def test_the_index_is_built_once_per_station(lucheng: Station, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    resolve_address(lucheng, "华丽社区3号楼2单元501")

    with django_assert_num_queries(0):
        resolution = resolve_address(lucheng, "华丽社区1号楼1单元101")
    with django_assert_num_queries(1):
        assert resolution.address is not None and resolution.address.full_text == "华丽社区1号楼1单元101室"
