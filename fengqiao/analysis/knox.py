"""The Knox test for near repeats: are events that are close in space also close in time, more than chance says?

Every pair of events (i < j) falls in one cell of a table: a space band (distance between the two places) by a
time band (days between the two dates). Bands are half-open intervals [a, b) between the given boundaries, the
first boundary is 0 and the last band is [last, ∞). The observed table is compared with tables in which the dates
were shuffled among the places (Monte Carlo permutation): the Knox ratio is observed / mean of the simulated
counts, the p-value (simulations with a count ≥ observed, + 1) / (simulations + 1).

Why it is fast (see docs/knox.md): distances never change between simulations and the time differences of *all*
pairs do not either (a permutation keeps the multiset of dates). Only the pairs closer than the last finite space
boundary need work per simulation; they are found once with a grid of cells as wide as that boundary, and the
open last space band is every pair minus the close ones.
"""

import csv
import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Literal, TextIO
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.matters.models import Matter, Stage
from fengqiao.stations.models import Station

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Distance = Literal["manhattan", "euclidean"]
Language = Literal["en", "zh-hans"]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
SIGNIFICANCE = 0.05
SAME_LOCATION = float(np.nextafter(0.0, 1.0))  # upper edge of the NRC's "Same location" band [0, tiny): exactly 0
STATION_ZONE = ZoneInfo("Asia/Shanghai")  # a matter's date is its local date at the station
_CANDIDATES_PER_CHUNK = 2_000_000  # candidate pairs examined at once: bounds memory when events are dense
# The grid cell of an event and its four "forward" neighbours: every pair of adjacent cells is visited once.
_HALF_NEIGHBOURHOOD = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))


class KnoxInputError(ValueError):
    """Input the test cannot run on; the message names the problem for the person who gave it."""


@dataclass(frozen=True)
class Events:
    x: Floats  # metres east
    y: Floats  # metres north
    days: Ints  # date as a day number (proleptic Gregorian ordinal)

    def __len__(self) -> int:
        return len(self.days)


# --- input -----------------------------------------------------------------------------------------------------


def parse_bands(text: str, option: str) -> Floats:
    """'0,1,100,200' → boundaries, checked: numbers, finite, starting at 0, strictly increasing."""
    try:
        edges = np.array([float(part) for part in text.split(",")], dtype=np.float64)
    except ValueError:
        raise KnoxInputError(
            _("%(option)s must be numbers separated by commas, got “%(text)s”.") % {"option": option, "text": text}
        ) from None
    return check_bands(edges, option)


def check_bands(edges: Floats, option: str) -> Floats:
    if len(edges) == 0 or not np.all(np.isfinite(edges)):
        raise KnoxInputError(_("%(option)s must be finite numbers.") % {"option": option})
    if edges[0] != 0:
        raise KnoxInputError(_("%(option)s must start at 0.") % {"option": option})
    if np.any(np.diff(edges) <= 0):
        raise KnoxInputError(_("%(option)s must be strictly increasing.") % {"option": option})
    return edges


def nrc_space_edges(edges: Floats) -> Floats:
    """The NRC's bands: "Same location" (a distance of exactly 0) first, then the given ones.

    The NRC adds that band itself; a first band [0, b) with b ≤ 1 given here stands for it and is replaced.
    """
    rest = edges[2:] if len(edges) > 1 and edges[1] <= 1 else edges[1:]
    return np.concatenate([[0.0, SAME_LOCATION], rest])


def nrc_events(events: Events) -> Events:
    """The coordinates as the NRC sees them: in single precision.

    Inferred, not documented: only with single-precision coordinates do both published NRC tables in
    tests/data/knox match pair for pair (a pair 399.96 m apart counts in its 400–600 m band).
    """
    single = np.float32
    return Events(events.x.astype(single).astype(np.float64), events.y.astype(single).astype(np.float64), events.days)


def read_events_file(path: Path) -> Events:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return read_events(stream)
    except OSError as error:
        raise KnoxInputError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from None
    except UnicodeDecodeError:
        raise KnoxInputError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
    except csv.Error as error:
        raise KnoxInputError(_("%(path)s is not a CSV file: %(error)s") % {"path": path, "error": error}) from None


def read_events(stream: TextIO) -> Events:
    """CSV with a header row: columns x, y, date (metres) or lat, lng, date (degrees, projected to metres)."""
    reader = csv.DictReader(stream)
    names = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    first, second = _coordinate_columns(names)
    a: list[float] = []
    b: list[float] = []
    days: list[int] = []
    for row in reader:
        a.append(_number(row.get(names[first]), first, reader.line_num))
        b.append(_number(row.get(names[second]), second, reader.line_num))
        days.append(_day(row.get(names["date"]), reader.line_num))
    if len(days) < 2:
        raise KnoxInputError(_("The file needs at least 2 events, it has %(count)d.") % {"count": len(days)})
    if first == "lat":
        return _projected(np.array(a), np.array(b), np.array(days, dtype=np.int64))
    return Events(np.array(a), np.array(b), np.array(days, dtype=np.int64))


def _coordinate_columns(names: dict[str, str]) -> tuple[str, str]:
    for pair in (("x", "y"), ("lat", "lng")):
        if pair[0] in names and pair[1] in names and "date" in names:
            return pair
    missing = [name for name in ("x", "y", "date") if name not in names]
    if "lat" in names or "lng" in names:
        missing = [name for name in ("lat", "lng", "date") if name not in names]
    raise KnoxInputError(
        _("The file has no column %(missing)s: it needs a header row with x, y, date or lat, lng, date.")
        % {"missing": ", ".join(missing)}
    )


def _number(value: str | None, column: str, line: int) -> float:
    try:
        number = float((value or "").strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise KnoxInputError(
            _("Line %(line)d: “%(value)s” in column %(column)s is not a number.")
            % {"line": line, "value": value or "", "column": column}
        )
    return number


def _day(value: str | None, line: int) -> int:
    text = (value or "").strip()
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        pass
    try:  # a timestamp counts by its date: the test works in whole days
        return dt.datetime.fromisoformat(text).date().toordinal()
    except ValueError:
        raise KnoxInputError(
            _("Line %(line)d: “%(value)s” in column date is not an ISO date (YYYY-MM-DD).")
            % {"line": line, "value": text}
        ) from None


def _projected(lat: Floats, lng: Floats, days: Ints) -> Events:
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lng) > 180):
        raise KnoxInputError(_("Latitudes must lie within ±90 and longitudes within ±180 degrees."))
    x, y = project(lat, lng)
    return Events(x, y, days)


def project(lat: Floats, lng: Floats) -> tuple[Floats, Floats]:
    """Local equirectangular projection: metres east and north of the mean point, scaled at the mean latitude.

    Within 10 km of the mean point distances are off by less than 0.2 %, far below the width of any useful band.
    """
    lat0 = float(lat.mean())
    x = EARTH_RADIUS_M * np.radians(lng - lng.mean()) * math.cos(math.radians(lat0))
    y = EARTH_RADIUS_M * np.radians(lat - lat0)
    return x, y


def station_events(code: str, categories: Sequence[str] = ()) -> Events:
    """The station's located matters (category codes starting with any of `categories`), dated in Asia/Shanghai.

    Merged matters are left out: each is a second record of another matter's incident and would count as a
    spurious repeat at the same place on the same day.
    """
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise KnoxInputError(_("There is no station with code “%(code)s”.") % {"code": code})
    matters = Matter.objects.filter(station=station, latitude__isnull=False, longitude__isnull=False)
    matters = matters.exclude(stage=Stage.MERGED)
    if categories:
        matters = matters.filter(reduce(or_, (Q(category__code__startswith=prefix) for prefix in categories)))
    rows = list(matters.values_list("latitude", "longitude", "reported_at"))
    if len(rows) < 2:
        raise KnoxInputError(_("The station has %(count)d located matters; the test needs 2.") % {"count": len(rows)})
    lat = np.array([float(row[0]) for row in rows])  # type: ignore[arg-type]
    lng = np.array([float(row[1]) for row in rows])  # type: ignore[arg-type]
    days = np.array([timezone.localtime(row[2], STATION_ZONE).date().toordinal() for row in rows], dtype=np.int64)
    return _projected(lat, lng, days)


# --- pairs -----------------------------------------------------------------------------------------------------


def pair_distance(dx: Floats, dy: Floats, distance: Distance) -> Floats:
    if distance == "manhattan":
        return np.abs(dx) + np.abs(dy)
    return np.hypot(dx, dy)


def close_pairs(x: Floats, y: Floats, cutoff: float, distance: Distance) -> tuple[Ints, Ints, Floats]:
    """Every pair (i, j) closer than `cutoff`, once, with its distance — found through a grid of cutoff-wide cells.

    Both metrics are at least the Euclidean distance, so a close pair lies in the same or an adjacent cell.
    """
    if cutoff <= 0 or len(x) < 2:
        return _empty_pairs()
    # Cells may be wider than the cutoff (still correct); capping their number keeps the cell keys in int64.
    extent = max(float(np.ptp(x)), float(np.ptp(y)), 1.0)
    cell = max(cutoff, extent / 2**20)
    gx = np.floor((x - x.min()) / cell).astype(np.int64)
    gy = np.floor((y - y.min()) / cell).astype(np.int64)
    width = int(gy.max()) + 2  # a spare empty column, so that gy ± 1 never reaches a cell of the next row
    key = gx * width + gy
    order = np.argsort(key, kind="stable")
    found = [
        _pairs_towards(key[order], x[order], y[order], dx * width + dy, (dx, dy) == (0, 0), cutoff, distance)
        for dx, dy in _HALF_NEIGHBOURHOOD
    ]
    a, b, d = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return order[a], order[b], d


def _pairs_towards(
    key: Ints, x: Floats, y: Floats, offset: int, same_cell: bool, cutoff: float, distance: Distance
) -> tuple[Ints, Ints, Floats]:
    """Pairs from each event (sorted by cell) to the events of the cell `offset` away, closer than `cutoff`."""
    low = np.searchsorted(key, key + offset, side="left")
    high = np.searchsorted(key, key + offset, side="right")
    if same_cell:  # within one cell only the later events, so that each pair is seen once
        low = np.maximum(low, np.arange(len(key)) + 1)
    counts = np.maximum(high - low, 0)
    found = [_close_in(a, b, x, y, cutoff, distance) for a, b in _candidates(low, counts)] or [_empty_pairs()]
    a, b, d = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return a, b, d


def _empty_pairs() -> tuple[Ints, Ints, Floats]:
    return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)


def _candidates(low: Ints, counts: Ints) -> Iterator[tuple[Ints, Ints]]:
    """Expand the ranges [low, low + count) per event into pairs, a chunk of events at a time."""
    ends = np.cumsum(counts)
    if len(ends) == 0 or ends[-1] == 0:
        return
    cuts = np.searchsorted(ends, np.arange(_CANDIDATES_PER_CHUNK, ends[-1], _CANDIDATES_PER_CHUNK), side="left")
    bounds = np.unique(np.concatenate([[0], cuts + 1, [len(counts)]]).clip(0, len(counts)))
    for start, stop in itertools.pairwise(bounds):
        chunk = counts[start:stop]
        a = np.repeat(np.arange(start, stop), chunk)
        first = np.cumsum(chunk) - chunk  # where each event's run starts among the candidates
        b = np.arange(len(a)) - np.repeat(first - low[start:stop], chunk)
        yield a, b


def _close_in(a: Ints, b: Ints, x: Floats, y: Floats, cutoff: float, distance: Distance) -> tuple[Ints, Ints, Floats]:
    d = pair_distance(x[a] - x[b], y[a] - y[b], distance)
    keep = d < cutoff
    return a[keep], b[keep], d[keep]


def band_of(values: Floats | Ints, edges: Floats) -> Ints:
    """Index of the half-open band [edges[k], edges[k + 1]) holding each value; a value on an edge starts a band."""
    return np.searchsorted(edges, values, side="right").astype(np.int64) - 1


def time_band_counts(days: Ints, time_edges: Floats) -> Ints:
    """Pairs per time band over ALL pairs, from the sorted dates in O(n log n) — the same for every permutation."""
    ordered = np.sort(days)
    later = np.arange(len(ordered))
    below = [int((np.searchsorted(ordered, ordered + edge, side="left") - later - 1).sum()) for edge in time_edges[1:]]
    total = len(ordered) * (len(ordered) - 1) // 2
    cumulative: Ints = np.array([0, *below, total], dtype=np.int64)
    return cumulative[1:] - cumulative[:-1]


@dataclass(frozen=True)
class PairTable:
    """What stays fixed across simulations: the close pairs with their space band, and the all-pairs time counts."""

    i: Ints
    j: Ints
    cell_base: Ints  # space band × number of time bands, per close pair
    time_band_of_gap: Ints  # time band of a gap of 0, 1, 2 … days
    all_pairs_by_time: Ints
    shape: tuple[int, int]

    @classmethod
    def build(cls, events: Events, space_edges: Floats, time_edges: Floats, distance: Distance) -> "PairTable":
        i, j, d = close_pairs(events.x, events.y, float(space_edges[-1]), distance)
        span = int(events.days.max() - events.days.min())
        return cls(
            i=i,
            j=j,
            cell_base=band_of(d, space_edges) * len(time_edges),
            time_band_of_gap=band_of(np.arange(span + 1), time_edges),
            all_pairs_by_time=time_band_counts(events.days, time_edges),
            shape=(len(space_edges), len(time_edges)),
        )

    def counts(self, days: Ints, scratch: tuple[Ints, Ints] | None = None) -> Ints:
        """The space × time table for one assignment of dates (int64) to places.

        `scratch`, two int64 arrays as long as the close pairs, spares an allocation per simulation; with the
        in-place operations below it makes a simulation about a third faster. Indices are valid by construction,
        so `take` may skip its bounds checks (mode="clip").
        """
        rows, columns = self.shape
        gap, cell = scratch or (np.empty_like(self.i), np.empty_like(self.i))
        np.take(days, self.i, out=gap, mode="clip")
        np.take(days, self.j, out=cell, mode="clip")
        np.subtract(gap, cell, out=gap)
        np.abs(gap, out=gap)
        np.take(self.time_band_of_gap, gap, out=cell, mode="clip")
        cell += self.cell_base
        close = np.bincount(cell, minlength=(rows - 1) * columns).reshape(rows - 1, columns)
        return np.vstack([close, self.all_pairs_by_time - close.sum(axis=0)])


# --- the test --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnoxResult:
    space_edges: Floats
    time_edges: Floats
    distance: Distance
    observed: Ints  # space band × time band
    simulated_mean: Floats
    p_value: Floats
    simulations: int
    seed: int
    events: int
    close_pairs: int

    @property
    def pairs(self) -> int:
        return self.events * (self.events - 1) // 2

    @property
    def knox_ratio(self) -> Floats:
        """Observed / mean simulated count; NaN where no simulation ever had a pair in the cell."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.simulated_mean > 0, self.observed / self.simulated_mean, np.nan)

    def significant(self) -> list[tuple[int, int]]:
        """Cells where pairs are over-represented beyond chance: p ≤ 0.05 and Knox ratio > 1."""
        hits = (self.p_value <= SIGNIFICANCE) & (np.nan_to_num(self.knox_ratio) > 1)
        return [(int(row), int(column)) for row, column in zip(*np.nonzero(hits), strict=True)]


def knox_test(
    events: Events,
    space_edges: Floats,
    time_edges: Floats,
    distance: Distance = "manhattan",
    simulations: int = 999,
    seed: int | None = None,
) -> KnoxResult:
    """Observed table, simulated means and p-values.

    Simulation k applies the k-th `numpy.random.default_rng(seed).permutation(n)` to the dates (`days[perm]`),
    so a run is reproduced exactly by its seed. Without a seed one is drawn and reported.
    """
    check_bands(space_edges, "--space-bands")
    check_bands(time_edges, "--time-bands")
    if simulations < 1:
        raise KnoxInputError(_("--simulations must be at least 1."))
    if len(events) < 2:
        raise KnoxInputError(_("The test needs at least 2 events."))
    used_seed = int(np.random.SeedSequence(seed).entropy)  # type: ignore[arg-type]
    days = events.days.astype(np.int64, copy=False)
    table = PairTable.build(events, space_edges, time_edges, distance)
    observed = table.counts(days)
    total, at_least = _simulate(table, days, observed, simulations, np.random.default_rng(used_seed))
    return KnoxResult(
        space_edges=space_edges,
        time_edges=time_edges,
        distance=distance,
        observed=observed,
        simulated_mean=total / simulations,
        p_value=(at_least + 1) / (simulations + 1),
        simulations=simulations,
        seed=used_seed,
        events=len(events),
        close_pairs=len(table.i),
    )


def _simulate(
    table: PairTable, days: Ints, observed: Ints, simulations: int, rng: np.random.Generator
) -> tuple[Ints, Ints]:
    total = np.zeros_like(observed)
    at_least = np.zeros_like(observed)
    scratch = (np.empty_like(table.i), np.empty_like(table.i))
    for _simulation in range(simulations):
        counts = table.counts(days[rng.permutation(len(days))], scratch)
        total += counts
        at_least += counts >= observed
    return total, at_least


# --- presentation ----------------------------------------------------------------------------------------------


def number(value: float) -> str:
    return format(float(value), ".10g")


def band_labels(edges: Floats, unit: Literal["m", "days"], nrc: bool = False) -> list[str]:
    """Labels of the bands: interval notation, or with `nrc` the Near Repeat Calculator's own wording."""
    if nrc:
        return _nrc_labels(edges, unit)
    bounded = _("[%(low)s, %(high)s) m") if unit == "m" else _("[%(low)s, %(high)s) days")
    last = _("[%(low)s, ∞) m") if unit == "m" else _("[%(low)s, ∞) days")
    labels = [bounded % {"low": number(low), "high": number(high)} for low, high in itertools.pairwise(edges)]
    return [*labels, last % {"low": number(edges[-1])}]


def _nrc_labels(edges: Floats, unit: Literal["m", "days"]) -> list[str]:
    """The NRC labels a band "(shown upper end of the band before) + 1 to upper edge"; "Same location" ends at 0.

    So (0, 100) reads "1 to 100", [100, 200) "101 to 200" and, for days, [0, 7) "0 to 7", [7, 14) "8 to 14" —
    its known off-by-one: a pair 100 m apart sits in the band it calls "101 to 200".
    """
    bounded = _("%(low)s to %(high)s meters") if unit == "m" else _("%(low)s to %(high)s days")
    labels: list[str] = []
    shown_high: float | None = None
    for low, high in itertools.pairwise(edges):
        if unit == "m" and low == 0 and high <= 1:
            labels.append(_("Same location"))
            shown_high = 0
            continue
        shown_low = low if shown_high is None else shown_high + 1
        labels.append(bounded % {"low": number(shown_low), "high": number(high)})
        shown_high = high
    last = _("More than %(low)s meters") if unit == "m" else _("More than %(low)s days")
    return [*labels, last % {"low": number(0 if edges[-1] <= SAME_LOCATION else edges[-1])}]


# Both languages explicitly, whatever the active locale: the command prints the two side by side.
_PHRASES: dict[Language, dict[str, str]] = {
    "en": {
        "same": "At the same place",
        "within": "Within {high} m",
        "between": "{low} to {high} m away",
        "up_to": "for up to {high} {unit}",
        "later": "{low} to {high} {unit} later",
        "after": "more than {low} {unit} later",
        "sentence": "{space}, {time}, risk is {percent} % higher (Knox ratio {ratio}, p = {p}).",
        "day": "day",
        "days": "days",
        "none": "No significant near-repeat pattern (no near cell with p ≤ 0.05 and a Knox ratio above 1).",
    },
    "zh-hans": {
        "same": "同一地点",
        "within": "{high}米以内",
        "between": "{low}至{high}米",
        "up_to": "{high}{unit}之内",
        "later": "{low}至{high}{unit}后",
        "after": "{low}{unit}以后",
        "day": "天",
        "days": "天",
        "sentence": "{space}、{time}，风险高出{percent}%（Knox比值{ratio}，p = {p}）。",
        "none": "未发现显著的近重复模式（近距离内没有 p ≤ 0.05 且 Knox 比值大于 1 的组合）。",
    },
}


def summary(result: KnoxResult, language: Language) -> list[str]:
    """One plain-language sentence per significant cell within the last space boundary, in the given language.

    The open last space band is left out: "more than 300 m away" is not a near repeat, and with hundreds of
    thousands of pairs a ratio of 1.001 there can be significant while saying nothing.
    """
    phrases = _PHRASES[language]
    near = len(result.space_edges) - 1
    cells = [(row, column) for row, column in result.significant() if row < near]
    if not cells:
        return [phrases["none"]]
    ratio = result.knox_ratio
    return [
        phrases["sentence"].format(
            space=_space_phrase(result.space_edges, row, phrases),
            time=_time_phrase(result.time_edges, column, phrases),
            percent=round((ratio[row, column] - 1) * 100),
            ratio=f"{ratio[row, column]:.2f}",
            p=f"{result.p_value[row, column]:.3g}",
        )
        for row, column in cells
    ]


def _space_phrase(edges: Floats, band: int, phrases: dict[str, str]) -> str:
    low, high = edges[band], edges[band + 1]  # a finite band: the summary leaves the open one out
    if low == 0 and high <= 1:
        return phrases["same"]
    key = "within" if low <= 1 else "between"  # [1, 100) after the same-place band still reads "within 100 m"
    return phrases[key].format(low=number(low), high=number(high))


def _time_phrase(edges: Floats, band: int, phrases: dict[str, str]) -> str:
    low = edges[band]
    if band == len(edges) - 1:
        return phrases["after"].format(low=number(low), unit=phrases["day" if low == 1 else "days"])
    high = edges[band + 1]
    key = "up_to" if low == 0 else "later"
    return phrases[key].format(low=number(low), high=number(high), unit=phrases["day" if high == 1 else "days"])


def _figure(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def as_json(result: KnoxResult, nrc: bool = False) -> dict[str, object]:
    """Every figure of the run, for --json: bands with their labels, the four tables and the summaries."""
    ratio = result.knox_ratio
    return {
        "events": result.events,
        "pairs": result.pairs,
        "close_pairs": result.close_pairs,
        "distance": result.distance,
        "simulations": result.simulations,
        "seed": result.seed,
        "nrc_compatible": nrc,
        "space_bands": _bands_json(result.space_edges, band_labels(result.space_edges, "m", nrc)),
        "time_bands": _bands_json(result.time_edges, band_labels(result.time_edges, "days", nrc)),
        "observed": result.observed.tolist(),
        "simulated_mean": result.simulated_mean.tolist(),
        "knox_ratio": [[_figure(value) for value in row] for row in ratio],
        "p_value": result.p_value.tolist(),
        "significant": [{"space": row, "time": column} for row, column in result.significant()],
        "summary": {language: summary(result, language) for language in _PHRASES},
    }


def _bands_json(edges: Floats, labels: list[str]) -> list[dict[str, object]]:
    highs: list[float | None] = [float(edge) for edge in edges[1:]]
    return [
        {"from": float(low), "to": high, "label": label}
        for low, high, label in zip(edges.tolist(), [*highs, None], labels, strict=True)
    ]
