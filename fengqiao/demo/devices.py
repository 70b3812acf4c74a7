"""The e-bike blockers of 采五东区 and their alarms after the campaign (SCENARIOS.md, story 3).

All 29 buildings got a blocker in every lift by March 2024. The alarms are fixed data spread over April–December
2024, fed through the same domain function as the devices' API, so that one burst — building 17 in November —
crosses the threshold and opens its hazard matter the way a real one would. The station handled it that week
(BURST_HANDLED, through transition() and add_action()), so the alarms after it are single ones again. Event ids
make a second run a no-op; the burst is handled only while its matter is still as the blockers registered it.

The demo secrets are public, like the demo password: `demo-<device id>`.
"""

import datetime as dt
from dataclasses import dataclass

from fengqiao.demo.script import Act, Cast, Move, accept, archive, assign, at, call_back, replay, resolve, start
from fengqiao.devices.domain import Reading, open_alarm_matter, record
from fengqiao.devices.models import Device, EventKind
from fengqiao.matters.models import ActionKind, Satisfaction, Stage
from fengqiao.stations.models import StandardAddress, Station

STATION = "lucheng"
COMMUNITY = "采五东区"
BUILDINGS = range(1, 30)
TWO_LIFTS = frozenset({1, 2, 5, 6, 9, 12, 17, 21, 25})  # the taller blocks have a second lift
FIRST_ALARM_DAY = dt.date(2024, 4, 1)  # the blockers were all in by 22 March 2024


@dataclass(frozen=True)
class Alarm:
    building: int
    lift: int
    at: dt.datetime
    kind: str = EventKind.EBIKE_DETECTED


# The alarms behind the three lift-alarm stories (fengqiao.demo.stories.lift_alarm), at the same minutes.
STORY_ALARMS = (
    Alarm(8, 1, at(2024, 4, 12, 8, 15)),
    Alarm(21, 2, at(2024, 5, 20, 19, 40)),
    Alarm(3, 1, at(2024, 9, 3, 7, 50)),
)
# Building 17 crosses the threshold: three alarms in one day, then a fourth that joins the open matter.
BURST = (
    Alarm(17, 1, at(2024, 11, 18, 7, 42)),
    Alarm(17, 2, at(2024, 11, 18, 12, 6)),
    Alarm(17, 1, at(2024, 11, 18, 18, 55)),
    Alarm(17, 2, at(2024, 11, 19, 7, 31)),
)
# What 钱卫东, the officer of the 采五东区 post, did about the burst: the week after it, no more alarms.
BURST_BUILDING = 17
BURST_CLOSED = at(2024, 11, 25, 9, 0)  # archived: the building's later alarms are not the burst's
BURST_HANDLED: tuple[Move | Act, ...] = (
    accept("lc_qian", at(2024, 11, 18, 19, 2)),
    assign("lc_qian", at(2024, 11, 18, 19, 3), "lc_qian", "采五东区警务室处置"),
    start("lc_qian", at(2024, 11, 19, 8, 30)),
    Act(
        "lc_qian",
        ActionKind.VISIT,
        "会同物业调取17号楼电梯监控，找到推电动自行车进电梯的两户居民，上门劝导，讲解入户充电的火灾危害，"
        "引导到小区充电桩充电。",
        at(2024, 11, 19, 9, 10),
        "采五东区物业",
    ),
    Act(
        "lc_qian",
        ActionKind.COORDINATION,
        "与物业商定：17号楼单元门口张贴提示，电梯屏幕滚动播放安全提示，楼长早晚巡查。",
        at(2024, 11, 19, 15, 0),
        "采五东区物业",
    ),
    Act(
        "lc_qian",
        ActionKind.VISIT,
        "回访17号楼：两户居民已改到充电桩充电，电梯阻止系统两天未再报警。",
        at(2024, 11, 21, 10, 0),
    ),
    resolve("lc_qian", at(2024, 11, 21, 10, 30), "resolved", "劝导到位，居民改到充电桩充电"),
    call_back("lc_sun", at(2024, 11, 22, 10, 0), Satisfaction.SATISFIED, "17号楼楼长：电梯里再没见过电动车。"),
    archive("wangxiaojian", BURST_CLOSED),
)
FAULTS = (
    Alarm(12, 2, at(2024, 6, 3, 16, 20), EventKind.BLOCKER_FAULT),
    Alarm(12, 2, at(2024, 6, 4, 10, 5), EventKind.BLOCKER_RESTORED),
)


def lifts_of(building: int) -> range:
    return range(1, 3 if building in TWO_LIFTS else 2)


def scattered_alarms() -> list[Alarm]:
    """Up to two alarms per building, weeks apart: counted per day, never a burst."""
    alarms = []
    for building in BUILDINGS:
        for n in range(building % 3):
            day = FIRST_ALARM_DAY + dt.timedelta(days=(building * 11 + n * 53) % 250)
            hour, minute = 7 + (building * 5 + n * 3) % 14, (building * 7 + n * 13) % 60
            lift = lifts_of(building)[n % len(lifts_of(building))]
            alarms.append(Alarm(building, lift, at(day.year, day.month, day.day, hour, minute)))
    return alarms


def load_devices(cast: Cast) -> int:
    """Install the blockers, replay their events and handle the burst in its week; returns how many events were new."""
    station = Station.objects.get(code=STATION)
    devices = {
        (building, lift): _device(station, _building(station, building), lift)
        for building in BUILDINGS
        for lift in lifts_of(building)
    }
    events = sorted([*scattered_alarms(), *STORY_ALARMS, *BURST, *FAULTS], key=lambda alarm: alarm.at)
    before = [alarm for alarm in events if alarm.at < BURST_CLOSED]
    new = sum(1 for alarm in before if _replay(devices[alarm.building, alarm.lift], alarm))
    _handle_burst(_building(station, BURST_BUILDING), cast)
    return new + sum(1 for alarm in events[len(before) :] if _replay(devices[alarm.building, alarm.lift], alarm))


def _handle_burst(building: StandardAddress, cast: Cast) -> None:
    matter = open_alarm_matter(building)
    if matter is not None and matter.stage == Stage.REGISTERED and matter.reported_at == BURST[2].at:
        replay(matter, BURST_HANDLED, cast)


def _building(station: Station, number: int) -> StandardAddress:
    return StandardAddress.objects.get(
        station=station, community__name=COMMUNITY, building=str(number), unit="", room="", remainder=""
    )


def _device(station: Station, building: StandardAddress, lift: int) -> Device:
    device_id = f"cw5-{int(building.building):02d}-{lift}"
    # get_or_create: a secret changed since the first run (a rotated key) is kept.
    device, _ = Device.objects.get_or_create(
        device_id=device_id,
        defaults={"station": station, "building": building, "lift": f"{lift}号梯", "secret": f"demo-{device_id}"},
    )
    return device


def _replay(device: Device, alarm: Alarm) -> bool:
    event_id = f"{device.device_id}-{alarm.at:%Y%m%d%H%M}"
    body = {"device": device.device_id, "event_id": event_id, "at": alarm.at.isoformat(), "kind": alarm.kind}
    reading = Reading(event_id, alarm.kind, alarm.at, body)
    return not record(device, reading, received_at=alarm.at + dt.timedelta(seconds=3)).duplicate
