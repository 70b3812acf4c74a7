"""Resolving an address text of a station: parsed, matched to one of its standard addresses, or proposed as new."""

import enum
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from fengqiao.places import gazetteer as gazetteers
from fengqiao.places.index import Key, StationIndex, index_for, parsed_key
from fengqiao.places.parser import ParsedAddress, parse
from fengqiao.places.text import normalize
from fengqiao.stations.models import StandardAddress, Station

EXACT, BY_PARTS, BY_REST = 1.0, 0.95, 0.9
# Confidence in the parse when nothing matched, by where the community or estate came from.
UNMATCHED = {"station": 0.6, "gazetteer": 0.5, "pattern": 0.4, "": 0.3}
OUTSIDE_AREA_FACTOR = 0.5


class How(enum.StrEnum):
    EMPTY = "empty"
    EXACT = "exact"
    PARTS = "parts"
    REST = "rest"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class AddressResolution:
    """What became of an address text.

    Ids and texts come from the cached index; the models are read and the explanation is written on first use
    only, so that an import resolving a million rows runs no query and no translation per row.
    """

    station: Station
    text: str
    parsed: ParsedAddress
    how: How
    confidence: float = 0.0
    address_id: int | None = None
    address_text: str = ""
    nearest_id: int | None = None  # the building or estate of an unmatched address, when the station has it
    nearest_text: str = ""
    outside_area: bool = False  # the text names divisions, none of them in the station's area

    @cached_property
    def address(self) -> StandardAddress | None:
        """The matched standard address; None also when it was deleted since the index was built."""
        if self.address_id is None:
            return None
        return StandardAddress.objects.select_related("community", "grid").filter(pk=self.address_id).first()

    @cached_property
    def nearest(self) -> StandardAddress | None:
        return StandardAddress.objects.filter(pk=self.nearest_id).first() if self.nearest_id else None

    @property
    def matched(self) -> bool:
        return self.address_id is not None

    @property
    def needs_review(self) -> bool:
        """Not matched, but there is something to propose as a new standard address."""
        return self.how is How.UNMATCHED

    @cached_property
    def explanation(self) -> list[str]:
        """What was found and what became of it, in words a reviewer can check."""
        if self.how is How.EMPTY:
            return [_("No address was given.")]
        return [*describe(self.parsed), *self._outcome()]

    def _outcome(self) -> list[str]:
        outcome = {
            How.EXACT: _("The text is the standard address “%(address)s”."),
            How.PARTS: _("Matched the standard address “%(address)s” by its parts."),
            How.REST: _("Matched the standard address “%(address)s” by what follows the community."),
        }
        if self.how in outcome:
            return [outcome[self.how] % {"address": self.address_text}]
        lines = [_("The divisions named are outside the station's area.")] if self.outside_area else []
        if self.nearest_text:
            lines.append(_("The station has “%(address)s”, but not this address.") % {"address": self.nearest_text})
        return [*lines, _("No standard address matches: propose it as a new one for review.")]


def resolve_address(station: Station, text: str) -> AddressResolution:
    """Parse the text within the station's area and match it to one of its standard addresses. Reads only."""
    text = text.strip()
    normalized = normalize(text)
    if not normalized:
        return AddressResolution(station, text, ParsedAddress(text), How.EMPTY)
    index = index_for(station)
    parsed = parse(text, gazetteers.default(), index.vocabulary, normalized)
    exact = _exact(index, parsed)
    if exact is not None:
        return AddressResolution(station, text, parsed, How.EXACT, EXACT, exact, index.full_texts[exact])
    key = parsed_key(parsed)  # once: the unmatched need it too
    address_id, how, confidence = _match(index, parsed, key)
    if address_id is not None:
        return AddressResolution(station, text, parsed, how, confidence, address_id, index.full_texts[address_id])
    return _unmatched(station, text, parsed, key, index)


def _exact(index: StationIndex, parsed: ParsedAddress) -> int | None:
    """The address written as this text, with or without its divisions."""
    return next((index.by_text[t] for t in (parsed.normalized, parsed.after_divisions) if t in index.by_text), None)


def _match(index: StationIndex, parsed: ParsedAddress, key: Key) -> tuple[int | None, How, float]:
    """The address id, how it matched and the confidence: by the parts (key), else by what follows the community."""
    if key in index.by_parts:
        return index.by_parts[key], How.PARTS, BY_PARTS
    rest_key = (key[0], key[1], parsed.after_community)
    if (parsed.community or parsed.estate) and rest_key in index.by_rest:
        return index.by_rest[rest_key], How.REST, BY_REST
    return None, How.UNMATCHED, 0.0


def _unmatched(station: Station, text: str, parsed: ParsedAddress, key: Key, index: StationIndex) -> AddressResolution:
    confidence = UNMATCHED[parsed.community_source or parsed.estate_source]
    outside = bool(parsed.divisions) and not any(index.vocabulary.in_area(d) for d in parsed.divisions)
    if outside:
        confidence *= OUTSIDE_AREA_FACTOR
    # The building (same community, estate and building), else the community or estate itself.
    partials = ((*key[:3], "", "", ""), (*key[:2], "", "", "", ""))
    nearest_id = next((index.by_parts[p] for p in partials if p != key and p in index.by_parts), None)
    nearest_text = index.full_texts[nearest_id] if nearest_id is not None else ""
    return AddressResolution(
        station, text, parsed, How.UNMATCHED, confidence, None, "", nearest_id, nearest_text, outside
    )


def describe(parsed: ParsedAddress) -> list[str]:
    """What the parser found, in words a reviewer can check."""
    lines = []
    if parsed.divisions:
        lines.append(_("Divisions: %(names)s.") % {"names": " › ".join(d.label for d in parsed.divisions)})
    if parsed.skipped:
        lines.append(_("Not understood before the community: “%(text)s”.") % {"text": parsed.skipped})
    community = {
        "station": _("“%(name)s” is a community of the station."),
        "gazetteer": _("“%(name)s” is a village or community committee in the gazetteer."),
    }
    estate = {
        "station": _("“%(name)s” is an estate or road of the station's standard addresses."),
        "pattern": _("“%(name)s” looks like an estate by its name."),
    }
    if parsed.community:
        lines.append(community[parsed.community_source] % {"name": parsed.community})
    if parsed.estate:
        lines.append(estate[parsed.estate_source] % {"name": parsed.estate})
    if parsed.road:
        lines.append(_("Road or place: “%(name)s”.") % {"name": parsed.road})
    parts = [
        (parsed.house_number, _("number %(value)s")),
        (parsed.building, _("building %(value)s")),
        (parsed.unit, _("unit %(value)s")),
        (parsed.floor, _("floor %(value)s")),
        (parsed.room, _("room %(value)s")),
    ]
    if named := [label % {"value": value} for value, label in parts if value]:
        lines.append(_("Parts: %(parts)s.") % {"parts": ", ".join(named)})
    if parsed.remainder:
        lines.append(_("Remainder: “%(text)s”.") % {"text": parsed.remainder})
    return lines
