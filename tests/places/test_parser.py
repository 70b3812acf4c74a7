"""The address parser on its own: divisions only as a chain at the start, the station's names first, numbers read.

A small gazetteer with the trap names of other provinces (东港市 in Liaoning, 中山市, 山东省) shows that the traps
are avoided by the parser's rules, not by Hebei's data lacking those names.
"""

import pytest

from fengqiao.places.gazetteer import Gazetteer
from fengqiao.places.parser import Kind, LocalName, ParsedAddress, Vocabulary, canonical_place, parse

NATIONAL = Gazetteer(
    [
        ("13", "河北省"),
        ("1301", "石家庄市"),
        ("130121", "井陉县"),
        ("130121106", "天长镇"),
        ("130121106209", "小寨村委会"),
        ("130128", "深泽县"),
        ("130128100", "深泽镇"),
        ("130128100005", "华丽社区居民委员会"),
        ("130181", "辛集市"),
        ("130181100", "辛集镇"),
        ("130181100209", "小寨村民委员会"),
        ("1305", "邢台市"),
        ("1309", "沧州市"),
        ("130902", "新华区"),
        ("1301", "石家庄市"),
        ("130105", "新华区"),
        ("130981", "泊头市"),
        ("130981100", "泊镇"),
        ("1311", "衡水市"),
        ("131103", "冀州区"),
        ("21", "辽宁省"),
        ("2106", "丹东市"),
        ("210681", "东港市"),
        ("37", "山东省"),
        ("44", "广东省"),
        ("4420", "中山市"),
    ]
)
XINJI = NATIONAL.get("130181")
SHENZE = NATIONAL.get("130128")
BOTOU_BOZHEN = NATIONAL.get("130981100")


def lucheng_names() -> Vocabulary:
    assert XINJI is not None and SHENZE is not None
    return Vocabulary([LocalName(Kind.COMMUNITY, "华丽社区", community_id=1)], [XINJI, SHENZE])


def bozhen_names() -> Vocabulary:
    assert BOTOU_BOZHEN is not None
    names = [
        LocalName(Kind.COMMUNITY, "东港豪庭小区", community_id=7),
        LocalName(Kind.COMMUNITY, "东港豪庭", community_id=7),
    ]
    return Vocabulary(names, [BOTOU_BOZHEN])


def nobody() -> Vocabulary:
    return Vocabulary([], [])


def parts(parsed: ParsedAddress) -> dict[str, object]:
    """The components that were found, divisions by name."""
    data = parsed.to_dict()
    data["divisions"] = [d["name"] for d in data["divisions"]]
    keep: tuple[str, ...] = ("divisions", "community", "community_source", "estate", "estate_source", "road")
    keep = (*keep, "house_number", "building", "unit")
    return {k: data[k] for k in (*keep, "floor", "room", "remainder") if data[k]}


def test_the_lucheng_example_reads_province_city_community_building_unit_and_room() -> None:
    parsed = parse("河北省辛集市华丽社区3号楼2单元501", NATIONAL, lucheng_names())

    assert parts(parsed) == {
        "divisions": ["河北省", "辛集市"],
        "community": "华丽社区",
        "community_source": "station",
        "building": "3",
        "unit": "2",
        "room": "501",
    }
    assert parsed.community_id == 1


def test_donggang_haoting_is_an_estate_not_donggang_city_in_liaoning() -> None:
    """cpca reads 东港豪庭小区 as 东港市: here 东港 is a short form with nothing of 东港市 after it."""
    parsed = parse("东港豪庭小区12栋1单元302室", NATIONAL, nobody())

    assert parts(parsed) == {
        "estate": "东港豪庭小区",
        "estate_source": "pattern",
        "building": "12",
        "unit": "1",
        "room": "302",
    }


def test_for_bozhen_donggang_haoting_is_its_own_community_even_without_the_word_xiaoqu() -> None:
    assert parts(parse("东港豪庭12栋1单元302室", NATIONAL, bozhen_names()))["community"] == "东港豪庭"
    assert parse("泊头市泊镇东港豪庭小区12栋1单元302室", NATIONAL, bozhen_names()).community_id == 7


def test_zhongshan_east_road_is_a_road_and_a_number_not_zhongshan_city_and_shandong() -> None:
    """addressparser reads 中山东路 as 中山市 + 山东省: short forms need a division inside them to follow."""
    assert parts(parse("中山东路18号", NATIONAL, nobody())) == {"road": "中山东路", "house_number": "18"}


def test_zhongshan_city_written_in_full_is_still_a_city_before_its_own_zhongshan_east_road() -> None:
    assert parts(parse("广东省中山市中山东路18号", NATIONAL, nobody())) == {
        "divisions": ["广东省", "中山市"],
        "road": "中山东路",
        "house_number": "18",
    }


def test_a_market_named_after_a_city_is_not_the_city() -> None:
    assert parts(parse("东港市场路5号", NATIONAL, nobody())) == {"road": "东港市场路", "house_number": "5"}


def test_a_highway_kilometre_point_is_a_remainder_not_xingtai_city() -> None:
    parsed = parse("邢衡高速邢台方向130公里", NATIONAL, nobody())

    assert parts(parsed) == {"road": "邢衡高速", "remainder": "邢台方向130公里"}


@pytest.mark.parametrize("written", ["邢衡高速邢台方向K130", "邢衡高速邢台方向130km", "邢衡高速 邢台方向 130 公里"])
def test_highway_points_are_written_one_way(written: str) -> None:
    assert parse(written, NATIONAL, nobody()).after_divisions == "邢衡高速邢台方向130公里"
    assert canonical_place("邢衡高速衡水方向k147") == "邢衡高速衡水方向147公里"


def test_short_forms_count_when_a_division_or_a_name_of_the_station_follows() -> None:
    parsed = parse("河北辛集华丽社区3号楼", NATIONAL, lucheng_names())

    assert parts(parsed) == {
        "divisions": ["河北省", "辛集市"],
        "community": "华丽社区",
        "community_source": "station",
        "building": "3",
    }


def test_xinji_town_written_in_full_is_the_town_inside_xinji_city() -> None:
    assert parts(parse("辛集市辛集镇小寨村一组5号", NATIONAL, lucheng_names())) == {
        "divisions": ["辛集市", "辛集镇"],
        "community": "小寨村",
        "community_source": "gazetteer",
        "remainder": "一组5号",
    }


def test_a_village_name_shared_by_several_counties_is_taken_from_the_stations_area() -> None:
    """小寨村 is in 井陉县 and in 辛集市; 鹿城 covers 辛集, so its 小寨村 is meant."""
    parsed = parse("小寨村一组5号", NATIONAL, Vocabulary(village_names("小寨村"), [XINJI] if XINJI else []))

    assert (parsed.community, parsed.community_source, parsed.remainder) == ("小寨村", "gazetteer", "一组5号")


def village_names(label: str) -> list[LocalName]:
    assert XINJI is not None
    return [LocalName(Kind.VILLAGE, d.label, division=d) for d in NATIONAL.named(label) if d.within(XINJI)]


def test_a_name_two_counties_share_is_no_division_when_nothing_decides() -> None:
    """新华区 is in 石家庄 and in 沧州: without the city before it, it stays text."""
    assert parse("新华区中华北大街5号", NATIONAL, nobody()).divisions == []
    assert [d.code for d in parse("沧州市新华区中华北大街5号", NATIONAL, nobody()).divisions] == ["1309", "130902"]


def test_towns_outside_the_area_start_no_chain() -> None:
    assert parse("泊镇东港豪庭小区", NATIONAL, lucheng_names()).divisions == []
    assert [d.label for d in parse("泊镇东港豪庭小区", NATIONAL, bozhen_names()).divisions] == ["泊镇"]


@pytest.mark.parametrize(
    "written",
    [
        "华丽社区3号楼2单元501室",
        "华丽社区3栋2单元501",
        "华丽社区三号楼二单元五零一室",
        "華麗社區３號樓２單元５０１室",
        "华丽社区 3幢 2单元 501户",
        "华丽社区3-2-501",
        "华丽社区3#2单元501",
    ],
)
def test_building_unit_and_room_are_read_however_they_are_written(written: str) -> None:
    parsed = parse(written, NATIONAL, lucheng_names())

    assert (parsed.community, parsed.building, parsed.unit, parsed.room, parsed.remainder) == (
        "华丽社区",
        "3",
        "2",
        "501",
        "",
    )


def test_twelve_in_chinese_numerals_is_building_12() -> None:
    parsed = parse("东港豪庭小区十二栋一单元三零二", NATIONAL, bozhen_names())

    assert (parsed.building, parsed.unit, parsed.room) == ("12", "1", "302")


def test_a_floor_is_kept_apart_from_the_room() -> None:
    parsed = parse("华丽社区5号楼1单元4楼401", NATIONAL, lucheng_names())

    assert (parsed.building, parsed.unit, parsed.floor, parsed.room) == ("5", "1", "4", "401")


def test_what_follows_the_room_is_the_remainder() -> None:
    assert parse("华丽社区3号楼2单元501室对面的车棚", NATIONAL, lucheng_names()).remainder == "对面的车棚"


def test_an_estate_inside_a_community_and_a_road_before_it_are_kept() -> None:
    assert parts(parse("幸福路华丽社区阳光小区7号楼", NATIONAL, lucheng_names())) == {
        "community": "华丽社区",
        "community_source": "station",
        "estate": "阳光小区",
        "estate_source": "pattern",
        "road": "幸福路",
        "building": "7",
    }


def test_text_with_nothing_known_is_all_remainder() -> None:
    assert parts(parse("村口大槐树下", NATIONAL, nobody())) == {"remainder": "村口大槐树下"}
