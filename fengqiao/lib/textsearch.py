"""Search documents that find two-character Chinese words on SQLite and PostgreSQL alike.

Chinese has no spaces, and SQLite's trigram tokenizer cannot match a two-character word such as 纠纷. So the
text is indexed as words: every run of CJK characters becomes its overlapping bigrams (and a lone character
stays itself), every run of letters or digits becomes one lower-cased word. A query is cut the same way and all
its tokens must be present, which finds any substring of two or more characters. The document is stored on
the row and indexed by FTS5 (SQLite) or a GIN tsvector index (PostgreSQL); see fengqiao/matters/search.py.
"""

import re
from functools import lru_cache

from fengqiao.lib.chinese import fold

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RUNS = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_ASCII_RUNS = re.compile(r"[0-9a-z]+")


def _run_tokens(run: str) -> list[str]:
    if not _IS_CJK.match(run):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """Tokens of a text in order, duplicates kept (the caller decides)."""
    return list(_cached_tokens(text))


# Imports repeat descriptions, places and names: each distinct text is cut once. Reference-like texts (ASCII)
# are cheap to cut and would only churn the cache, so they skip it, and zhconv, which has nothing to fold there.
@lru_cache(maxsize=8192)  # ≈ 10 MB at most
def _cached_tokens(text: str) -> tuple[str, ...]:
    return _cut(text)


def _cut(text: str) -> tuple[str, ...]:
    if text.isascii():  # references and call numbers: letters and digits only, nothing to fold or pair
        return tuple(_ASCII_RUNS.findall(text.lower()))
    out: list[str] = []
    for run in _TOKEN_RUNS.findall(fold(text)):
        out.extend(_run_tokens(run))
    return tuple(out)


def cut(text: str) -> tuple[str, ...]:
    """The tokens of a text, not cached: for texts that seldom repeat (an import's addresses)."""
    return _cut(text)


def document(*parts: str | tuple[str, ...]) -> str:
    """The indexed form of several texts: unique tokens separated by spaces. A part may come as its tokens, cut
    beforehand (`cut`, by an import's reading process)."""
    seen: dict[str, None] = {}
    for part in parts:
        if isinstance(part, tuple):
            seen.update(dict.fromkeys(part))
        elif part:
            seen.update(dict.fromkeys(_cut(part) if part.isascii() else _cached_tokens(part)))
    return " ".join(seen)


def query_tokens(query: str) -> list[str]:
    """Tokens a matching document must all contain; empty when the query has nothing searchable."""
    return list(dict.fromkeys(tokens(query)))
