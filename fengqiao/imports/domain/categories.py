"""From a ledger's category text or code to a Code row and the kind of matter.

Ledgers write the category as a code (0205, or 205 once Excel has eaten the zero), as the label (邻里纠纷), or as
the label in traditional characters (鄰里糾紛). The kind is inferred from keywords of the category and its
parents (data/kinds.csv, first match wins); a category that names none is a request for help.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.normalize import halfwidth, match_key
from fengqiao.matters.models import Kind

KINDS_FILE = Path(__file__).resolve().parent.parent / "data" / "kinds.csv"
FALLBACK_CODE = "9999"
DEFAULT_KIND = Kind.HELP


def load_keywords(path: Path = KINDS_FILE) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(row["keyword"].strip(), row["kind"].strip()) for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    kind: str


class Categories:
    """Every active category of the code table, looked up by code, label or folded label; loaded once per job."""

    def __init__(self) -> None:
        codes = {code.pk: code for code in Code.objects.active(CodeTable.CATEGORIES)}
        keywords = load_keywords()
        self._by_key: dict[str, Category] = {}
        for code in codes.values():
            category = Category(code.code, code.label_zh, _kind_of(code, codes, keywords))
            for key in (code.label_en, code.label_zh, code.code):  # codes win over labels that look alike
                if key:
                    self._by_key[match_key(key)] = category
        self.fallback = self._by_key[FALLBACK_CODE]

    def find(self, text: str) -> Category | None:
        key = match_key(text)
        found = self._by_key.get(key)
        if found is None and key.isdigit() and len(key) % 2:
            found = self._by_key.get("0" + key)  # Excel stored 0205 as the number 205
        return found


def _kind_of(code: Code, codes: dict[int, Code], keywords: list[tuple[str, str]]) -> str:
    labels = []
    current: Code | None = code
    while current is not None:
        labels.append(current.label_zh)
        current = codes.get(current.parent_id) if current.parent_id else None
    for label in labels:
        for keyword, kind in keywords:
            if keyword in halfwidth(label):
                return kind
    return DEFAULT_KIND
