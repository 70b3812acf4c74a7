"""After-commit recount of the rollup days a transaction touched.

Marks collect in a per-thread set; every mark also asks for a flush after the commit, and the first flush
empties the set, so a transaction that saves a thousand matters still recounts each day once. A rolled-back
transaction leaves its marks behind: the next flush recounts those days too, which is harmless.
"""

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from fengqiao.matters.models import Matter
from fengqiao.stats.domain.periods import local_day
from fengqiao.stats.domain.rollup import rebuild_days

logger = logging.getLogger(__name__)
_local = threading.local()
# Set by deferred(): marks collect here and schedule no recount.
_deferred: ContextVar[set[tuple[int, dt.date]] | None] = ContextVar("stats_refresh_deferred", default=None)


def _pending() -> set[tuple[int, dt.date]]:
    if not hasattr(_local, "days"):
        _local.days = set()
    days: set[tuple[int, dt.date]] = _local.days
    return days


@contextmanager
def deferred() -> Iterator[set[tuple[int, dt.date]]]:
    """Marks inside only collect their (station, day) in the set yielded; nothing is recounted after the commit.

    For an import: each of its batches would otherwise recount the days, and the months, it touched — a month of
    calls recounted a thousand times. The importer keeps the days with its checkpoint and calls recount() once.
    """
    days: set[tuple[int, dt.date]] = set()
    token = _deferred.set(days)
    try:
        yield days
    finally:
        _deferred.reset(token)


def mark(station_id: int, reported_at: dt.datetime) -> None:
    deferring = _deferred.get()
    if deferring is not None:
        deferring.add((station_id, local_day(reported_at)))
        return
    _pending().add((station_id, local_day(reported_at)))
    # robust: the data is committed already; a failed recount is logged (and `stats rebuild` repairs it).
    transaction.on_commit(flush, robust=True)


def mark_matters(matters: Iterable[Matter]) -> None:
    """For writers that bypass signals (bulk_create): mark their matters' days."""
    for matter in matters:
        mark(matter.station_id, matter.reported_at)


def flush() -> None:
    pending = _pending()
    if not pending:
        return
    marked = list(pending)
    pending.clear()
    recount(marked)


def recount(marked: Iterable[tuple[int, dt.date]]) -> None:
    """Recount these (station, day) pairs, each station's days at once."""
    by_station: dict[int, set[dt.date]] = defaultdict(set)
    for station_id, day in marked:
        by_station[station_id].add(day)
    for station_id, days in by_station.items():
        rebuild_days(station_id, days)
