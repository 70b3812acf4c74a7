"""Two lifts of one building report the third alarm at the same moment: exactly one hazard matter is opened.

Real threads with their own database connections. Each request locks the building's standard address before it
counts (PostgreSQL: `select_for_update`; SQLite: the IMMEDIATE transaction's write lock), so the second one counts
only after the first has opened the matter, and joins it.
"""

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection

from fengqiao.devices import domain
from fengqiao.devices.models import AlarmThreshold, Device, DeviceEvent
from fengqiao.matters.models import Matter
from tests.devices.conftest import MORNING


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_third_alarms_open_one_matter(  # type: ignore[no-untyped-def]
    reference_data, lift1: Device, lift2: Device, post: Any, monkeypatch
) -> None:
    post(lift1, at=MORNING)
    post(lift2, at=MORNING + dt.timedelta(hours=1))
    burst = domain._burst
    counted: list[str] = []

    def count_then_linger(event: DeviceEvent, building: Any, threshold: AlarmThreshold) -> list[DeviceEvent]:
        found = burst(event, building, threshold)
        # The first one to count keeps its lock a moment, so that the other surely arrives while it is held.
        if not counted:
            counted.append(threading.current_thread().name)
            time.sleep(0.3)
        return found

    monkeypatch.setattr(domain, "_burst", count_then_linger)
    barrier = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def third_alarm(device: Device) -> None:
        try:
            barrier.wait(timeout=10)
            answers[device.device_id] = post(device, at=MORNING + dt.timedelta(hours=2)).json()
        except Exception as exc:  # anything unexpected fails the assertions below
            answers[device.device_id] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=third_alarm, args=(d,), name=d.device_id) for d in (lift1, lift2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    [matter] = Matter.objects.filter(channel="device_alarm")
    assert [answer["status"] for answer in answers.values()] == ["recorded", "recorded"], answers
    assert {answer["matter"] for answer in answers.values()} == {matter.pk}
    assert DeviceEvent.objects.filter(matter=matter).count() == 4
    assert "24小时内3次" in matter.description  # opened by the first, joined by the second
