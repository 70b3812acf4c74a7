"""A station's area: the divisions it answers for, configured as StationArea rows or read from Station.area."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.places import gazetteer as gazetteers
from fengqiao.places.gazetteer import Division, Gazetteer, Hit, Level
from fengqiao.places.models import StationArea
from fengqiao.places.text import normalize
from fengqiao.stations.models import Station


def station_area(station: Station, gazetteer: Gazetteer | None = None) -> list[Division]:
    """The configured divisions; without any, those named in the station's area text."""
    gazetteer = gazetteer or gazetteers.default()
    codes = list(StationArea.objects.filter(station=station).values_list("code", flat=True))
    if codes:
        return [d for code in codes if (d := gazetteer.get(code)) is not None]
    return infer_area(station.area, gazetteer)


def infer_area(text: str, gazetteer: Gazetteer) -> list[Division]:
    """Divisions named in a text such as 辛集、晋州、深泽 or 泊头市泊镇, the most precise ones only.

    The text is a list of places, so short forms count anywhere here. Where a town is named with its county
    (泊头市泊镇) the town is the area. Towns and villages count by full name only: 辛集 is the city, not 辛集镇.
    """
    hits = [h for h in gazetteer.hits(normalize(text)) if h.division.level <= Level.COUNTY or not h.short]
    found = {h.division for h in _longest(hits) if h.division.level <= Level.TOWN}
    precise = [d for d in found if not any(o != d and o.within(d) for o in found)]
    return sorted(precise, key=lambda d: d.code)


def _longest(hits: list[Hit]) -> list[Hit]:
    """Hits not inside a longer hit (泊镇 inside 湖泊镇 does not count)."""
    return [
        h
        for h in hits
        if not any(o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start for o in hits)
    ]


def configure_area(station: Station, codes: Sequence[str], gazetteer: Gazetteer | None = None) -> list[StationArea]:
    """Replace the station's area with these division codes; an unknown code refuses the whole change."""
    gazetteer = gazetteer or gazetteers.default()
    divisions = []
    for code in codes:
        division = gazetteer.get(code.strip())
        if division is None:
            raise DomainError(
                "invalid", _("“%(value)s” is not a division code of the gazetteer.") % {"value": code}, "codes"
            )
        divisions.append(division)
    with transaction.atomic():
        StationArea.objects.filter(station=station).delete()
        return [StationArea.objects.create(station=station, code=d.code, name=d.label) for d in divisions]
