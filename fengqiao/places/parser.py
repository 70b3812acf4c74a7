"""Parsing a Chinese address into divisions, community or estate, road, building, unit, floor, room and remainder.

Addresses are written from the largest unit to the smallest, so the parser reads them in that order:

1. Divisions, only as a chain at the start of the text, each inside the one before: 河北省 → 辛集市 → 辛集镇.
   A short form (辛集 for 辛集市) counts only when a division inside it or a name the station knows follows it.
   That rule is what keeps 东港豪庭小区 from being 东港市 and 中山东路 from being 中山市 + 山东省: a name found in
   the middle of a text, or a short form followed by nothing the gazetteer or the station knows, is never a
   division. Towns and villages start a chain only inside the station's area.
2. The community, estate or place: the station's own names first (its communities, the estates and places of its
   standard addresses), then the village and community committees of its area, then of the county or town the
   chain named; failing all, a generic pattern (…小区/花园/家园/苑/村 …).
3. Road and house number, building, unit, floor and room; what is left is the remainder.

Steps 1 and 2 (finding names, the divisions, the community or estate) cost most of a parse, and an import's
million texts share a small set of heads (华丽社区 of 华丽社区12号楼3单元501室). So each Vocabulary memoises them, per
gazetteer, on the head: the normalized text without its trailing run of TAIL characters. This is exact. Both steps
read only the names found and the character after a division (_is_market, never a TAIL character), so they give
the same on the head as on the whole text unless a name ends in the tail; only a name ending in a TAIL character
can (an office …办公室 in Hebei's gazetteer, an estate 阳光100 of a station), and when the tail may hold the end of
one, the text is read whole, uncached. Step 3 reads the whole text every time. The memo keeps the HEADS heads last
used (functools.lru_cache, about a megabyte); it belongs to its vocabulary, which the station index replaces when
it expires or the station's names change, so a station never reads another's memo nor an outdated one; a pickled
copy (the import hands the index to its reading process) starts empty.
"""

import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from enum import IntEnum
from functools import lru_cache, partial
from typing import Any

import ahocorasick  # type: ignore[import-not-found]

from fengqiao.places.gazetteer import Division, Gazetteer, Hit, Level
from fengqiao.places.text import CN_DIGITS, normalize, number


class Kind(IntEnum):
    """What a name the station knows stands for; the order is the preference when two start at one place."""

    COMMUNITY = 0
    ESTATE = 1
    PLACE = 2
    VILLAGE = 3  # a village or community committee of the station's area, from the gazetteer


@dataclass(frozen=True)
class LocalName:
    kind: Kind
    name: str  # normalized
    community_id: int | None = None
    address_id: int | None = None
    division: Division | None = None


@dataclass(frozen=True)
class LocalHit:
    start: int
    end: int
    local: LocalName


# What buildings, units, floors and rooms are written with once normalized; not 场, which _is_market reads.
TAIL = f"0123456789abcdefghijklmnopqrstuvwxyz#-{CN_DIGITS}号楼栋幢座单元层室户"
HEADS = 1024  # per vocabulary and gazetteer; 1024 heads with divisions and a community take 0.9 MB


@dataclass(frozen=True)
class Names:
    """What the names found in a text decide: the divisions and where they end, the community, estate or place
    after them (found), and the station's estate right after it."""

    divisions: tuple[Division, ...]
    end: int
    found: LocalHit | None
    estate: LocalHit | None


@dataclass(frozen=True)
class _Head:
    names: Names
    guards: tuple[str, ...]  # the text is read whole when its tail contains one of these


class Vocabulary:
    """The names one station knows and the divisions of its area, with an automaton over the names."""

    def __init__(self, names: Iterable[LocalName], area: Sequence[Division]) -> None:
        self.area = tuple(area)
        self.automaton = ahocorasick.Automaton()
        grouped: dict[str, list[LocalName]] = {}
        for local in names:
            if local.name:
                grouped.setdefault(local.name, []).append(local)
        for name, locals_ in grouped.items():
            self.automaton.add_word(name, (len(name), tuple(sorted(locals_, key=lambda n: n.kind))))
        if grouped:
            self.automaton.make_automaton()
        self.empty = not grouped
        self.tail_names = tuple(name for name in grouped if name[-1] in TAIL)
        self._memos: dict[Gazetteer, Callable[[str], _Head]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memos": {}}

    def names(self, norm: str, gazetteer: Gazetteer) -> Names:
        """The names of the normalized text, memoised on its head (see the module's docstring)."""
        read = self._memos.get(gazetteer) or self._memos.setdefault(gazetteer, _memo(self, gazetteer))
        head = norm.rstrip(TAIL)
        known = read(head)
        if known.guards and any(guard in norm[len(head) :] for guard in known.guards):
            return read_names(norm, gazetteer, self)
        return known.names

    def hits(self, text: str) -> list[LocalHit]:
        if self.empty:
            return []
        found: list[LocalHit] = []
        for end, (length, locals_) in self.automaton.iter(text):
            found.extend(LocalHit(end - length + 1, end + 1, local) for local in locals_)
        return found

    def in_area(self, division: Division) -> bool:
        """Inside one of the area's divisions, or containing one (泊头市 contains the area 泊镇)."""
        return any(division.within(area) or area.within(division) for area in self.area)


@dataclass
class ParsedAddress:
    text: str
    normalized: str = ""
    divisions: list[Division] = field(default_factory=list)
    community: str = ""
    community_id: int | None = None
    community_source: str = ""  # station | gazetteer | pattern
    estate: str = ""
    estate_source: str = ""  # station | pattern
    place_address_id: int | None = None
    road: str = ""
    house_number: str = ""
    building: str = ""
    unit: str = ""
    floor: str = ""
    room: str = ""
    remainder: str = ""
    skipped: str = ""  # text between the divisions and the community that nothing explains
    after_divisions: str = ""  # the text after the divisions, highway points written one way
    after_community: str = ""  # the text after the community or estate

    def division(self, level: Level) -> Division | None:
        return next((d for d in self.divisions if d.level is level), None)

    def to_dict(self) -> dict[str, Any]:
        # Shallow: every field but the divisions is a str, int or None (asdict's deep copy costs an import dearly).
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["divisions"] = [{"code": d.code, "name": d.label, "level": d.level.name.lower()} for d in self.divisions]
        return data


# Numbers in addresses: Arabic digits, or Chinese numerals (十二栋, 三零二室).
NUM = f"(?:[0-9]+|[{CN_DIGITS}]+)"
_HIGHWAY = re.compile(
    r"(?P<road>[\u4e00-\u9fffA-Za-z0-9]{1,10}?高速(?:公路)?)(?P<direction>[\u4e00-\u9fff]{1,8}?方向)?"
    r"(?:k(?P<k>[0-9]+(?:\.[0-9]+)?)(?:公里|km|千米)?|(?P<km>[0-9]+(?:\.[0-9]+)?)(?:公里|km|千米))(?P<tail>.*)"
)
_ROAD = re.compile(rf"(?P<road>[\u4e00-\u9fff]{{1,12}}?(?:大街|大道|路|街|巷|胡同))(?:(?P<number>{NUM})号(?![楼院]))?")
_ESTATE = re.compile(
    r"(?P<estate>[\u4e00-\u9fffA-Za-z]{1,12}(?:小区|社区|花园|家园|新村|公寓|大厦|庄园|新城|广场|苑|村|园))"
    rf"(?=$|[0-9A-Za-z#-]|{NUM}(?:号楼|栋|幢|座|单元|组)|[东西南北前后中][街头])"
)
_DASHED = re.compile(r"(?P<building>[0-9]+)-(?P<unit>[0-9]+)-(?P<room>[0-9]+)(?:室|号|户)?")
_BUILDING = re.compile(rf"(?P<building>[0-9]+[a-z]?|[a-z]|[{CN_DIGITS}]+)(?:号楼|栋|幢|座|#楼?|楼(?={NUM}单元))")
_UNIT = re.compile(rf"(?P<unit>{NUM})单元")
_FLOOR = re.compile(rf"(?P<floor>{NUM})(?:层|楼)(?!单元)")
_ROOM = re.compile(rf"(?P<room>[0-9]+[a-z]?)(?:室|号|户)?(?![0-9])|(?P<cn>[{CN_DIGITS}]+)(?:室|号|户|$)")
_HOUSE_NUMBER = re.compile(r"(?P<number>[0-9]+)号(?![楼院])")


def parse(text: str, gazetteer: Gazetteer, vocabulary: Vocabulary, normalized: str | None = None) -> ParsedAddress:
    """The parts of the text; normalized is normalize(text), when the caller has it already."""
    norm = normalize(text) if normalized is None else normalized
    parsed = ParsedAddress(text=text, normalized=norm)
    names = vocabulary.names(norm, gazetteer)
    pos = names.end
    parsed.divisions = list(names.divisions)
    parsed.after_divisions = canonical_place(norm[pos:])
    found = names.found
    if found is not None:
        parsed.skipped = _take_road(norm[pos : found.start], parsed)
        _assign(found.local, parsed)
        rest = _estate_in_community(norm, found, names.estate, parsed)
    else:
        rest = _road_and_estate(norm[pos:], parsed)
    parsed.after_community = rest
    parsed.remainder = _units(rest, parsed)
    return parsed


def read_names(norm: str, gazetteer: Gazetteer, vocabulary: Vocabulary) -> Names:
    """Steps 1 and 2 on the text as given, with no memo."""
    local_hits = vocabulary.hits(norm)
    hits = gazetteer.hits(norm)
    chain, pos = _division_chain(norm, hits, vocabulary, {h.start for h in local_hits})
    found = _community(pos, local_hits, hits, chain)
    estate = None
    if found is not None:
        estate = next((h for h in local_hits if h.start == found.end and h.local.kind is Kind.ESTATE), None)
    return Names(tuple(chain), pos, found, estate)


def _memo(vocabulary: Vocabulary, gazetteer: Gazetteer) -> Callable[[str], _Head]:
    """The HEADS heads last read with the vocabulary and gazetteer, with their names.

    It holds the vocabulary weakly: the vocabulary holds it, and without a cycle the vocabulary is freed as soon
    as the index drops it, not at the next full collection.
    """
    endings = tuple(_split_tail(name) for name in (*vocabulary.tail_names, *_tail_names(gazetteer)))
    return lru_cache(maxsize=HEADS)(partial(_read_head, weakref.ref(vocabulary), gazetteer, endings))


def _read_head(
    vocabulary: "weakref.ref[Vocabulary]", gazetteer: Gazetteer, endings: tuple[tuple[str, str], ...], head: str
) -> _Head:
    """The names of the head, and the guards: a name found in the whole text but not in the head ends in the tail,
    so its TAIL characters are there and what precedes them ends the head (a name wholly of TAIL characters
    precedes them with nothing)."""
    known = vocabulary()
    assert known is not None  # only the vocabulary's own names() reads its memo
    guards = tuple(ending for start, ending in endings if head.endswith(start))
    return _Head(read_names(head, gazetteer, known), guards)


def _split_tail(name: str) -> tuple[str, str]:
    """The name before its trailing TAIL characters, and those characters: 社区建设办公室 → 社区建设办公, 室."""
    start = name.rstrip(TAIL)
    return start, name[len(start) :]


@lru_cache(maxsize=4)
def _tail_names(gazetteer: Gazetteer) -> tuple[str, ...]:
    """The gazetteer's names that end in a TAIL character; reading them all takes a while (20 ms for Hebei)."""
    return tuple(name for name in gazetteer.automaton.keys() if name[-1] in TAIL)


def canonical_place(text: str) -> str:
    """Highway points written one way: 邢衡高速邢台方向K130, …130km → 邢衡高速邢台方向130公里."""
    match = _HIGHWAY.fullmatch(text)
    if match is None:
        return text
    return f"{match['road']}{match['direction'] or ''}{match['k'] or match['km']}公里{match['tail']}"


# --- 1. divisions --------------------------------------------------------------------------------------------------


def _division_chain(
    norm: str, hits: list[Hit], vocabulary: Vocabulary, local_starts: set[int]
) -> tuple[list[Division], int]:
    by_start: dict[int, list[Hit]] = {}
    for hit in hits:
        by_start.setdefault(hit.start, []).append(hit)
    chain: list[Division] = []
    pos = 0
    while True:
        options = [
            h
            for h in by_start.get(pos, [])
            if _fits(h, chain, vocabulary)
            and (not h.short or _followed(h, by_start, local_starts))
            and not _is_market(h, norm)
        ]
        best = _best(options, vocabulary)
        if best is None:
            return chain, pos
        chain.append(best.division)
        pos = best.end


def _fits(hit: Hit, chain: list[Division], vocabulary: Vocabulary) -> bool:
    """Inside the last division of the chain; towns and villages are left to the community step."""
    division = hit.division
    if division.level > Level.TOWN:
        return False
    if chain:
        return division.within(chain[-1]) and division.level > chain[-1].level
    return division.level <= Level.COUNTY or vocabulary.in_area(division)


def _followed(hit: Hit, by_start: dict[int, list[Hit]], local_starts: set[int]) -> bool:
    """A short form needs a division inside it or a name of the station right after it (辛集华丽社区, 河北辛集)."""
    if hit.end in local_starts:
        return True
    return any(
        h.division.within(hit.division) and h.division.level > hit.division.level for h in by_start.get(hit.end, [])
    )


def _is_market(hit: Hit, norm: str) -> bool:
    """东港市场 is a market, not 东港市."""
    return hit.division.name.endswith("市") and norm[hit.end : hit.end + 1] == "场"


def _best(options: list[Hit], vocabulary: Vocabulary) -> Hit | None:
    """The longest name, in the station's area, written in full; None when two different divisions tie."""
    if not options:
        return None

    def rank(hit: Hit) -> tuple[int, bool, bool, int]:
        return (hit.start - hit.end, not vocabulary.in_area(hit.division), hit.short, hit.division.level)

    options.sort(key=rank)
    ties = {h.division for h in options if rank(h) == rank(options[0])}
    return options[0] if len(ties) == 1 else None


# --- 2. community, estate or place ---------------------------------------------------------------------------------


def _community(pos: int, local_hits: list[LocalHit], hits: list[Hit], chain: list[Division]) -> LocalHit | None:
    """The first name the station knows after the divisions, else a committee of the county or town named."""
    candidates = [h for h in local_hits if h.start >= pos]
    if chain and chain[-1].level >= Level.COUNTY:
        candidates += [
            LocalHit(h.start, h.end, LocalName(Kind.VILLAGE, h.division.label, division=h.division))
            for h in hits
            if h.start >= pos and h.division.level is Level.VILLAGE and h.division.within(chain[-1])
        ]
    if not candidates:
        return None
    return min(candidates, key=lambda h: (h.start, h.start - h.end, h.local.kind))


def _assign(local: LocalName, parsed: ParsedAddress) -> None:
    if local.kind is Kind.COMMUNITY:
        parsed.community, parsed.community_id, parsed.community_source = local.name, local.community_id, "station"
    elif local.kind is Kind.ESTATE:
        parsed.estate, parsed.estate_source = local.name, "station"
    elif local.kind is Kind.PLACE:
        parsed.place_address_id = local.address_id
        parsed.road = local.name
    else:
        parsed.community, parsed.community_source = local.name, "gazetteer"


def _estate_in_community(norm: str, found: LocalHit, estate: LocalHit | None, parsed: ParsedAddress) -> str:
    """An estate right after a community (华丽社区阳光小区): the station's estates first, else by its suffix."""
    rest = norm[found.end :]
    if found.local.kind not in (Kind.COMMUNITY, Kind.VILLAGE):
        return rest
    if estate is not None:
        parsed.estate, parsed.estate_source = estate.local.name, "station"
        return norm[estate.end :]
    match = _ESTATE.match(rest)
    if match is not None:
        parsed.estate, parsed.estate_source = match["estate"], "pattern"
        return rest[match.end() :]
    return rest


def _road_and_estate(rest: str, parsed: ParsedAddress) -> str:
    """Nothing the station knows: a highway point, a road and number, an estate by its suffix."""
    highway = _HIGHWAY.fullmatch(rest)
    if highway is not None:
        parsed.road = highway["road"]
        return f"{highway['direction'] or ''}{highway['k'] or highway['km']}公里{highway['tail']}"
    rest = _take_road(rest, parsed)
    estate = _ESTATE.match(rest)
    if estate is not None:
        parsed.estate, parsed.estate_source = estate["estate"], "pattern"
        return rest[estate.end() :]
    return rest


def _take_road(text: str, parsed: ParsedAddress) -> str:
    """A road and house number at the start of the text; the rest."""
    match = _ROAD.match(text)
    if match is None:
        return text
    parsed.road = match["road"]
    parsed.house_number = number(match["number"]) if match["number"] else ""
    return text[match.end() :]


# --- 3. building, unit, floor, room --------------------------------------------------------------------------------


def _units(rest: str, parsed: ParsedAddress) -> str:
    """Building, unit, floor and room from the start of the rest; what is not understood is the remainder."""
    dashed = _DASHED.match(rest)
    if dashed is not None:
        parsed.building, parsed.unit, parsed.room = (number(dashed[k]) for k in ("building", "unit", "room"))
        return rest[dashed.end() :]
    for pattern, key in ((_BUILDING, "building"), (_UNIT, "unit"), (_FLOOR, "floor")):
        match = pattern.match(rest)
        if match is not None:
            setattr(parsed, key, number(match[key]))
            rest = rest[match.end() :]
    if parsed.building or parsed.unit:
        room = _ROOM.match(rest)
        if room is not None:
            parsed.room = number(room["room"] or room["cn"])
            return rest[room.end() :]
    elif not parsed.house_number and (house := _HOUSE_NUMBER.fullmatch(rest)) is not None:
        parsed.house_number = number(house["number"])
        return ""
    return rest
