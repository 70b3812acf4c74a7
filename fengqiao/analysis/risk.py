"""Risk signs in Chinese text: a lexicon of weighted rules, a scorer that explains itself, and the lexicon file loader.

The text is folded traditional → simplified (投資 → 投资), segmented with rjieba, and matched three ways:
`word` rules on whole tokens (so 精神 does not fire inside 精神面貌), `regex` rules on the folded text, and `cooccur`
rules when every part occurs somewhere in the text (投资+转账). A negator shortly before a phrase cancels it
(没有威胁, 并未转账) unless the phrase itself contains 不 (不让他好过 is the threat, not its negation). Each rule counts
once per text; the sum of weights gives the level. See docs/risk-signs.md for thresholds and measured figures.
"""

import csv
import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import rjieba
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.models import (
    MAX_WEIGHT,
    RiskAssessment,
    RiskCategory,
    RiskLevel,
    RiskRule,
    RuleKind,
    cooccur_parts,
    pattern_problem,
)
from fengqiao.lib.chinese import fold
from fengqiao.matters.models import Matter

# Score thresholds: one strong phrase (weight 10) alone is high; weak signs (1–4) add up to medium or high.
LOW_THRESHOLD = 1
MEDIUM_THRESHOLD = 5
HIGH_THRESHOLD = 10
# A category counts as flagged in a text when its own score reaches this (the evaluation set is labelled so).
CATEGORY_THRESHOLD = MEDIUM_THRESHOLD

NEGATORS = frozenset(
    {
        "没有",
        "没",
        "不是",
        "并未",
        "未",
        "无",
        "并没有",
        "并无",
        "从未",
        "从没",
        "从来没有",
        "并非",
        "没再",
        "不会",
        "不想",
        "并不",
    }
)
# Prevention words work like negators: 防范电信诈骗, 谨防刷单, 防止走失 describe what must not happen.
PREVENTION_WORDS = frozenset({"防范", "预防", "防止", "谨防", "提防", "警惕", "防", "严防", "杜绝"})
# How many characters may lie between the end of a negator and the phrase it cancels (没有 直接 威胁).
NEGATION_WINDOW = 4
# Words that end a negator's scope even within the window: 没有钱就弄死你 is a threat.
SCOPE_BREAKERS = frozenset({"就", "但", "但是", "却", "可是", "而是", "结果", "否则", "不然"})
_CLAUSE_END = re.compile(r"^[\s,.!?;:，。！？；：、…“”\"'（）()]+$")

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "risk_lexicon.csv"
REQUIRED_COLUMNS = ("category", "pattern", "weight", "kind")


@dataclass(frozen=True, order=True)
class RuleSpec:
    """A rule as the scorer sees it: plain values, hashable, so a compiled lexicon can be cached."""

    category: str
    kind: str
    pattern: str
    weight: int


@dataclass(frozen=True)
class Hit:
    """One rule that fired: the phrase as written in the original text, the rule, its weight, and negation."""

    phrase: str
    category: str
    kind: str
    pattern: str
    weight: int
    negated: bool
    spans: tuple[tuple[int, int], ...]  # where the phrase (or each part of a co-occurrence) was found
    subsumed: bool = False  # inside a heavier hit of the same category, e.g. 公检法 inside 冒充公检法

    @property
    def counted(self) -> bool:
        return not (self.negated or self.subsumed)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    def as_json(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "category": self.category,
            "kind": self.kind,
            "pattern": self.pattern,
            "weight": self.weight,
            "negated": self.negated,
            "subsumed": self.subsumed,
            "counted": self.counted,
            "spans": [list(span) for span in self.spans],
        }

    def describe(self) -> str:
        values = {
            "phrase": self.phrase,
            "category": RiskCategory(self.category).label,
            "pattern": self.pattern,
            "weight": self.weight,
        }
        if self.negated:
            return _(
                "“%(phrase)s” matches the %(category)s rule “%(pattern)s” but is negated, so it does not count."
            ) % (values)
        if self.subsumed:
            return _(
                "“%(phrase)s” matches the %(category)s rule “%(pattern)s”, already counted in a stronger sign."
            ) % (values)
        return _("“%(phrase)s” matches the %(category)s rule “%(pattern)s” (weight %(weight)s).") % values


@dataclass(frozen=True)
class Assessment:
    level: str
    score: int
    hits: tuple[Hit, ...]
    category_scores: dict[str, int] = field(default_factory=dict)
    lexicon_version: str = ""

    @property
    def categories(self) -> frozenset[str]:
        """Categories whose own score is material (at least CATEGORY_THRESHOLD)."""
        return frozenset(c for c, s in self.category_scores.items() if s >= CATEGORY_THRESHOLD)

    @property
    def explanations(self) -> list[dict[str, Any]]:
        return [hit.as_json() for hit in self.hits]


def level_for(score: int) -> str:
    if score >= HIGH_THRESHOLD:
        return RiskLevel.HIGH
    if score >= MEDIUM_THRESHOLD:
        return RiskLevel.MEDIUM
    if score >= LOW_THRESHOLD:
        return RiskLevel.LOW
    return RiskLevel.NONE


# --- Scoring -----------------------------------------------------------------------------------------------------

Token = tuple[str, int, int]  # (word, start, end) in the folded text
Occurrence = tuple[int, int, bool]  # (start, end, negated)


def assess(text: str, rules: Sequence[RiskRule] | None = None) -> Assessment:
    """Assess one text with the given rules, or with the active rules of the database when none are given."""
    if rules is None:
        rules = active_rules()
    return compile_lexicon(specs_of(rules)).assess(text)


def active_rules() -> list[RiskRule]:
    return list(RiskRule.objects.filter(active=True))


def specs_of(rules: Iterable[RiskRule]) -> tuple[RuleSpec, ...]:
    return tuple(sorted(RuleSpec(r.category, r.kind, r.pattern, r.weight) for r in rules if r.active))


@lru_cache(maxsize=8)
def compile_lexicon(specs: tuple[RuleSpec, ...]) -> "Lexicon":
    """Compiled once per distinct rule set, so editing a weight recompiles and an unchanged lexicon is reused."""
    return Lexicon(specs)


@lru_cache(maxsize=4)
def _segmenter(words: frozenset[str]) -> rjieba.Jieba:
    """A private rjieba instance that knows the lexicon's phrases, so 让他好看 stays one token in 就让他好看.

    Private because adding words changes segmentation, and other modules may use rjieba's shared instance.
    """
    segmenter = rjieba.Jieba()
    for word in sorted(words):
        segmenter.add_word(word, None, None)
    return segmenter


def lexicon_version(specs: Iterable[RuleSpec]) -> str:
    """A short fingerprint of the rule set, stored with each assessment so an old level can be explained later."""
    lines = sorted(f"{s.category}\t{s.kind}\t{s.pattern}\t{s.weight}" for s in specs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


class Lexicon:
    """A rule set compiled for fast matching: term indexes for words and co-occurrences, compiled regexes."""

    def __init__(self, specs: Sequence[RuleSpec]) -> None:
        self.specs = tuple(specs)
        self.version = lexicon_version(specs)
        self.word_rules: dict[str, list[RuleSpec]] = {}
        self.regexes: list[tuple[RuleSpec, re.Pattern[str]]] = []
        self.cooccurs: list[tuple[RuleSpec, list[list[str]]]] = []
        self.cooccurs_by_term: dict[str, set[int]] = {}
        for spec in self.specs:
            self._add(spec)
        terms = set(self.word_rules) | set(self.cooccurs_by_term)
        self.segmenter = _segmenter(frozenset(terms))
        # Most terms are one token once added to the segmenter; they also match as the start of a longer token
        # (放火 in 放火烧, 老人 in 老人家). The rest match as a token sequence, keyed on its first token.
        self.single: set[str] = set()
        self.sequences: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for term in sorted(terms):
            tokens = tuple(self.segmenter.cut(term))
            if len(tokens) == 1:
                self.single.add(term)
            else:
                self.sequences.setdefault(tokens[0], []).append((tokens, term))
        self.longest = max((len(term) for term in self.single), default=0)
        # One scan of all regexes together: most texts match none, and then the separate scans are skipped.
        self.any_regex = re.compile("|".join(f"(?:{r.pattern})" for _s, r in self.regexes), re.IGNORECASE)
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._assessed: dict[str, Assessment] = {}

    def _add(self, spec: RuleSpec) -> None:
        if spec.kind == RuleKind.REGEX:
            self.regexes.append((spec, re.compile(fold_pattern(spec.pattern), re.IGNORECASE)))
        elif spec.kind == RuleKind.COOCCUR:
            parts = [[fold(word) for word in part] for part in cooccur_parts(spec.pattern)]
            for term in (term for part in parts for term in part):
                self.cooccurs_by_term.setdefault(term, set()).add(len(self.cooccurs))
            self.cooccurs.append((spec, parts))
        else:
            self.word_rules.setdefault(fold(spec.pattern.strip()), []).append(spec)

    def assess(self, text: str) -> Assessment:
        """The assessment of a text, memoised: an import repeats descriptions, and an Assessment is immutable."""
        found = self._assessed.get(text)
        if found is None:
            if len(self._assessed) > 20_000:  # bound the memory, as for the prefixes
                self._assessed.clear()
            found = self._assessed[text] = self._assess(text)
        return found

    def _assess(self, text: str) -> Assessment:
        folded = fold(text)
        # zhconv folds character for character nearly always; if not, offsets refer to the folded text.
        original = text if len(folded) == len(text) else folded
        tokens: list[Token] = self.segmenter.tokenize(folded)
        found = self._terms(tokens)
        hits = [
            *self._word_hits(found, original),
            *self._regex_hits(folded, original, tokens),
            *self._cooccur_hits(found, original),
        ]
        return self._summarise(hits)

    def _terms(self, tokens: list[Token]) -> dict[str, list[Occurrence]]:
        found: dict[str, list[Occurrence]] = {}
        for i, (word, start, _end) in enumerate(tokens):
            for term in self._prefix_terms(word):
                found.setdefault(term, []).append((start, start + len(term), is_negated(tokens, i, start, term)))
            for sequence, term in self.sequences.get(word, ()):
                if tuple(t[0] for t in tokens[i : i + len(sequence)]) == sequence:
                    end = tokens[i + len(sequence) - 1][2]
                    found.setdefault(term, []).append((start, end, is_negated(tokens, i, start, term)))
        return found

    def _prefix_terms(self, word: str) -> tuple[str, ...]:
        """The single-token terms this token starts with, memoised: a station's texts reuse a small vocabulary."""
        terms = self._prefixes.get(word)
        if terms is None:
            if len(self._prefixes) > 100_000:  # bound the memory; new numbers and names keep arriving
                self._prefixes.clear()
            limit = min(len(word), self.longest)
            terms = tuple(word[:n] for n in range(1, limit + 1) if word[:n] in self.single)
            self._prefixes[word] = terms
        return terms

    def _word_hits(self, found: dict[str, list[Occurrence]], original: str) -> Iterable[Hit]:
        for term, occurrences in found.items():
            start, end, negated = _best(occurrences)
            for spec in self.word_rules.get(term, ()):
                yield _hit(spec, original[start:end], ((start, end),), negated)

    def _regex_hits(self, folded: str, original: str, tokens: list[Token]) -> Iterable[Hit]:
        if not self.regexes or self.any_regex.search(folded) is None:
            return
        ends: list[int] | None = None
        for spec, regex in self.regexes:
            occurrences: list[Occurrence] = []
            for match in regex.finditer(folded):
                if match.end() > match.start():
                    ends = ends or [end for _w, _s, end in tokens]
                    before = bisect_right(ends, match.start())
                    negated = is_negated(tokens, before, match.start(), match.group())
                    occurrences.append((match.start(), match.end(), negated))
            if occurrences:
                start, end, negated = _best(occurrences)
                yield _hit(spec, original[start:end], ((start, end),), negated)

    def _cooccur_hits(self, found: dict[str, list[Occurrence]], original: str) -> Iterable[Hit]:
        candidates = {index for term in found for index in self.cooccurs_by_term.get(term, ())}
        for index in sorted(candidates):
            spec, parts = self.cooccurs[index]
            chosen = [_best([o for term in part for o in found.get(term, ())]) for part in parts if _any(found, part)]
            if len(chosen) == len(parts):
                phrase = "…".join(original[start:end] for start, end, _n in chosen)
                negated = any(n for _s, _e, n in chosen)
                yield _hit(spec, phrase, tuple((start, end) for start, end, _n in chosen), negated)

    def _summarise(self, hits: list[Hit]) -> Assessment:
        hits = _mark_subsumed(hits)
        category_scores: dict[str, int] = {}
        for hit in hits:
            if hit.counted:
                category_scores[hit.category] = category_scores.get(hit.category, 0) + hit.weight
        score = sum(category_scores.values())
        ordered = tuple(sorted(hits, key=lambda h: (not h.counted, -h.weight, h.start)))
        return Assessment(level_for(score), score, ordered, category_scores, self.version)


def _mark_subsumed(hits: list[Hit]) -> list[Hit]:
    """A weaker hit found entirely inside a heavier counted hit of the same category adds nothing.

    So 冒充公检法 counts once (10), not as 冒充公检法 plus 公检法 (18); weak signs elsewhere in the text still add up.
    """
    counted: list[Hit] = []
    result: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.negated, -h.weight, -_length(h), h.start)):
        if not hit.negated and any(c.category == hit.category and _inside(hit, c) for c in counted):
            hit = replace(hit, subsumed=True)
        elif not hit.negated:
            counted.append(hit)
        result.append(hit)
    return result


def _length(hit: Hit) -> int:
    return sum(end - start for start, end in hit.spans)


def _inside(inner: Hit, outer: Hit) -> bool:
    return all(any(o0 <= i0 and i1 <= o1 for o0, o1 in outer.spans) for i0, i1 in inner.spans)


def is_negated(tokens: list[Token], index: int, start: int, phrase: str) -> bool:
    """Whether a negator token ends within NEGATION_WINDOW characters before `start`, in the same clause.

    `index` is the position of the first token at or after `start`. A phrase containing 不 is never cancelled.
    """
    if "不" in phrase:
        return False
    for word, _tstart, tend in reversed(tokens[:index]):
        if start - tend > NEGATION_WINDOW or word in SCOPE_BREAKERS or _CLAUSE_END.match(word):
            return False
        if word in NEGATORS or word in PREVENTION_WORDS:
            return True
    return False


def fold_pattern(pattern: str) -> str:
    """Traditional → simplified in a regex without lower-casing it (\\D and \\d must stay distinct)."""
    return "".join(fold(ch) if "\u4e00" <= ch <= "\u9fff" else ch for ch in pattern)


def _best(occurrences: list[Occurrence]) -> Occurrence:
    """The first occurrence that is not negated, else the first one: one negated mention does not hide a real one."""
    return next((o for o in occurrences if not o[2]), occurrences[0])


def _any(found: dict[str, list[Occurrence]], part: list[str]) -> bool:
    return any(term in found for term in part)


def _hit(spec: RuleSpec, phrase: str, spans: tuple[tuple[int, int], ...], negated: bool) -> Hit:
    return Hit(phrase, spec.category, spec.kind, spec.pattern, spec.weight, negated, spans)


def record_assessment(matter: Matter, rules: Sequence[RiskRule] | None = None) -> RiskAssessment:
    """Assess a matter's description and store the result as a new RiskAssessment row."""
    return store_assessment(matter, assess(matter.description, rules))


def store_assessment(matter: Matter, result: Assessment) -> RiskAssessment:
    """Store an assessment made earlier, e.g. before registration saved the matter with a raised priority."""
    return RiskAssessment.objects.create(
        matter=matter,
        level=result.level,
        score=result.score,
        explanations=result.explanations,
        assessed_at=timezone.now(),
        lexicon_version=result.lexicon_version,
    )


def latest_assessment(matter_id: int) -> RiskAssessment | None:
    return RiskAssessment.objects.filter(matter_id=matter_id).order_by("-assessed_at", "-id").first()


# --- The lexicon file --------------------------------------------------------------------------------------------


class LexiconError(ValueError):
    """A lexicon file that cannot be loaded; the message names every bad row and its problem."""


@dataclass(frozen=True)
class LexiconRow:
    line: int
    category: str
    kind: str
    pattern: str
    weight: int
    note: str

    @property
    def spec(self) -> RuleSpec:
        return RuleSpec(self.category, self.kind, self.pattern, self.weight)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    deactivated: int


def read_lexicon(path: Path = LEXICON_FILE) -> list[LexiconRow]:
    """Parse and check the whole file; raises LexiconError listing every problem, before anything is written."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise LexiconError(_("%(file)s: missing columns: %(columns)s.") % _file_and(path, missing))
            rows, problems = _check_rows(reader)
    except UnicodeDecodeError as exc:
        raise LexiconError(_("%(file)s is not UTF-8 text.") % {"file": path.name}) from exc
    if not rows and not problems:
        problems.append(_("the file has no rules"))
    if problems:
        raise LexiconError(_("%(file)s: %(problems)s") % {"file": path.name, "problems": "; ".join(problems)})
    return rows


def file_specs(path: Path = LEXICON_FILE) -> tuple[RuleSpec, ...]:
    """The rules of a lexicon file as the scorer sees them, without the database (benchmark, evaluation)."""
    return tuple(sorted(row.spec for row in read_lexicon(path)))


def _file_and(path: Path, columns: list[str]) -> dict[str, str]:
    return {"file": path.name, "columns": ", ".join(columns)}


def _check_rows(reader: "csv.DictReader[str]") -> tuple[list[LexiconRow], list[str]]:
    rows: list[LexiconRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        row, problem = _check_row(line, raw)
        if row is not None:
            key = (row.category, row.kind, row.pattern)
            if key in seen:
                row, problem = None, _("same rule as line %(other)s") % {"other": seen[key]}
            else:
                seen[key] = line
        if problem is not None:
            problems.append(_("line %(line)s: %(problem)s") % {"line": line, "problem": problem})
        elif row is not None:
            rows.append(row)
    return rows, problems


def _check_row(line: int, raw: dict[str, str | None]) -> tuple[LexiconRow | None, str | None]:
    category, kind = (raw.get("category") or "").strip(), (raw.get("kind") or "").strip()
    pattern, weight_text = (raw.get("pattern") or "").strip(), (raw.get("weight") or "").strip()
    if category not in RiskCategory.values:
        return None, _("unknown category “%(value)s” (expected one of %(choices)s)") % {
            "value": category,
            "choices": ", ".join(RiskCategory.values),
        }
    if kind not in RuleKind.values:
        return None, _("unknown kind “%(value)s” (expected word, regex or cooccur)") % {"value": kind}
    if not re.fullmatch(r"\d+", weight_text) or not 1 <= int(weight_text) <= MAX_WEIGHT:
        return None, _("weight “%(value)s” is not a whole number from 1 to %(max)s") % {
            "value": weight_text,
            "max": MAX_WEIGHT,
        }
    problem = pattern_problem(kind, pattern)
    if problem is not None:
        return None, _("pattern “%(pattern)s”: %(problem)s") % {"pattern": pattern, "problem": problem}
    return LexiconRow(line, category, kind, pattern, int(weight_text), (raw.get("note") or "").strip()), None


def load_lexicon(path: Path = LEXICON_FILE, *, replace: bool = False, model: Any = RiskRule) -> LoadResult:
    """Create or update a rule for every row (idempotent); with `replace`, deactivate rules absent from the file.

    Without `replace`, rules a station added in the admin survive a reload. `model` is the historical model when
    called from a data migration.
    """
    rows = read_lexicon(path)
    with transaction.atomic():
        return _write_rows(rows, replace, model)


def _write_rows(rows: list[LexiconRow], replace: bool, model: type[models.Model]) -> LoadResult:
    manager: Any = model._default_manager
    existing = {(r.category, r.kind, r.pattern): r for r in manager.all()}
    created = updated = 0
    for row in rows:
        rule = existing.get((row.category, row.kind, row.pattern))
        if rule is None:
            manager.create(category=row.category, kind=row.kind, pattern=row.pattern, weight=row.weight, note=row.note)
            created += 1
        elif (rule.weight, rule.note, rule.active) != (row.weight, row.note, True):
            rule.weight, rule.note, rule.active = row.weight, row.note, True
            rule.save(update_fields=["weight", "note", "active", "updated_at"])
            updated += 1
    deactivated = 0
    if replace:
        keys = {(row.category, row.kind, row.pattern) for row in rows}
        stale = [r.pk for key, r in existing.items() if key not in keys and r.active]
        deactivated = manager.filter(pk__in=stale).update(active=False, updated_at=timezone.now())
    return LoadResult(created, updated, len(rows) - created - updated, deactivated)


# --- Evaluation against a labelled set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledText:
    text: str
    level: str
    categories: frozenset[str]
    split: str = ""  # "tune": the lexicon was adjusted while looking at these; "holdout": never


@dataclass
class Counts:
    """True positives, false positives and false negatives of one label; precision and recall from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        self.tp += expected and predicted
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


OVERALL = "overall"
HIGH = "high"


def read_labelled(path: Path) -> list[LabelledText]:
    """The evaluation set: text, expected_level, expected_categories (“|”-separated, empty for none), split."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            LabelledText(
                row["text"],
                row["expected_level"].strip(),
                frozenset(c.strip() for c in row["expected_categories"].split("|") if c.strip()),
                (row.get("split") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]


def evaluate(predict: Callable[[str], Assessment], labelled: Iterable[LabelledText]) -> dict[str, Counts]:
    """Counts per category, micro-averaged over all categories (`overall`), and for the `high` level."""
    counts = {key: Counts() for key in [*RiskCategory.values, OVERALL, HIGH]}
    for item in labelled:
        result = predict(item.text)
        for category in RiskCategory.values:
            expected, predicted = category in item.categories, category in result.categories
            counts[category].add(expected, predicted)
            counts[OVERALL].add(expected, predicted)
        counts[HIGH].add(item.level == RiskLevel.HIGH, result.level == RiskLevel.HIGH)
    return counts
