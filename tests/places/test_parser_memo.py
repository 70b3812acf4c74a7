"""The parser's memo of heads: the same ParsedAddress as reading every text whole, and never another's memo.

The plain parse is the parser with Vocabulary.names replaced by read_names on the whole text: every step on the
whole text, nothing memoised, as the parser was before the memo.
"""

import pickle
from collections.abc import Callable
from dataclasses import fields

import pytest

from fengqiao.places import parser
from fengqiao.places.gazetteer import Gazetteer
from fengqiao.places.parser import Kind, LocalName, ParsedAddress, Vocabulary, parse, read_names
from tests.places.test_parser import NATIONAL, XINJI, bozhen_names, lucheng_names, nobody

# Hebei's gazetteer has an office ending in 室, a character rooms are written with too.
OFFICE = Gazetteer([*((d.code, d.name) for d in NATIONAL.by_code.values()), ("130181400", "社区建设办公室")])
ISSUE = ["河北省辛集市华丽社区3号楼2单元501", "东港豪庭小区12栋1单元302室", "中山东路18号", "邢衡高速邢台方向130公里"]
BENCH = [  # bench/import_calls.py's places with a building, unit and room, some in full-width digits
    f"{place}{building}号楼{unit}单元{room}室"
    for place in ["华丽社区", "东港豪庭小区", "中山东路", "鹿城镇政府街", "泊镇商贸城", "临港工业园"]
    for building, unit, room in [(1, 1, 101), (12, 3, 1102), (30, 4, 1802)]
]
FULL_WIDTH = [text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) for text in BENCH[::4]]
SAME_HEAD = [
    "华丽社区",
    "华丽社区3号楼",
    "华丽社区3栋2单元501",
    "华丽社区三号楼二单元五零一室",
    "华丽社区3-2-501",
    "华丽社区3#2单元501",
    "华丽社区a座101",
    "华丽社区5号楼1单元4楼401",
    "华丽社区5号楼4层",
    "华丽社区3号楼2单元501室对面的车棚",
    "华丽社区阳光小区7号楼",
    "3号楼2单元501",
    "中山东路",
    "中山东路18",
    "中山东路18号院",
]
DIVISIONS = [
    "河北辛集华丽社区3号楼",
    "辛集市辛集镇小寨村一组5号",
    "泊头市泊镇东港豪庭小区12栋1单元302室",
    "泊镇东港豪庭12-1-302",
    "广东省中山市中山东路18号",
    "沧州市新华区中华北大街5号",
    "辽宁省东港市3号楼",
    "东港市场5号",
    "东港市场路5号",
    "邢衡高速邢台方向K130",
    "邢衡高速 邢台方向 130 公里",
]
# Names ending in the tail of a text: the office, a place and an estate of a station, an estate written wholly in
# TAIL characters; each with a tail that completes it and one that does not.
ENDINGS = [
    "辛集市社区建设办公室2层",
    "辛集市社区建设办公2层",
    "东门1号",
    "东门1号2单元",
    "东门1号楼",
    "东门12号",
    "阳光1003号楼",
    "阳光100",
    "阳光10",
    "华丽社区8号楼3单元",
    "华丽社区9号楼3单元",
]
TEXTS = [*ISSUE, *BENCH, *FULL_WIDTH, *SAME_HEAD, *DIVISIONS, *ENDINGS]


def tail_names() -> Vocabulary:
    """鹿城's names, with a place, an estate and an odd estate whose names end in TAIL characters."""
    assert XINJI is not None
    names = [
        LocalName(Kind.COMMUNITY, "华丽社区", community_id=1),
        LocalName(Kind.PLACE, "东门1号", address_id=5),
        LocalName(Kind.ESTATE, "阳光100"),
        LocalName(Kind.ESTATE, "8号楼"),
    ]
    return Vocabulary(names, [XINJI])


VOCABULARIES = {"lucheng": lucheng_names, "bozhen": bozhen_names, "nobody": nobody, "tail names": tail_names}


def plain(text: str, gazetteer: Gazetteer, vocabulary: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> ParsedAddress:
    with monkeypatch.context() as patched:
        patched.setattr(Vocabulary, "names", lambda self, norm, gazetteer: read_names(norm, gazetteer, self))
        return parse(text, gazetteer, vocabulary)


def assert_same(fast: ParsedAddress, whole: ParsedAddress) -> None:
    for f in fields(ParsedAddress):
        assert getattr(fast, f.name) == getattr(whole, f.name), (fast.text, f.name)


@pytest.mark.parametrize("gazetteer", [NATIONAL, OFFICE], ids=["national", "office"])
@pytest.mark.parametrize("vocabulary", VOCABULARIES.values(), ids=VOCABULARIES.keys())
def test_the_memo_gives_what_reading_the_whole_text_gives(
    gazetteer: Gazetteer, vocabulary: Callable[[], Vocabulary], monkeypatch: pytest.MonkeyPatch
) -> None:
    names = vocabulary()
    first = [parse(text, gazetteer, names) for text in TEXTS]  # fills the memo
    again = [parse(text, gazetteer, names) for text in TEXTS]  # reads it, the heads with every other tail

    for text, fast, memoised in zip(TEXTS, first, again, strict=True):
        whole = plain(text, gazetteer, names, monkeypatch)
        assert_same(fast, whole)
        assert_same(memoised, whole)


def test_names_ending_in_the_tail_are_found_as_in_the_whole_text() -> None:
    """The cases the guards are for: without them the head alone would miss these names."""
    office = parse("辛集市社区建设办公室2层", OFFICE, lucheng_names())
    assert ([d.name for d in office.divisions], office.floor) == (["辛集市", "社区建设办公室"], "2")
    names = tail_names()
    assert (parse("东门1号", NATIONAL, names).place_address_id, parse("东门1号2单元", NATIONAL, names).unit) == (5, "2")
    assert parse("阳光1003号楼", NATIONAL, names).estate_source == "station"
    assert parse("华丽社区8号楼3单元", NATIONAL, names).estate == "8号楼"
    assert parse("华丽社区9号楼3单元", NATIONAL, names).building == "9"


def test_a_memo_entry_of_one_vocabulary_is_not_used_with_another() -> None:
    """Two stations know 华丽社区 as different communities; a third does not know it."""
    assert XINJI is not None
    first = Vocabulary([LocalName(Kind.COMMUNITY, "华丽社区", community_id=1)], [XINJI])
    second = Vocabulary([LocalName(Kind.COMMUNITY, "华丽社区", community_id=2)], [XINJI])
    text = "华丽社区3号楼2单元501室"

    found = [parse(text, NATIONAL, names) for names in (first, second, nobody(), first)]

    assert [(p.community_id, p.community_source, p.estate_source) for p in found] == [
        (1, "station", ""),
        (2, "station", ""),
        (None, "", "pattern"),  # an estate by its suffix
        (1, "station", ""),
    ]


def test_a_memo_entry_of_one_gazetteer_is_not_used_with_another() -> None:
    names = lucheng_names()
    without_xinji = Gazetteer([(d.code, d.name) for d in NATIONAL.by_code.values() if d.code != "130181"])

    assert [d.name for d in parse("辛集市华丽社区3号楼", NATIONAL, names).divisions] == ["辛集市"]
    assert parse("辛集市华丽社区3号楼", without_xinji, names).divisions == []


def test_the_memo_keeps_the_most_recent_heads_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "HEADS", 8)
    names = lucheng_names()

    for n in range(20):
        parse(f"幸福路{n}号院东侧华丽社区3号楼", NATIONAL, names)

    assert names._memos[NATIONAL].cache_info().currsize == 8  # type: ignore[attr-defined]


def test_a_pickled_vocabulary_starts_with_an_empty_memo_and_parses_the_same() -> None:
    """The import hands the station's index, vocabulary included, to its reading process."""
    names = bozhen_names()
    before = parse("东港豪庭12栋1单元302室", NATIONAL, names)

    copy = pickle.loads(pickle.dumps(names))

    assert copy._memos == {}
    assert_same(parse("东港豪庭12栋1单元302室", NATIONAL, copy), before)
