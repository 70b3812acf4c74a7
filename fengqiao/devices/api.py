"""Devices in the JSON API: blockers post their events (signed, no user), officers read the alarm counts.

`POST /api/v1/devices/events` opts out of the API's bearer tokens: a device has no user. It authenticates with an
HMAC signature instead (see `fengqiao.devices.signing` and docs/devices.md).
"""

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from ninja.security import APIKeyHeader
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from fengqiao.api.auth import current_user
from fengqiao.api.schemas import ERRORS, not_in_future
from fengqiao.devices import domain, signing
from fengqiao.devices.models import Device
from fengqiao.lib.errors import DomainError

router = Router(tags=["devices"])


class DeviceSignature(APIKeyHeader):
    """Finds the device named in the body and checks that its secret signed the request; refusals say why."""

    param_name = signing.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Device:
        timestamp = request.headers.get(signing.TIMESTAMP_HEADER)
        if not timestamp:
            raise _unsigned(signing.TIMESTAMP_HEADER)
        if not key:
            raise _unsigned(signing.SIGNATURE_HEADER)
        return domain.authenticate(_device_named_in(request.body), timestamp, key, request.body)


def _unsigned(header: str) -> DomainError:
    message = _("Sign the request: the header %(header)s is missing.") % {"header": header}
    return DomainError("unsigned", message, header, status=401)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:  # also a body that is not UTF-8
        raise DomainError("malformed", _("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise DomainError("malformed", _("The request body must be a JSON object."))
    return data


def _device_named_in(body: bytes) -> str:
    device = _json_object(body).get("device")
    if not isinstance(device, str) or not device.strip():
        raise DomainError("required", _("Name the device that sends the event."), "device")
    return device.strip()


class DeviceEventIn(Schema):
    # Unknown fields are kept, not refused: blockers of different makers add their own (floor, photo id …),
    # and the whole body is stored with the event.
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    device: str = Field(min_length=1, max_length=64)
    event_id: str = Field(min_length=1, max_length=64, description="Unique per device; a repeat is ignored.")
    at: AwareDatetime = Field(description="When it happened, by the device's clock, with its time zone.")
    kind: str = Field(min_length=1, max_length=24, description="ebike_detected, blocker_fault or blocker_restored.")

    _at_not_in_future = field_validator("at")(not_in_future)


class DeviceEventOut(Schema):
    status: str = Field(description="`recorded`, or `duplicate` when this event id was received before.")
    matter: int | None = Field(description="The hazard matter the event is attached to, if any.")
    message: str


@router.post(
    "/events",
    auth=DeviceSignature(),
    response={200: DeviceEventOut, 201: DeviceEventOut, **ERRORS},
    summary="Post a device event (signed by the device)",
)
def post_event(request: HttpRequest, payload: DeviceEventIn) -> Status[DeviceEventOut]:
    """Sign with `X-Fengqiao-Timestamp` and `X-Fengqiao-Signature: sha256=<hex HMAC-SHA256 of
    "<timestamp>.<raw body>">`; see docs/devices.md. No bearer token."""
    device = getattr(request, "auth", None)  # set by DeviceSignature
    if not isinstance(device, Device):
        raise TypeError("post_event() called without DeviceSignature authentication")
    reading = domain.Reading(payload.event_id, payload.kind, payload.at, _json_object(request.body))
    recorded = domain.record(device, reading)
    matter = recorded.event.matter_id
    if recorded.duplicate:
        message = _("This event was received before; it is ignored.")
        return Status(200, DeviceEventOut(status="duplicate", matter=matter, message=message))
    return Status(201, DeviceEventOut(status="recorded", matter=matter, message=_("Event recorded.")))


class DeviceAlarmsFilter(Schema):
    day: dt.date = Field(description="Local date (Asia/Shanghai), e.g. 2024-04-12.")


class BuildingAlarmsOut(Schema):
    building_id: int
    building: str
    alarms: int


@router.get("/alarms", response={200: list[BuildingAlarmsOut], **ERRORS}, summary="E-bike alarms per building")
def list_alarms(request: HttpRequest, filters: Query[DeviceAlarmsFilter]) -> list[BuildingAlarmsOut]:
    """The alarms of each building of the caller's station on one day; buildings without alarms are left out."""
    user = current_user(request)
    if not user.is_police or user.station is None:
        raise DomainError("forbidden", _("Only police staff may see device alarms."), status=403)
    return [
        BuildingAlarmsOut(building_id=row.building.pk, building=row.building.full_text, alarms=row.alarms)
        for row in domain.alarms_per_building(user.station, filters.day)
    ]
