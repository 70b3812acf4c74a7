"""Alarms open a hazard matter for the building once they reach the threshold: 3 within 24 h by default.

One matter per building, not one per alarm: while it is open, further alarms join it.
"""

import datetime as dt
from typing import Any

from fengqiao.devices.domain import Reading, alarm_count, alarms_per_building, record
from fengqiao.devices.models import AlarmThreshold, Device, DeviceEvent
from fengqiao.matters.access import matters_for_user
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from fengqiao.stations.models import StandardAddress, Station
from tests.devices.conftest import MORNING, blocker

HOUR = dt.timedelta(hours=1)


def alarm(device: Device, at: dt.datetime, event_id: str = "", kind: str = "ebike_detected") -> DeviceEvent:
    return record(device, Reading(event_id or f"{at:%Y%m%d%H%M%S}", kind, at)).event


def alarm_matters() -> list[Matter]:
    return list(Matter.objects.filter(channel="device_alarm"))


def test_two_alarms_in_a_day_open_no_matter(lift1: Device) -> None:
    alarm(lift1, MORNING)
    alarm(lift1, MORNING + 5 * HOUR)

    assert alarm_matters() == []
    assert list(DeviceEvent.objects.values_list("matter", flat=True)) == [None, None]


def test_the_third_alarm_within_a_day_opens_one_hazard_matter_for_the_building(
    lift1: Device, lift2: Device, post: Any
) -> None:
    post(lift1, at=MORNING)
    post(lift2, at=MORNING + 4 * HOUR)
    response = post(lift1, at=MORNING + 11 * HOUR)

    [matter] = alarm_matters()
    assert response.json() == {"status": "recorded", "matter": matter.pk, "message": "Event recorded."}
    assert (matter.kind, matter.channel, matter.category.code, matter.stage) == (
        "hazard",
        "device_alarm",
        "0902",
        "registered",
    )
    assert matter.address == lift1.building
    assert matter.grid == lift1.building.grid
    assert matter.registered_by is None
    assert matter.reported_at == MORNING + 11 * HOUR
    assert matter.description == (
        "采五东区3号楼电梯阻止系统报警：24小时内3次（1号梯、2号梯），"
        "居民推电动自行车进入电梯，存在入户充电火灾隐患，请核查劝导。"
    )
    assert matter.events.get().note == "由电梯阻止系统报警自动登记（设备：cw5-03-1、cw5-03-2）。"
    assert alarm_count(matter) == 3


def test_a_fourth_alarm_joins_the_open_matter_instead_of_opening_another(lift1: Device, post: Any) -> None:
    for hours in (0, 1, 2):
        post(lift1, at=MORNING + hours * HOUR)
    [matter] = alarm_matters()

    response = post(lift1, at=MORNING + 30 * HOUR)

    assert response.json()["matter"] == matter.pk
    assert alarm_matters() == [matter]
    assert alarm_count(matter) == 4


def test_alarms_in_another_building_are_counted_separately(
    lift1: Device, building8: StandardAddress, station: Station
) -> None:
    lift8 = blocker(building8)
    for minutes in (0, 20):
        alarm(lift1, MORNING + dt.timedelta(minutes=minutes))
        alarm(lift8, MORNING + dt.timedelta(minutes=minutes + 5))

    assert alarm_matters() == []
    counts = {row.building.full_text: row.alarms for row in alarms_per_building(station, MORNING.date())}
    assert counts == {"采五东区3号楼": 2, "采五东区8号楼": 2}


def test_the_count_per_day_follows_the_local_calendar_and_leaves_faults_out(lift1: Device, station: Station) -> None:
    alarm(lift1, dt.datetime(2024, 4, 12, 23, 50, tzinfo=MORNING.tzinfo))
    alarm(lift1, dt.datetime(2024, 4, 13, 0, 10, tzinfo=MORNING.tzinfo))
    alarm(lift1, dt.datetime(2024, 4, 13, 9, 0, tzinfo=MORNING.tzinfo), kind="blocker_fault")

    per_day = {
        day: [row.alarms for row in alarms_per_building(station, day)]
        for day in (dt.date(2024, 4, 12), dt.date(2024, 4, 13), dt.date(2024, 4, 14))
    }

    assert per_day == {dt.date(2024, 4, 12): [1], dt.date(2024, 4, 13): [1], dt.date(2024, 4, 14): []}


def test_alarms_spread_over_more_than_a_day_open_no_matter(lift1: Device) -> None:
    for hours in (0, 13, 25, 38):
        alarm(lift1, MORNING + hours * HOUR)

    assert alarm_matters() == []


def test_an_alarm_delivered_late_still_completes_the_burst(lift1: Device) -> None:
    """A lift without signal sends its alarm hours later; it counts at the time it happened."""
    alarm(lift1, MORNING + 10 * HOUR)
    alarm(lift1, MORNING + 20 * HOUR)
    alarm(lift1, MORNING - 30 * HOUR)  # too early to count
    assert alarm_matters() == []

    alarm(lift1, MORNING)

    [matter] = alarm_matters()
    assert alarm_count(matter) == 3


def test_faults_of_the_blocker_are_recorded_but_open_no_matter(lift1: Device) -> None:
    for hours in (0, 1, 2, 3):
        alarm(lift1, MORNING + hours * HOUR, kind="blocker_fault")

    assert DeviceEvent.objects.count() == 4
    assert alarm_matters() == []


def test_the_same_alarm_sent_three_times_counts_once(lift1: Device, post: Any) -> None:
    for _ in range(3):
        post(lift1, at=MORNING, event_id="evt-7")

    assert DeviceEvent.objects.count() == 1
    assert alarm_matters() == []


def test_after_the_matter_is_closed_a_new_burst_opens_a_new_matter(lift1: Device, officer: User) -> None:
    for hours in (0, 1, 2):
        alarm(lift1, MORNING + hours * HOUR)
    [first] = alarm_matters()
    transition(first.pk, officer, Step(to="rejected", reason="物业已处理"))

    alarm(lift1, MORNING + 3 * HOUR)
    assert alarm_matters() == [first]  # the alarms already answered by the closed matter do not count again

    alarm(lift1, MORNING + 4 * HOUR)
    alarm(lift1, MORNING + 5 * HOUR)
    second = Matter.objects.exclude(pk=first.pk).get(channel="device_alarm")
    assert (second.stage, alarm_count(first), alarm_count(second)) == ("registered", 3, 3)


def test_a_station_may_set_its_own_threshold(lift1: Device, station: Station) -> None:
    AlarmThreshold.objects.create(station=station, alarms=2, window_hours=1)

    alarm(lift1, MORNING)
    alarm(lift1, MORNING + 2 * HOUR)
    assert alarm_matters() == []

    alarm(lift1, MORNING + 2 * HOUR + dt.timedelta(minutes=30))
    [matter] = alarm_matters()
    assert "1小时内2次" in matter.description


def test_the_hazard_reaches_the_station_queue_and_no_other(
    lift1: Device, officer: User, chief: User, other_chief: User
) -> None:
    for hours in (0, 1, 2):
        alarm(lift1, MORNING + hours * HOUR)
    [matter] = alarm_matters()

    assert matters_for_user(officer).open().filter(pk=matter.pk).exists()
    assert matters_for_user(chief).filter(kind="hazard", channel="device_alarm").get() == matter
    assert not matters_for_user(other_chief).filter(pk=matter.pk).exists()
