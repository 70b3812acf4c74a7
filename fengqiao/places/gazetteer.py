"""The local gazetteer: a province's divisions down to village and community committees, with an automaton.

Division codes are the statistics codes (统计用区划代码): 2 digits for a province, 4 for a city, 6 for a county,
9 for a township or street (乡镇/街道), 12 for a village or community committee (村委会/居委会). A division lies in
another exactly when its code starts with the other's, so no parent pointers are stored.
"""

import enum
import gzip
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import ahocorasick  # type: ignore[import-not-found]
from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "province-13.json.gz"


class Level(enum.IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWN = 4
    VILLAGE = 5


LEVEL_BY_LENGTH = {2: Level.PROVINCE, 4: Level.CITY, 6: Level.COUNTY, 9: Level.TOWN, 12: Level.VILLAGE}

# What may be dropped from a name in writing: 河北省 → 河北, 辛集市 → 辛集, 深泽县 → 深泽. Such short forms are the
# libraries' trap (东港 in 东港豪庭小区, 中山 and 山东 in 中山东路), so the parser accepts them only when a division
# inside them or a name of the station follows (see parser.py).
_SHORTENABLE = {
    Level.PROVINCE: re.compile(r"(?:省|市|(?:壮族|回族|维吾尔)?自治区)$"),
    Level.CITY: re.compile(r"(?:市|地区|盟|[^市县区]{1,8}族自治州)$"),
    Level.COUNTY: re.compile(r"(?:市|县|区|旗|[^市县区]{1,8}族自治县)$"),
}
_NOT_SHORTENED = re.compile(r"开发区|新区|园区|矿区|管理区")
# Committee names as the statistics tables write them, and the place name residents write.
_COMMITTEE = (
    (re.compile(r"社区居民委员会$|社区居委会$"), "社区"),
    (re.compile(r"村?村民委员会$|村?村委会$|村?民委会$"), "村"),
    (re.compile(r"居民委员会$|居委会$"), "社区"),
)
# A committee whose name is only its kind (a "社区居委会" of a mine or a farm) names no place.
_BARE_SUFFIXES = frozenset({"社区", "村", "居委会", "村委会"})


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # as the statistics tables write it, e.g. 东卓宿村村民委员会

    @property
    def level(self) -> Level:
        return LEVEL_BY_LENGTH[len(self.code)]

    @property
    def label(self) -> str:
        """The name as written in an address: 东卓宿村村民委员会 → 东卓宿村, 华丽社区居民委员会 → 华丽社区."""
        return place_name(self.name) if self.level is Level.VILLAGE else self.name

    def within(self, other: "Division | str") -> bool:
        code = other.code if isinstance(other, Division) else other
        return self.code.startswith(code)


@dataclass(frozen=True)
class Hit:
    """A name of a division found in a text at [start, end)."""

    start: int
    end: int
    division: Division
    short: bool  # a short form such as 辛集 for 辛集市


def place_name(committee: str) -> str:
    for pattern, suffix in _COMMITTEE:
        if pattern.search(committee):
            return pattern.sub("", committee) + suffix
    return committee


def short_form(division: Division) -> str:
    """The name without its administrative suffix, or "" when it has none or would be too short to mean anything."""
    pattern = _SHORTENABLE.get(division.level)
    if pattern is None or _NOT_SHORTENED.search(division.name):
        return ""
    short = pattern.sub("", division.name)
    return short if len(short) >= 2 and short != division.name else ""


class Gazetteer:
    def __init__(self, divisions: Iterable[tuple[str, str]], source: dict[str, str] | None = None) -> None:
        self.by_code = {code: Division(code, name) for code, name in divisions if len(code) in LEVEL_BY_LENGTH}
        self.source = source or {}

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, code: str) -> Division | None:
        return self.by_code.get(code)

    def named(self, name: str) -> list[Division]:
        """Divisions written so, by full name or label (not by short form)."""
        return [d for d in self.by_code.values() if name in (d.name, d.label)]

    def inside(self, code: str, level: Level | None = None) -> Iterator[Division]:
        return (d for d in self.by_code.values() if d.within(code) and (level is None or d.level is level))

    @cached_property
    def automaton(self) -> "ahocorasick.Automaton":
        names: dict[str, list[tuple[Division, bool]]] = {}
        for division in self.by_code.values():
            for name in {division.name, division.label} - _BARE_SUFFIXES:
                names.setdefault(name, []).append((division, False))
            if short := short_form(division):
                names.setdefault(short, []).append((division, True))
        automaton = ahocorasick.Automaton()
        for name, entries in names.items():
            automaton.add_word(name, (len(name), tuple(entries)))
        automaton.make_automaton()
        return automaton

    def hits(self, text: str) -> list[Hit]:
        if not self.by_code or not text:
            return []
        found: list[Hit] = []
        for end, (length, entries) in self.automaton.iter(text):
            found.extend(Hit(end - length + 1, end + 1, division, short) for division, short in entries)
        return found


def load(path: Path) -> Gazetteer:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    return Gazetteer(((str(code), str(name)) for code, name in document["divisions"]), document.get("source"))


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The configured gazetteer (settings.PLACES_GAZETTEER, else Hebei's), loaded once per process."""
    return load(Path(getattr(settings, "PLACES_GAZETTEER", DEFAULT_FILE)))


def preload_in_background() -> threading.Thread:
    """Load the gazetteer and build its automaton (≈ 1.5 s) in a thread, so that a web process's first registration
    or report does not wait for it. Started by the WSGI module only: commands and tests load it when they need it."""
    thread = threading.Thread(target=lambda: default().automaton, name="gazetteer-preload", daemon=True)
    thread.start()
    return thread
