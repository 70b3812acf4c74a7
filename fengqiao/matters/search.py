"""Full-text search over matters that finds two-character Chinese words on both databases.

The document (see `fengqiao.lib.textsearch`) is stored in `Matter.search_doc` and indexed by an FTS5 table on
SQLite and by a GIN index over its token array on PostgreSQL. Both indexes are created by `ensure_index()` after
every migrate: on SQLite, Django rebuilds a table when a later migration alters it, which drops its triggers, so
they are checked and recreated (and the index rebuilt) rather than made once in a migration.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from fengqiao.lib.textsearch import document, query_tokens
from fengqiao.matters.models import Matter, MatterQuerySet

_SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS matters_matter_fts USING fts5("
    "search_doc, content='matters_matter', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS matters_matter_fts_ai AFTER INSERT ON matters_matter BEGIN "
    "INSERT INTO matters_matter_fts(rowid, search_doc) VALUES (new.id, new.search_doc); END",
    "CREATE TRIGGER IF NOT EXISTS matters_matter_fts_ad AFTER DELETE ON matters_matter BEGIN "
    "INSERT INTO matters_matter_fts(matters_matter_fts, rowid, search_doc) "
    "VALUES ('delete', old.id, old.search_doc); END",
    "CREATE TRIGGER IF NOT EXISTS matters_matter_fts_au AFTER UPDATE OF search_doc ON matters_matter BEGIN "
    "INSERT INTO matters_matter_fts(matters_matter_fts, rowid, search_doc) "
    "VALUES ('delete', old.id, old.search_doc); "
    "INSERT INTO matters_matter_fts(rowid, search_doc) VALUES (new.id, new.search_doc); END",
]
_POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS matters_matter_search_gin "
    "ON matters_matter USING gin (string_to_array(search_doc, ' '))",
]


def ensure_index(**kwargs: Any) -> None:
    """Create the search index where it is missing (a post_migrate handler; safe to run any time)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE 'matters_matter_fts_%'"
            )
            missing = cursor.fetchone()[0] < 3
            for statement in _SQLITE_SETUP:
                cursor.execute(statement)
            if missing:
                cursor.execute("INSERT INTO matters_matter_fts(matters_matter_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            for statement in _POSTGRES_SETUP:
                cursor.execute(statement)


@contextmanager
def indexed_in_bulk(first_id: int, last_id: int) -> Iterator[None]:
    """New matters with ids first_id..last_id are inserted inside; they are indexed at the end, all at once.

    On SQLite the insert trigger costs far more than the insert itself (FTS5 writes each trigger call out as its
    own segment: ≈ 175 µs a row against ≈ 5 µs for the same rows in one INSERT … SELECT). So it is dropped for
    the time of the insert and created again before the one INSERT … SELECT — all in the caller's transaction,
    which holds SQLite's write lock: no other writer can insert without it, and a rollback (or a crash) restores
    it with the rest. PostgreSQL's GIN index needs nothing.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexed_in_bulk() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS matters_matter_fts_ai")
    yield  # an error here leaves the rest undone: the caller's rollback brings the trigger back
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SETUP[1])
        cursor.execute(
            "INSERT INTO matters_matter_fts(rowid, search_doc)"
            " SELECT id, search_doc FROM matters_matter WHERE id >= %s AND id <= %s",
            [first_id, last_id],
        )


def matter_document(
    matter: Matter, place: str | tuple[str, ...], names: Sequence[str], notes: Sequence[str] = ()
) -> str:
    """What a matter is found by: its description, place, category (both labels), reference and call number, the
    names of its parties and the notes of its follow-up actions. `place` may come as tokens cut beforehand."""
    category = matter.category
    return document(
        matter.description,
        place,
        category.label_zh,
        category.label_en,
        matter.reference or "",
        matter.external_ref,
        *names,
        *notes,
    )


def refresh_search_doc(matter: Matter) -> None:
    """Recompute the document from the rows: after registration, and after each follow-up action."""
    names = [party.person.name for party in matter.parties.select_related("person")]
    notes = list(matter.actions.values_list("note", flat=True))
    matter.search_doc = matter_document(matter, matter.place, names, notes)
    matter.save(update_fields=["search_doc"])


def search(queryset: MatterQuerySet, query: str) -> MatterQuerySet:
    """Matters of `queryset` whose description, place or parties contain every word of the query."""
    tokens = query_tokens(query)
    if not tokens:
        return queryset.none()
    indexed = [token for token in tokens if len(token) > 1]
    if indexed:
        queryset = queryset.filter(pk__in=_matching_ids(indexed))
    for char in (token for token in tokens if len(token) == 1):
        # A lone character is no index token: scan for it, within what the other words already narrowed.
        queryset = queryset.filter(
            pk__in=Matter.objects.filter(
                Q(description__icontains=char)
                | Q(address_text__icontains=char)
                | Q(parties__person__name__icontains=char)
            ).values("pk")
        )
    return queryset


def _matching_ids(tokens: list[str]) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL("SELECT id FROM matters_matter WHERE string_to_array(search_doc, ' ') @> %s::text[]", (tokens,))
    match = " ".join(f'"{token}"' for token in tokens)
    return RawSQL("SELECT rowid FROM matters_matter_fts WHERE matters_matter_fts MATCH %s", (match,))
