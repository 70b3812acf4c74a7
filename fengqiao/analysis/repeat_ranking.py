"""Ranking of repeat addresses, persons, phones and pairs of a station over a period, in SQL.

Not a replay of the registration check: one query per kind counts, for every call, the calls of the same key in
the `window` days up to it (a window function over a RANGE frame), and keeps the keys whose peak reaches `min`.

Personal data never leaves this module unmasked: phones and ID numbers are masked in the labels.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils.translation import gettext as _

from fengqiao.analysis.models import MAX_WINDOW_DAYS, RepeatReason
from fengqiao.analysis.repeats import MATTER, PARTY, PERSON, phone_key
from fengqiao.analysis.sql import db_datetime, from_db_datetime
from fengqiao.lib.errors import DomainError
from fengqiao.lib.masking import mask_id_number, mask_phone
from fengqiao.matters.models import Stage
from fengqiao.people.models import Person
from fengqiao.stations.models import StandardAddress

MAX_MIN_CALLS = 100
REASON_RANK = {reason: index for index, reason in enumerate(RepeatReason)}
ADDRESS = StandardAddress._meta.db_table
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class RankingQuery:
    station_id: int
    since: dt.datetime
    until: dt.datetime
    window_days: int = 30
    min_calls: int = 3

    def validate(self) -> None:
        if self.until <= self.since:
            raise DomainError("invalid", _("The end of the period must come after its start."), "until")
        if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
            raise DomainError(
                "invalid", _("The window must be 1 to %(max)d days.") % {"max": MAX_WINDOW_DAYS}, "window"
            )
        if not 2 <= self.min_calls <= MAX_MIN_CALLS:
            raise DomainError("invalid", _("The minimum must be 2 to %(max)d calls.") % {"max": MAX_MIN_CALLS}, "min")


def period(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Whole days in the station's time zone, both included: [since 00:00, the day after until 00:00)."""
    start = dt.datetime.combine(since, dt.time(), SHANGHAI)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), SHANGHAI)
    return start, end


@dataclass(frozen=True)
class RankedKey:
    kind: RepeatReason
    key: str  # address id, person id, "a-b" person ids, or the phone's keyed hash — never a number
    subject: str  # masked
    calls: int  # calls in the period
    peak: int  # the most calls within `window_days`
    first_at: dt.datetime
    last_at: dt.datetime

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)


# Each kind: the key columns, and where its calls come from with the conditions that join them; `m` is the matter.
# Joins are written as CROSS JOIN + WHERE so that SQLite reads the matters first, in table order, and their parties
# through the (matter, person, role) index: far cheaper than a random matter lookup per party.
_SOURCES: dict[RepeatReason, tuple[str, str, str]] = {
    RepeatReason.SAME_PERSON: ("p.person_id AS k1, 0 AS k2", f"{MATTER} m CROSS JOIN {PARTY} p", "p.matter_id = m.id"),
    # A phone of one person record only repeats that person's row: phones are ranked when several person records
    # share them (callers without an ID number are a new record at every call). Read from the phone index, those
    # few persons first.
    RepeatReason.SAME_PHONE: (
        "pe.phone AS k1, 0 AS k2",
        f"{PERSON} pe CROSS JOIN {PARTY} p CROSS JOIN {MATTER} m",
        f"pe.phone IN (SELECT phone FROM {PERSON} WHERE station_id = %s AND phone <> '' GROUP BY phone"
        " HAVING COUNT(*) > 1) AND p.person_id = pe.id AND m.id = p.matter_id",
    ),
    RepeatReason.SAME_PARTIES: (
        "a.person_id AS k1, b.person_id AS k2",
        f"{MATTER} m CROSS JOIN {PARTY} a CROSS JOIN {PARTY} b",
        "a.matter_id = m.id AND b.matter_id = m.id AND a.person_id < b.person_id",
    ),
}


def _day_number(column: str) -> str:
    """Days as a number, for a RANGE frame of N days that both databases understand."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) / 86400.0)"
    return f"julianday({column})"


def _period_filter() -> str:
    # In SQLite a unary + keeps the (station, reported_at) index out: over a long period, reading the table in order
    # beats a random row lookup per call. PostgreSQL plans from its statistics (and has no unary + on timestamps).
    plus = "+" if connection.vendor == "sqlite" else ""
    return f"{plus}m.station_id = %s AND {plus}m.reported_at >= %s AND {plus}m.reported_at < %s AND {plus}m.stage <> %s"


def _windowed(keys: str, source: str, where: str, window_days: int) -> str:
    """Per key: calls, the most calls within the window (a RANGE frame on the day number), first and last call.

    The rows are not made distinct (DISTINCT makes SQLite sort everything twice): a person on one call in two roles,
    or two persons with one phone on one call, add one to that window's count; the calls column counts distinct
    calls (by time). `window_days` is a checked int: a frame offset cannot be a bound parameter in SQLite.
    """
    return f"""
        SELECT k1, k2, COUNT(DISTINCT at), MAX(n), MIN(at), MAX(at) FROM (
            SELECT k1, k2, at, COUNT(*) OVER (
                PARTITION BY k1, k2 ORDER BY {_day_number("at")}
                RANGE BETWEEN {int(window_days)} PRECEDING AND CURRENT ROW
            ) AS n
            FROM (SELECT {keys}, m.reported_at AS at FROM {source} WHERE {where}) calls
        ) counted
        GROUP BY k1, k2 HAVING MAX(n) >= %s
    """


def _ranking_sql(kind: RepeatReason, window_days: int) -> str:
    if kind == RepeatReason.SAME_ADDRESS:
        # The (address, reported_at) index holds the rows in the window's order; the station's addresses bound it.
        where = (
            f"m.address_id IN (SELECT id FROM {ADDRESS} WHERE station_id = %s)"
            " AND m.reported_at >= %s AND m.reported_at < %s"
            f" AND m.id NOT IN (SELECT id FROM {MATTER} WHERE station_id = %s AND stage = %s)"
        )
        return _windowed("m.address_id AS k1, 0 AS k2", f"{MATTER} m", where, window_days)
    keys, source, joins = _SOURCES[kind]
    return _windowed(keys, source, f"{joins} AND {_period_filter()}", window_days)


RawRow = tuple[int | str, int, int, int, dt.datetime, dt.datetime]


def _raw_rows(kind: RepeatReason, query: RankingQuery) -> list[RawRow]:
    since, until = db_datetime(query.since), db_datetime(query.until)
    params: list[Any]
    if kind == RepeatReason.SAME_ADDRESS:
        params = [query.station_id, since, until, query.station_id, Stage.MERGED, query.min_calls]
    elif kind == RepeatReason.SAME_PHONE:
        params = [query.station_id, query.station_id, since, until, Stage.MERGED, query.min_calls]
    else:
        params = [query.station_id, since, until, Stage.MERGED, query.min_calls]
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(kind, query.window_days), params)
        return [
            (k1, k2, calls, peak, from_db_datetime(first), from_db_datetime(last))
            for k1, k2, calls, peak, first, last in cursor.fetchall()
        ]


def rank(query: RankingQuery, kinds: Sequence[RepeatReason] = tuple(RepeatReason)) -> list[RankedKey]:
    """Every key of these kinds with a peak of at least `min_calls`, the highest peak first; one query per kind
    for the counts and one per kind for the labels."""
    query.validate()
    ranked: list[RankedKey] = []
    for kind in kinds:
        rows = _raw_rows(kind, query)
        labels = _labels(kind, query.station_id, rows)
        ranked += [
            RankedKey(kind, _key(kind, k1, k2), labels[(k1, k2)], calls, peak, first, last)
            for k1, k2, calls, peak, first, last in rows
        ]
    ranked.sort(key=lambda row: (-row.peak, -row.calls, -row.last_at.timestamp(), REASON_RANK[row.kind], row.key))
    return ranked


def _key(kind: RepeatReason, k1: int | str, k2: int) -> str:
    if kind == RepeatReason.SAME_PHONE:
        return phone_key(str(k1))
    if kind == RepeatReason.SAME_PARTIES:
        return f"{k1}-{k2}"
    return str(k1)


Labels = dict[tuple[int | str, int], str]


def _labels(kind: RepeatReason, station_id: int, rows: Sequence[RawRow]) -> Labels:
    if not rows:
        return {}
    if kind == RepeatReason.SAME_ADDRESS:
        ids = [int(r[0]) for r in rows]
        texts = dict(StandardAddress.objects.filter(pk__in=ids).values_list("pk", "full_text"))
        return {(r[0], r[1]): texts.get(int(r[0]), "") for r in rows}
    if kind == RepeatReason.SAME_PHONE:
        return _phone_labels(station_id, rows)
    persons = _persons({int(r[0]) for r in rows} | {r[1] for r in rows if r[1]})
    if kind == RepeatReason.SAME_PERSON:
        return {(r[0], r[1]): persons.get(int(r[0]), "") for r in rows}
    return {(r[0], r[1]): f"{persons.get(int(r[0]), '')} & {persons.get(r[1], '')}" for r in rows}


def _persons(ids: set[int]) -> dict[int, str]:
    """Name with the masked phone and ID number: enough to recognise, nothing to copy."""
    rows = Person.objects.filter(pk__in=ids).values_list("pk", "name", "phone", "id_number")
    return {
        pk: " ".join(part for part in (name, mask_phone(phone), mask_id_number(id_number)) if part)
        for pk, name, phone, id_number in rows
    }


def _phone_labels(station_id: int, rows: Sequence[RawRow]) -> Labels:
    phones = [str(r[0]) for r in rows]
    names: dict[str, set[str]] = {}
    for phone, name in Person.objects.filter(station_id=station_id, phone__in=phones).values_list("phone", "name"):
        names.setdefault(phone, set()).add(name)
    return {(r[0], r[1]): f"{mask_phone(str(r[0]))} ({', '.join(sorted(names.get(str(r[0]), set())))})" for r in rows}
