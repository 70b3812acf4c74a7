"""Person resolution: which of the station's persons a name, phone and ID number may belong to.

- The same valid ID number is the same person: certain, no confirmation (find_or_create_person already reuses it).
- The same phone and a similar name is a candidate shown to an officer for confirmation: names are similar when
  they read alike (pypinyin with every reading of a character, so 单/曾/解 match 善/增/谢), when one is the informal
  form of the other (老李, 小李, 李某, 李师傅 for 李明), or when they differ by a typo.
- Two different valid ID numbers are never the same person, whatever the phone and the name.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz

from fengqiao.lib import idnumber
from fengqiao.lib.chinese import fold
from fengqiao.people.models import Person
from fengqiao.stations.models import Station

THRESHOLD = 0.75  # name similarity below which a same-phone person is not worth an officer's look
INFORMAL = 0.8
SAME_SOUND = 0.9
PINYIN_TYPO_WEIGHT = 0.85  # a spelling close in pinyin (李明/李敏) counts a little less than one that reads the same
PHONE_DIGITS = 7
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 司徒 令狐 宇文 长孙 夏侯 轩辕 端木 独孤 南宫 西门 申屠 澹台".split()
)
_INFORMAL = (
    re.compile(r"(?:老|小|阿)(?P<surname>\w{1,2})"),
    re.compile(
        r"(?P<surname>\w{1,2}?)(?:某某|某|先生|女士|小姐|师傅|大爷|大妈|大娘|大叔|阿姨|奶奶|爷爷|老师|同志|姐|哥|总)"
    ),
)


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float  # 1.0 for the same ID number; otherwise 0.5 for the phone plus half the name's similarity
    reasons: list[str]
    certain: bool  # the same valid ID number: the same person


def candidates(station: Station, name: str, phone: str = "", id_number: str = "") -> list[Candidate]:
    """The station's persons this may be, best first. Reads only; merging is a human decision."""
    number = idnumber.normalize(id_number) if id_number else ""
    valid = number if number and idnumber.is_valid(number) else ""
    found = []
    same_id = Person.objects.filter(station=station, id_number=valid).first() if valid else None
    if same_id is not None:
        found.append(Candidate(same_id, 1.0, [_("Same ID number.")], certain=True))
    for person in same_phone(station, phone):
        if person == same_id or (valid and person.id_number and person.id_number != valid):
            continue  # two different valid ID numbers are two people
        similarity, reasons = name_similarity(name, person.name)
        if similarity >= THRESHOLD:
            score = round(0.5 + similarity / 2, 3)
            found.append(Candidate(person, score, [_("Same phone."), *reasons], certain=False))
    return sorted(found, key=lambda c: (not c.certain, -c.score, c.person.pk))


def normalize_phone(phone: str) -> str:
    """Digits only, without the country code: +86 138-1234-5678 → 13812345678; "" when too short to mean a phone."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isascii() and c.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits if len(digits) >= PHONE_DIGITS else ""


def same_phone(station: Station, phone: str) -> list[Person]:
    """Persons whose phone is this one however it was written (the stored value is as the resident gave it)."""
    digits = normalize_phone(phone)
    if not digits:
        return []
    near = Person.objects.filter(station=station, phone__endswith=digits[-4:]).order_by("pk")
    return [p for p in near if normalize_phone(p.phone) == digits]


def name_similarity(a: str, b: str) -> tuple[float, list[str]]:
    """How alike two names are (0–1), with the reasons, for an officer to judge."""
    a, b = fold(a.strip()), fold(b.strip())
    if not a or not b:
        return 0.0, []
    if a == b:
        return 1.0, [_("Same name.")]
    scored: list[tuple[float, str]] = []
    if surname := _informal_match(a, b):
        scored.append(
            (INFORMAL, _("“%(a)s” and “%(b)s” fit the surname %(surname)s.") % {"a": a, "b": b, "surname": surname})
        )
    if _reads_alike(a, b):
        scored.append((SAME_SOUND, _("“%(a)s” and “%(b)s” read alike.") % {"a": a, "b": b}))
    typo = fuzz.ratio(" ".join(lazy_pinyin(a)), " ".join(lazy_pinyin(b))) / 100 * PINYIN_TYPO_WEIGHT
    scored.append((max(typo, fuzz.ratio(a, b) / 100), _("“%(a)s” and “%(b)s” are spelt alike.") % {"a": a, "b": b}))
    best = max(scored, key=lambda s: s[0])
    return best[0], [best[1]]


def surnames(name: str) -> set[str]:
    """The surname a name may have: the informal form's (老李 → 李), else the first character or compound."""
    for pattern in _INFORMAL:
        match = pattern.fullmatch(name)
        if match and (len(match["surname"]) == 1 or match["surname"] in COMPOUND_SURNAMES):
            return {match["surname"]}
    return {name[:2]} if name[:2] in COMPOUND_SURNAMES else {name[:1]}


def _informal_match(a: str, b: str) -> str:
    """The shared surname when one name (or both) is an informal form: 老李 and 李明, 老李 and 李某."""
    if not any(p.fullmatch(n) for p in _INFORMAL for n in (a, b)):
        return ""
    for x in surnames(a):
        for y in surnames(b):
            if x == y or _reads_alike(x, y):
                return y
    return ""


def _reads_alike(a: str, b: str) -> bool:
    """Same length and every character has a reading in common (单 dan/shan/chan and 善 shan)."""
    if len(a) != len(b):
        return False
    return all(readings(x) & readings(y) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])
