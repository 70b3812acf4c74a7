"""The demo's blockers: every lift of the 29 buildings of 采五东区, their alarms after March 2024, one hazard.

The demo is loaded twice in one module-scoped transaction, rolled back at the end (as in tests/demo), with its
attachments in a module media root.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings

from fengqiao.demo.devices import BURST_CLOSED
from fengqiao.demo.loader import load_demo
from fengqiao.devices.domain import alarm_count, alarms_per_building
from fengqiao.devices.models import Device, DeviceEvent
from fengqiao.matters.models import Matter
from fengqiao.stations.models import Station

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Counts:
    devices: int
    events: int
    matters: int


def counts() -> Counts:
    return Counts(Device.objects.count(), DeviceEvent.objects.count(), Matter.objects.count())


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[tuple[Counts, Counts]]:  # type: ignore[no-untyped-def]
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        load_demo()
        first = counts()
        load_demo()
        yield first, counts()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: tuple[Counts, Counts], db: None) -> tuple[Counts, Counts]:
    return demo


def device_matters() -> list[Matter]:
    return list(Matter.objects.filter(channel="device_alarm", registered_by__isnull=True))


def test_a_second_run_adds_no_device_event_or_matter(loaded: tuple[Counts, Counts]) -> None:
    first, second = loaded
    assert second == first
    assert first.devices == 38 and first.events > 30


def test_every_one_of_the_29_buildings_has_a_blocker_in_each_lift(loaded: object) -> None:
    buildings = set(Device.objects.values_list("building__full_text", flat=True))
    two_lifts = Device.objects.filter(lift="2号梯").values_list("building__building", flat=True)
    assert buildings == {f"采五东区{number}号楼" for number in range(1, 30)}
    assert set(Device.objects.values_list("station__code", flat=True)) == {"lucheng"}
    assert sorted(map(int, two_lifts)) == [1, 2, 5, 6, 9, 12, 17, 21, 25]


def test_the_alarms_come_after_the_blockers_went_in_in_march_2024(loaded: object) -> None:
    times = [moment.astimezone(SHANGHAI) for moment in DeviceEvent.objects.values_list("at", flat=True)]
    assert min(times) >= dt.datetime(2024, 4, 1, tzinfo=SHANGHAI)
    assert max(times) < dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
    assert DeviceEvent.objects.filter(kind="blocker_fault").exists()


def test_the_story_alarms_were_raised_by_the_blockers(loaded: object) -> None:
    for building, moment in [
        ("采五东区8号楼", dt.datetime(2024, 4, 12, 8, 15, tzinfo=SHANGHAI)),
        ("采五东区21号楼", dt.datetime(2024, 5, 20, 19, 40, tzinfo=SHANGHAI)),
    ]:
        story = Matter.objects.get(channel="device_alarm", address__full_text=building, reported_at=moment)
        assert DeviceEvent.objects.filter(building=story.address, at=moment).exists()


def test_building_17_went_over_the_threshold_and_its_hazard_was_handled_that_week(loaded: object) -> None:
    [matter] = device_matters()
    assert matter.address is not None and matter.address.full_text == "采五东区17号楼"
    assert (matter.kind, matter.category.code, matter.stage) == ("hazard", "0902", "archived")
    assert "24小时内3次" in matter.description
    # The burst and the alarm of the next morning joined the matter while it was open; a later one stays single.
    alarms = DeviceEvent.objects.alarms().filter(building=matter.address)
    burst = alarms.filter(at__gte=dt.datetime(2024, 11, 18, tzinfo=SHANGHAI), at__lt=BURST_CLOSED)
    assert alarm_count(matter) == burst.count() == 4
    assert alarms.filter(at__gte=BURST_CLOSED, matter__isnull=True).exists()
    assert matter.events.last().at == BURST_CLOSED  # type: ignore[union-attr]


def test_the_alarms_are_counted_per_building_on_the_day_of_the_burst(loaded: object) -> None:
    lucheng = Station.objects.get(code="lucheng")
    rows = alarms_per_building(lucheng, dt.date(2024, 11, 18))
    assert [(row.building.full_text, row.alarms) for row in rows] == [("采五东区17号楼", 3)]
