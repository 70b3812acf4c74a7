"""Device events: who may post them, recording them once, and turning a burst of alarms into one hazard matter.

The rule: a building with an OPEN device-alarm hazard matter gets every further alarm attached to that matter.
Otherwise, when its alarms not yet attached to any matter reach the station's threshold (default 3 within 24 h),
one hazard matter is registered and those alarms are attached to it. Alarms attached to a matter that was later
closed stay with it, so a closed matter is followed by a new one only after a new burst.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.devices import signing
from fengqiao.devices.models import AlarmThreshold, Device, DeviceEvent, EventKind
from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.registration import Registration, register
from fengqiao.matters.models import Channel, Kind, Matter, MatterQuerySet
from fengqiao.stations.models import StandardAddress, Station

ALARM_CATEGORY = "0902"  # 电梯阻车报警


@dataclass(frozen=True)
class Reading:
    """One event as a device reports it."""

    event_id: str
    kind: str
    at: dt.datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    event: DeviceEvent
    duplicate: bool  # the device had sent this event id before; nothing was written


# ---- who is posting ------------------------------------------------------------------------------------------


def authenticate(device_id: str, timestamp: str, given: str, body: bytes, now: dt.datetime | None = None) -> Device:
    """The active device whose secret signed this body at this timestamp, or a 401 saying what is wrong."""
    sent_at = signing.parse_timestamp(timestamp)
    if sent_at is None:
        message = _("%(header)s must be the time of sending in Unix seconds.") % {"header": signing.TIMESTAMP_HEADER}
        raise DomainError("invalid", message, signing.TIMESTAMP_HEADER, status=400)
    device = Device.objects.select_related("building__station").filter(device_id=device_id, is_active=True).first()
    # The same answer for an unknown and an inactive device: a stolen, retired blocker learns nothing.
    if device is None:
        message = _("No active device is registered as “%(device)s”.") % {"device": device_id}
        raise DomainError("unknown_device", message, "device", status=401)
    if not signing.is_valid(device.secret, timestamp.strip(), body, given):
        message = _("The signature does not match the body; sign “<timestamp>.<body>” with the device's secret.")
        raise DomainError("bad_signature", message, signing.SIGNATURE_HEADER, status=401)
    _check_fresh(sent_at, now or timezone.now())
    return device


def _check_fresh(sent_at: dt.datetime, now: dt.datetime) -> None:
    off_by = signing.skew(sent_at, now)
    if off_by > signing.MAX_SKEW:
        message = _(
            "The timestamp is %(seconds)d seconds away from the server's time; it must be within five minutes. "
            "Check the device's clock, and sign every request afresh."
        ) % {"seconds": int(off_by.total_seconds())}
        raise DomainError("stale_timestamp", message, signing.TIMESTAMP_HEADER, status=401)


# ---- recording -----------------------------------------------------------------------------------------------


def record(device: Device, reading: Reading, received_at: dt.datetime | None = None) -> Recorded:
    """Record an event once; an alarm may open or join the building's hazard matter."""
    _validate(reading)
    with transaction.atomic():
        # One event per building at a time: two alarms arriving together must not both see "2 so far" and both
        # open a matter. PostgreSQL waits on this row lock; SQLite's IMMEDIATE transactions are serialised already.
        building = StandardAddress.objects.select_for_update().select_related("station").get(pk=device.building_id)
        earlier = DeviceEvent.objects.filter(device=device, event_id=reading.event_id).first()
        if earlier is not None:
            return Recorded(earlier, duplicate=True)
        event = DeviceEvent.objects.create(
            device=device,
            building=building,
            event_id=reading.event_id,
            kind=reading.kind,
            at=reading.at,
            received_at=received_at or timezone.now(),
            payload=reading.payload,
        )
        if event.kind == EventKind.EBIKE_DETECTED:
            _escalate(event, building)
    return Recorded(event, duplicate=False)


def _validate(reading: Reading) -> None:
    if not reading.event_id.strip():
        raise DomainError("required", _("Give the event an id, unique for this device."), "event_id")
    if reading.kind not in EventKind.values:
        message = _("“%(value)s” is not a kind of device event; use one of: %(kinds)s.") % {
            "value": reading.kind,
            "kinds": ", ".join(EventKind.values),
        }
        raise DomainError("invalid", message, "kind")
    if timezone.is_naive(reading.at):
        raise DomainError("invalid", _("Give the time with its time zone."), "at")


def _escalate(event: DeviceEvent, building: StandardAddress) -> None:
    matter = open_alarm_matter(building)
    if matter is None:
        threshold = threshold_for(building.station)
        burst = _burst(event, building, threshold)
        if not burst:
            return
        matter = register(building.station, None, _registration(building, burst, threshold, event))
        DeviceEvent.objects.filter(pk__in=[alarm.pk for alarm in burst]).update(matter=matter)
    else:
        DeviceEvent.objects.filter(pk=event.pk).update(matter=matter)
    event.matter = matter


def alarm_matters(matters: MatterQuerySet) -> MatterQuerySet:
    """The hazard matters among `matters` that blockers raised (the campaign page lists them per building too)."""
    return matters.filter(kind=Kind.HAZARD, channel=Channel.DEVICE_ALARM, category__code=ALARM_CATEGORY)


def open_alarm_matter(building: StandardAddress) -> Matter | None:
    """The building's open hazard matter raised by its blockers, if any (the oldest, should there be two)."""
    return (
        alarm_matters(Matter.objects.open())
        .filter(station_id=building.station_id, address=building)
        .order_by("reported_at", "pk")
        .first()
    )


def threshold_for(station: Station) -> AlarmThreshold:
    """The station's own threshold, or the default one (not saved)."""
    return AlarmThreshold.objects.filter(station=station).first() or AlarmThreshold(station=station)


def _burst(event: DeviceEvent, building: StandardAddress, threshold: AlarmThreshold) -> list[DeviceEvent]:
    """The unattached alarms around `event` that reach the threshold within the window, or [] when they don't."""
    window = threshold.window
    nearby = list(
        DeviceEvent.objects.alarms()
        .filter(building=building, matter__isnull=True, at__gte=event.at - window, at__lte=event.at + window)
        .select_related("device")
        .order_by("at", "pk")
    )
    return burst_around(nearby, event, threshold.alarms, window)


def burst_around(
    alarms: Sequence[DeviceEvent], event: DeviceEvent, needed: int, window: dt.timedelta
) -> list[DeviceEvent]:
    """The first run of `needed` or more time-sorted alarms that contains `event` and spans at most `window`.

    Devices may deliver late (a lift without signal), so the run may lie before, around or after the new event.
    """
    position = next(i for i, alarm in enumerate(alarms) if alarm.pk == event.pk)
    for start in range(position + 1):
        end = start
        while end + 1 < len(alarms) and alarms[end + 1].at - alarms[start].at <= window:
            end += 1
        if end - start + 1 >= needed and end >= position:
            return list(alarms[start : end + 1])
    return []


def _registration(
    building: StandardAddress, burst: list[DeviceEvent], threshold: AlarmThreshold, event: DeviceEvent
) -> Registration:
    lifts = "、".join(sorted({alarm.device.lift for alarm in burst}))
    # Stored record text in the station's working language, like a clerk's entry: not translated per reader.
    description = (
        f"{building.full_text}电梯阻止系统报警：{threshold.window_hours}小时内{len(burst)}次（{lifts}），"
        "居民推电动自行车进入电梯，存在入户充电火灾隐患，请核查劝导。"
    )
    devices = "、".join(sorted({alarm.device.device_id for alarm in burst}))
    return Registration(
        kind=Kind.HAZARD,
        channel=Channel.DEVICE_ALARM,
        category=ALARM_CATEGORY,
        description=description,
        address=building.full_text,
        reported_at=event.at,
        note=f"由电梯阻止系统报警自动登记（设备：{devices}）。",
    )


# ---- counting ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingAlarms:
    building: StandardAddress
    alarms: int


def alarms_per_building(station: Station, day: dt.date) -> list[BuildingAlarms]:
    """E-bike alarms of each building of the station on one local day (Asia/Shanghai); buildings without any
    are left out."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())
    counts = dict(
        DeviceEvent.objects.alarms()
        .filter(building__station=station, at__gte=start, at__lt=start + dt.timedelta(days=1))
        .values_list("building")
        .annotate(alarms=Count("pk"))
        .values_list("building", "alarms")
    )
    buildings = StandardAddress.objects.filter(pk__in=counts).order_by("pk")
    return [BuildingAlarms(building, counts[building.pk]) for building in buildings]


def alarm_count(matter: Matter) -> int:
    """How many blocker alarms a matter stands for: the burst that opened it and every one since."""
    return DeviceEvent.objects.alarms().filter(matter=matter).count()
