"""A KPI filter (data) as a query: on the rollup's columns, or on the matters themselves.

The same filter reads the same on both sides, so the rollup and a direct count over the matters agree, and the
dashboard's click-through lists exactly the matters a figure counted.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class Columns:
    category: str
    channel: str
    kind: str
    outcome: str
    no_outcome: Q  # an unresolved matter: outcome "" in the filter


ROLLUP = Columns("category", "channel", "kind", "outcome", Q(outcome=""))
MATTER = Columns("category__code", "channel", "kind", "outcome__code", Q(outcome__isnull=True))


def filter_q(spec: dict[str, Any], columns: Columns) -> Q:
    """Every key must hold; the codes of one key are alternatives. An empty filter matches everything."""
    q = Q()
    for key, values in spec.items():
        if not values:
            continue
        negate = key.startswith("exclude_")
        base = key.removeprefix("exclude_")
        part = _part(base, list(values), columns)
        q &= ~part if negate else part
    return q


def _part(key: str, values: list[str], columns: Columns) -> Q:
    if key == "categories":
        return reduce(or_, (Q(**{f"{columns.category}__startswith": code}) for code in values))
    if key == "outcomes":
        codes = [code for code in values if code]
        q = Q(**{f"{columns.outcome}__in": codes}) if codes else Q(pk__in=[])
        return q | columns.no_outcome if "" in values else q
    field = {"channels": columns.channel, "kinds": columns.kind}[key]
    return Q(**{f"{field}__in": values})


def row_matches(spec: dict[str, Any], row: dict[str, Any]) -> bool:
    """`filter_q` evaluated on one grouped rollup row (category, channel, kind, outcome) in Python.

    Summaries group the rollup by these four columns and apply every KPI's filter to the few hundred groups:
    one cheap scan instead of a conditional sum per KPI over every row. Tests check both agree with the raw rows.
    """
    for key, values in spec.items():
        if not values:
            continue
        base = key.removeprefix("exclude_")
        if base == "categories":
            hit = any(str(row["category"]).startswith(code) for code in values)
        else:
            column = {"channels": "channel", "kinds": "kind", "outcomes": "outcome"}[base]
            hit = (row.get(column) or "") in values
        if hit == key.startswith("exclude_"):
            return False
    return True
