"""The figures of the blockers' pages: per building, its blockers, its alarms and its blocker hazard matters.

Alarms are counted from the stored `DeviceEvent` rows — the devices app keeps no per-day table — grouped in the
database for all buildings at once (the index on building and time serves both pages).
"""

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fengqiao.devices.domain import alarm_matters
from fengqiao.devices.models import Device, DeviceEvent
from fengqiao.matters.models import Matter, MatterQuerySet
from fengqiao.stations.models import StandardAddress

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
MONTH = dt.timedelta(days=30)
DAYS_CHARTED = 30
LATEST_EVENTS = 20


@dataclass(frozen=True)
class Equipment:
    blockers: int  # active ones: a retired blocker protects nothing
    lifts: int  # lifts that have had a blocker, active or not
    since: dt.datetime  # when the building's first blocker was registered


@dataclass(frozen=True)
class AlarmCounts:
    day: int = 0
    week: int = 0
    month: int = 0
    total: int = 0
    last_at: dt.datetime | None = None


@dataclass(frozen=True)
class BuildingRow:
    building: StandardAddress
    equipment: Equipment
    alarms: AlarmCounts
    hazard: Matter | None  # the open blocker hazard matter, the one further alarms join
    overdue: bool

    @property
    def name(self) -> str:
        """The building within its estate (`9号楼`): the estate has a column of its own."""
        return self.building.full_text.removeprefix(self.estate) or self.building.full_text

    @property
    def estate(self) -> str:
        """Community and estate, as the page groups and filters the buildings."""
        community = self.building.community
        return f"{community.name if community else ''}{self.building.estate}"


@dataclass(frozen=True)
class Totals:
    buildings: int
    blockers: int
    hazards: int
    week: int

    @classmethod
    def of(cls, rows: list[BuildingRow]) -> "Totals":
        return cls(
            buildings=len(rows),
            blockers=sum(row.equipment.blockers for row in rows),
            hazards=sum(1 for row in rows if row.hazard is not None),
            week=sum(row.alarms.week for row in rows),
        )


def building_rows(buildings: QuerySet[StandardAddress], matters: MatterQuerySet, now: dt.datetime) -> list[BuildingRow]:
    """One row per building (each has a blocker: `access.buildings_for_user`), those needing attention first.

    Four queries, whatever the number of buildings."""
    listed = list(buildings.select_related("community"))
    equipment = _equipment(buildings)
    alarms = _alarm_counts(buildings, now)
    hazards = _open_hazards(matters, buildings)
    rows = [
        BuildingRow(
            building=building,
            equipment=equipment[building.pk],
            alarms=alarms.get(building.pk, AlarmCounts()),
            hazard=hazards.get(building.pk),
            overdue=building.pk in hazards and hazards[building.pk].is_overdue(now),
        )
        for building in listed
    ]
    return sorted(rows, key=_attention)


def estates(rows: Iterable[BuildingRow]) -> list[str]:
    return sorted({row.estate for row in rows})


def _equipment(buildings: QuerySet[StandardAddress]) -> dict[int, Equipment]:
    grouped = (
        Device.objects.filter(building__in=buildings.values("pk"))
        .order_by()
        .values("building")
        .annotate(
            blockers=Count("pk", filter=Q(is_active=True)), lifts=Count("lift", distinct=True), since=Min("created_at")
        )
    )
    return {row["building"]: Equipment(row["blockers"], row["lifts"], row["since"]) for row in grouped}


def _alarm_counts(buildings: QuerySet[StandardAddress], now: dt.datetime) -> dict[int, AlarmCounts]:
    grouped = (
        DeviceEvent.objects.alarms()
        .filter(building__in=buildings.values("pk"))
        .order_by()
        .values("building")
        .annotate(
            day=Count("pk", filter=Q(at__gte=now - DAY)),
            week=Count("pk", filter=Q(at__gte=now - WEEK)),
            month=Count("pk", filter=Q(at__gte=now - MONTH)),
            total=Count("pk"),
            last_at=Max("at"),
        )
    )
    return {
        row["building"]: AlarmCounts(row["day"], row["week"], row["month"], row["total"], row["last_at"])
        for row in grouped
    }


def _open_hazards(matters: MatterQuerySet, buildings: QuerySet[StandardAddress]) -> dict[int, Matter]:
    """Each building's open blocker hazard matter: the oldest, as `domain.open_alarm_matter` picks it."""
    found: dict[int, Matter] = {}
    opened = alarm_matters(matters.open()).filter(address__in=buildings.values("pk")).order_by("reported_at", "pk")
    for matter in opened:
        if matter.address_id is not None:
            found.setdefault(matter.address_id, matter)
    return found


def _attention(row: BuildingRow) -> tuple[bool, bool, int, int, str, int, str]:
    """Open hazard first (overdue before the rest), then the most alarms in 7 and 30 days, then by name."""
    building = row.building
    number = int(building.building) if building.building.isdigit() else sys.maxsize
    alarms = row.alarms
    return (row.hazard is None, not row.overdue, -alarms.week, -alarms.month, row.estate, number, building.full_text)


# ---- one building ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayAlarms:
    day: dt.date
    alarms: int
    percent: int  # of the busiest day charted, for the bar


def alarms_per_day(building: StandardAddress, today: dt.date, days: int = DAYS_CHARTED) -> list[DayAlarms]:
    """The building's alarms on each local day (Asia/Shanghai) of the last `days`, today last; one query."""
    zone = timezone.get_default_timezone()
    first = today - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(today + DAY, dt.time.min), zone)
    counts: dict[dt.date, int] = dict(
        DeviceEvent.objects.alarms()
        .filter(building=building, at__gte=start, at__lt=end)
        .annotate(day=TruncDate("at", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(alarms=Count("pk"))
        .values_list("day", "alarms")
    )
    busiest = max(counts.values(), default=0)
    charted = [first + dt.timedelta(days=n) for n in range(days)]
    return [DayAlarms(day, counts.get(day, 0), _percent(counts.get(day, 0), busiest)) for day in charted]


def _percent(alarms: int, busiest: int) -> int:
    return round(100 * alarms / busiest) if busiest else 0


def building_matters(matters: MatterQuerySet, building: StandardAddress) -> MatterQuerySet:
    """The building's blocker hazard matters, open and closed, newest first."""
    return (
        alarm_matters(matters)
        .filter(address=building)
        .select_related("category", "address", "owner")
        .order_by("-reported_at", "-pk")
    )


def latest_events(building: StandardAddress) -> QuerySet[DeviceEvent]:
    """Alarms, faults and repairs, newest first."""
    events = DeviceEvent.objects.filter(building=building).select_related("device", "matter").defer("device__secret")
    return events.order_by("-at", "-pk")[:LATEST_EVENTS]
