"""Blockers in the lifts of 采五东区 and a way for a test to post their events as a device would.

`post(device, at=…, event_id=…)` builds the JSON body, signs it with the device's secret (or with what the test
says) and posts it to /api/v1/devices/events without any bearer token, as a blocker in a lift does.
"""

import datetime as dt
import importlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from fengqiao.codes.loader import load_defaults
from fengqiao.devices import signing
from fengqiao.devices.models import Device
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, StandardAddress, Station
from tests.api.conftest import token_for

URL = "/api/v1/devices/events"
SECRET = "0f3c9a7d51e24b8c9d6a0e1f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A morning after the blockers went in (March 2024), in the station's zone.
MORNING = dt.datetime(2024, 4, 12, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Code tables and deadline policies, which a transactional test's flush removed after an earlier one."""
    load_defaults()
    importlib.import_module("fengqiao.matters.migrations.0003_default_sla_policies").install(apps, None)


@pytest.fixture
def caiwu(station: Station, officer: User) -> CommunityGrid:
    community = Community.objects.create(station=station, name="采五东区")
    police_grid = PoliceGrid.objects.create(station=station, code="LC-PG2", name="矿区警格", officer=officer)
    return CommunityGrid.objects.create(
        station=station, police_grid=police_grid, community=community, code="LC-G03", name="采五东区一网格"
    )


def building_of(grid: CommunityGrid, number: int) -> StandardAddress:
    return StandardAddress.objects.create(
        station=grid.station, community=grid.community, grid=grid, building=str(number)
    )


def blocker(building: StandardAddress, lift: str = "1号梯", secret: str = SECRET) -> Device:
    device_id = f"cw5-{int(building.building):02d}-{lift[0]}"
    return Device.objects.create(
        station=building.station, building=building, lift=lift, device_id=device_id, secret=secret
    )


@pytest.fixture
def building3(caiwu: CommunityGrid) -> StandardAddress:
    return building_of(caiwu, 3)


@pytest.fixture
def building8(caiwu: CommunityGrid) -> StandardAddress:
    return building_of(caiwu, 8)


@pytest.fixture
def lift1(building3: StandardAddress) -> Device:
    return blocker(building3, "1号梯")


@pytest.fixture
def lift2(building3: StandardAddress) -> Device:
    return blocker(building3, "2号梯")


def body_of(device: Device, at: dt.datetime = MORNING, event_id: str = "", kind: str = "ebike_detected") -> bytes:
    event = {"device": device.device_id, "event_id": event_id or f"{at:%Y%m%d%H%M%S}", "at": at.isoformat()}
    return json.dumps({**event, "kind": kind}).encode()


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    sent = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_X_FENGQIAO_TIMESTAMP": sent,
        "HTTP_X_FENGQIAO_SIGNATURE": signing.signature(secret, sent, body),
    }


def send(body: bytes, headers: dict[str, str], **extra: str) -> Any:
    """Posts as a device; messages are asked for in English, the source language."""
    return Client().post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers, **extra)


def get_as(user: User | None, path: str, **params: str) -> Any:
    """A GET below /api/v1 with the user's bearer token (none for None), answered in English."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user else {}
    return Client(HTTP_ACCEPT_LANGUAGE="en", **auth).get("/api/v1" + path, params)


@pytest.fixture
def post() -> Callable[..., Any]:
    """Posts one event, correctly signed by the device, as the device itself would."""

    def _post(device: Device, at: dt.datetime = MORNING, event_id: str = "", kind: str = "ebike_detected") -> Any:
        body = body_of(device, at, event_id, kind)
        return send(body, signed_headers(device.secret, body))

    return _post
