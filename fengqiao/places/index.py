"""What the parser and the matcher need of one station, built once and cached per process.

The cache is dropped for a station when one of its standard addresses, communities or area divisions is saved or
deleted (signals.py). Other processes (a second web worker, the import command) learn of the change when their
copy expires after CACHE_SECONDS, so a new standard address is matched everywhere within minutes.
"""

import threading
import time
from dataclasses import dataclass

from fengqiao.places import gazetteer as gazetteers
from fengqiao.places.area import station_area
from fengqiao.places.gazetteer import Gazetteer, Level
from fengqiao.places.parser import Kind, LocalName, ParsedAddress, Vocabulary, canonical_place
from fengqiao.places.text import normalize, number
from fengqiao.stations.models import Community, StandardAddress, Station

CACHE_SECONDS = 300.0
# Names shorter than this are not matched on their own (华丽 without 社区 would match too much).
MIN_ALIAS_LENGTH = 3

Key = tuple[int | None, str, str, str, str, str]  # community, estate, building, unit, room, remainder


@dataclass(frozen=True)
class StationIndex:
    station_id: int
    vocabulary: Vocabulary
    by_text: dict[str, int]  # normalized full text → address id
    by_parts: dict[Key, int]
    by_rest: dict[tuple[int | None, str, str], int]  # community, estate, text after them
    full_texts: dict[int, str]  # address id → full text, for explanations without a query
    built_at: float


def address_key(community_id: int | None, estate: str, building: str, unit: str, room: str, remainder: str) -> Key:
    """The same key for 12栋 and 12号楼, 302 and 302室, １２ and 十二."""
    parts = (building, unit, room)
    return (community_id, normalize(estate), *(number(p) if p else "" for p in parts), normalize(remainder))  # type: ignore[return-value]


@dataclass(frozen=True)
class StandardFields:
    """The fields of a StandardAddress a parsed address gives (community by id, the rest as text)."""

    community_id: int | None
    estate: str
    building: str
    unit: str
    room: str
    remainder: str


def standard_fields(parsed: ParsedAddress) -> StandardFields:
    """A community the station does not have, a road and its number, a floor are kept as estate and remainder."""
    outside = "" if parsed.community_id else parsed.community
    estate = outside + (parsed.estate or parsed.road)
    road = parsed.road if parsed.estate else ""
    house = f"{parsed.house_number}号" if parsed.house_number else ""
    floor = f"{parsed.floor}层" if parsed.floor and not parsed.room else ""
    return StandardFields(
        parsed.community_id, estate, parsed.building, parsed.unit, parsed.room, road + house + floor + parsed.remainder
    )


def parsed_key(parsed: ParsedAddress) -> Key:
    f = standard_fields(parsed)
    return address_key(f.community_id, f.estate, f.building, f.unit, f.room, f.remainder)


_cache: dict[int, StationIndex] = {}
_lock = threading.Lock()


def index_for(station: Station, gazetteer: Gazetteer | None = None) -> StationIndex:
    index = _cache.get(station.pk)
    if index is None or time.monotonic() - index.built_at > CACHE_SECONDS:
        index = build_index(station, gazetteer or gazetteers.default())
        with _lock:
            _cache[station.pk] = index
    return index


def invalidate(station_id: int) -> None:
    with _lock:
        _cache.pop(station_id, None)


def build_index(station: Station, gazetteer: Gazetteer) -> StationIndex:
    area = station_area(station, gazetteer)
    communities = list(Community.objects.filter(station=station).only("pk", "name"))
    addresses = list(StandardAddress.objects.filter(station=station).select_related("community"))
    names = [*_community_names(communities), *_address_names(addresses), *_area_villages(area, gazetteer)]
    by_parts: dict[Key, int] = {}
    by_rest: dict[tuple[int | None, str, str], int] = {}
    for a in addresses:
        by_parts.setdefault(address_key(a.community_id, a.estate, a.building, a.unit, a.room, a.remainder), a.pk)
        by_rest.setdefault((a.community_id, normalize(a.estate), _rest_text(a)), a.pk)
    return StationIndex(
        station_id=station.pk,
        vocabulary=Vocabulary(names, area),
        by_text={canonical_place(normalize(a.full_text)): a.pk for a in addresses},
        by_parts=by_parts,
        by_rest=by_rest,
        full_texts={a.pk: a.full_text for a in addresses},
        built_at=time.monotonic(),
    )


def _rest_text(address: StandardAddress) -> str:
    rest = address.compose()
    for prefix in (address.community.name if address.community else "", address.estate):
        rest = rest.removeprefix(prefix)
    return canonical_place(normalize(rest))


def _community_names(communities: list[Community]) -> list[LocalName]:
    """Each community by its name, and without 小区/社区 when what is left is still a name (东港豪庭)."""
    names = []
    for community in communities:
        name = normalize(community.name)
        names.append(LocalName(Kind.COMMUNITY, name, community_id=community.pk))
        for suffix in ("小区", "社区"):
            base = name.removesuffix(suffix)
            if base != name and len(base) >= MIN_ALIAS_LENGTH:
                names.append(LocalName(Kind.COMMUNITY, base, community_id=community.pk))
    return names


def _address_names(addresses: list[StandardAddress]) -> list[LocalName]:
    """The estates of the standard addresses, and places without a community (冀州西收费站, highway points)."""
    names = [LocalName(Kind.ESTATE, normalize(a.estate)) for a in addresses if a.estate]
    names += [
        LocalName(Kind.PLACE, canonical_place(normalize(a.remainder)), address_id=a.pk)
        for a in addresses
        if a.community_id is None and not a.estate and not a.building and a.remainder
    ]
    return names


def _area_villages(area: list[gazetteers.Division], gazetteer: Gazetteer) -> list[LocalName]:
    codes = tuple(d.code for d in area)
    if not codes:
        return []
    return [
        LocalName(Kind.VILLAGE, normalize(d.label), division=d)
        for d in gazetteer.by_code.values()
        if d.level is Level.VILLAGE and d.code.startswith(codes)
    ]
