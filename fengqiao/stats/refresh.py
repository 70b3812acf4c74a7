"""After-commit recount of the rollup days a transaction touched.

Marks collect in a per-thread set; every mark also asks for a flush after the commit, and the first flush
empties the set, so a transaction that saves a thousand matters still recounts each day once. A rolled-back
transaction leaves its marks behind: the next flush recounts those days too, which is harmless.
"""

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from fengqiao.matters.models import Matter
from fengqiao.stats.domain.periods import local_day
from fengqiao.stats.domain.rollup import rebuild_days

logger = logging.getLogger(__name__)
_local = threading.local()


def _pending() -> set[tuple[int, dt.date]]:
    if not hasattr(_local, "days"):
        _local.days = set()
    days: set[tuple[int, dt.date]] = _local.days
    return days


def mark(station_id: int, reported_at: dt.datetime) -> None:
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
    by_station: dict[int, set[dt.date]] = defaultdict(set)
    for station_id, day in pending:
        by_station[station_id].add(day)
    pending.clear()
    for station_id, days in by_station.items():
        rebuild_days(station_id, days)
