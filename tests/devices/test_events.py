"""A blocker posts its events to /api/v1/devices/events, signed with its secret and without any user's token.

Every refusal answers in the API's one error shape, names what is wrong and writes nothing.
"""

import datetime as dt
import json
import time
from typing import Any

import time_machine

from fengqiao.devices.models import Device, DeviceEvent
from fengqiao.staff.models import User
from fengqiao.stations.models import StandardAddress
from tests.api.conftest import error_of, token_for
from tests.devices.conftest import MORNING, SECRET, blocker, body_of, get_as, send, signed_headers


def test_a_signed_alarm_is_recorded_with_what_the_device_said(lift1: Device, post: Any) -> None:
    response = post(lift1, at=MORNING, event_id="evt-0001")

    assert response.status_code == 201
    assert response.json() == {"status": "recorded", "matter": None, "message": "Event recorded."}
    event = DeviceEvent.objects.get()
    assert (event.device, event.building, event.event_id, event.kind) == (
        lift1,
        lift1.building,
        "evt-0001",
        "ebike_detected",
    )
    assert event.at == MORNING
    assert event.payload == json.loads(body_of(lift1, MORNING, "evt-0001"))


def test_fields_a_maker_adds_are_kept_with_the_event(lift1: Device) -> None:
    body = json.dumps(
        {"device": lift1.device_id, "event_id": "e1", "at": MORNING.isoformat(), "kind": "ebike_detected", "floor": 1}
    ).encode()

    response = send(body, signed_headers(SECRET, body))

    assert response.json()["status"] == "recorded"
    assert DeviceEvent.objects.get().payload["floor"] == 1


def test_the_same_event_sent_again_is_ignored_and_says_so(lift1: Device, post: Any) -> None:
    first = post(lift1, event_id="evt-0001")
    again = post(lift1, event_id="evt-0001")

    assert first.json()["status"] == "recorded"
    assert again.status_code == 200
    assert again.json() == {
        "status": "duplicate",
        "matter": None,
        "message": "This event was received before; it is ignored.",
    }
    assert DeviceEvent.objects.count() == 1


def test_another_device_may_use_the_same_event_id(lift1: Device, lift2: Device, post: Any) -> None:
    post(lift1, event_id="1")
    response = post(lift2, event_id="1")

    assert response.json()["status"] == "recorded"
    assert DeviceEvent.objects.count() == 2


def test_a_body_signed_with_another_secret_is_refused(lift1: Device) -> None:
    body = body_of(lift1)

    response = send(body, signed_headers("not the device's secret", body))

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "bad_signature",
        "message": "The signature does not match the body; sign “<timestamp>.<body>” with the device's secret.",
        "field": "X-Fengqiao-Signature",
    }
    assert not DeviceEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(lift1: Device) -> None:
    headers = signed_headers(SECRET, body_of(lift1, kind="blocker_fault"))

    response = send(body_of(lift1, kind="ebike_detected"), headers)

    assert error_of(response)["code"] == "bad_signature"
    assert not DeviceEvent.objects.exists()


def test_a_signature_with_odd_characters_is_refused_not_crashed_on(lift1: Device) -> None:
    body = body_of(lift1)
    headers = {**signed_headers(SECRET, body), "HTTP_X_FENGQIAO_SIGNATURE": "sha256=电梯"}

    response = send(body, headers)

    assert (response.status_code, error_of(response)["code"]) == (401, "bad_signature")


def test_an_unknown_device_is_refused(lift1: Device) -> None:
    body = json.dumps({"device": "cw5-99-1", "event_id": "1", "at": MORNING.isoformat(), "kind": "ebike_detected"})

    response = send(body.encode(), signed_headers(SECRET, body.encode()))

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "unknown_device",
        "message": "No active device is registered as “cw5-99-1”.",
        "field": "device",
    }
    assert not DeviceEvent.objects.exists()


def test_a_retired_device_is_refused_like_an_unknown_one(lift1: Device, post: Any) -> None:
    lift1.is_active = False
    lift1.save()

    response = post(lift1)

    assert error_of(response)["message"] == f"No active device is registered as “{lift1.device_id}”."
    assert not DeviceEvent.objects.exists()


def test_a_request_signed_six_minutes_ago_is_refused_as_stale(lift1: Device) -> None:
    body = body_of(lift1)
    now = int(time.time())

    with time_machine.travel(now, tick=False):  # the server's clock does not move on while the test runs
        response = send(body, signed_headers(SECRET, body, timestamp=now - 6 * 60))

    assert response.status_code == 401
    error = error_of(response)
    assert (error["code"], error["field"]) == ("stale_timestamp", "X-Fengqiao-Timestamp")
    assert error["message"].startswith("The timestamp is 360 seconds away from the server's time")
    assert "within five minutes" in error["message"]
    assert not DeviceEvent.objects.exists()


def test_a_device_whose_clock_runs_six_minutes_ahead_is_refused_too(lift1: Device) -> None:
    body = body_of(lift1)

    response = send(body, signed_headers(SECRET, body, timestamp=int(time.time()) + 6 * 60))

    assert error_of(response)["code"] == "stale_timestamp"
    assert not DeviceEvent.objects.exists()


def test_a_request_signed_four_minutes_ago_is_still_accepted(lift1: Device) -> None:
    body = body_of(lift1)

    response = send(body, signed_headers(SECRET, body, timestamp=int(time.time()) - 4 * 60))

    assert response.json()["status"] == "recorded"


def test_a_captured_request_replayed_later_is_refused(lift1: Device) -> None:
    body = body_of(lift1)
    headers = signed_headers(SECRET, body)
    send(body, headers)

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)):
        replay = send(body, headers)

    assert error_of(replay)["code"] == "stale_timestamp"
    assert DeviceEvent.objects.count() == 1


def test_an_unsigned_request_is_told_which_header_is_missing(lift1: Device) -> None:
    body = body_of(lift1)
    headers = signed_headers(SECRET, body)

    no_signature = send(body, {"HTTP_X_FENGQIAO_TIMESTAMP": headers["HTTP_X_FENGQIAO_TIMESTAMP"]})
    no_timestamp = send(body, {"HTTP_X_FENGQIAO_SIGNATURE": headers["HTTP_X_FENGQIAO_SIGNATURE"]})

    assert error_of(no_signature) == {
        "code": "unsigned",
        "message": "Sign the request: the header X-Fengqiao-Signature is missing.",
        "field": "X-Fengqiao-Signature",
    }
    assert error_of(no_timestamp)["message"] == "Sign the request: the header X-Fengqiao-Timestamp is missing."
    assert (no_signature.status_code, no_timestamp.status_code) == (401, 401)
    assert not DeviceEvent.objects.exists()


def test_an_officers_bearer_token_does_not_stand_in_for_the_signature(lift1: Device, officer: User) -> None:
    body = body_of(lift1)

    response = send(body, {"HTTP_AUTHORIZATION": f"Bearer {token_for(officer)}"})

    assert error_of(response)["code"] == "unsigned"
    assert not DeviceEvent.objects.exists()


def test_a_timestamp_that_is_not_unix_seconds_is_refused(lift1: Device) -> None:
    body = body_of(lift1)
    headers = {**signed_headers(SECRET, body), "HTTP_X_FENGQIAO_TIMESTAMP": "2024-04-12T08:00:00+08:00"}

    response = send(body, headers)

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid",
        "message": "X-Fengqiao-Timestamp must be the time of sending in Unix seconds.",
        "field": "X-Fengqiao-Timestamp",
    }


def test_a_body_that_is_not_json_is_refused(lift1: Device) -> None:
    body = b'{"device": "cw5-03-1", "event_id": '

    response = send(body, signed_headers(SECRET, body))

    assert response.status_code == 400
    assert error_of(response) == {"code": "malformed", "message": "The request body is not valid JSON.", "field": None}
    assert not DeviceEvent.objects.exists()


def test_a_json_list_instead_of_an_object_is_refused(lift1: Device) -> None:
    body = b'["cw5-03-1"]'

    response = send(body, signed_headers(SECRET, body))

    assert error_of(response)["message"] == "The request body must be a JSON object."


def test_a_body_that_names_no_device_is_refused(lift1: Device) -> None:
    body = json.dumps({"event_id": "1", "at": MORNING.isoformat(), "kind": "ebike_detected"}).encode()

    response = send(body, signed_headers(SECRET, body))

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "required",
        "message": "Name the device that sends the event.",
        "field": "device",
    }


def signed_body(device: Device, **fields: object) -> tuple[bytes, dict[str, str]]:
    event = {"device": device.device_id, "event_id": "1", "at": MORNING.isoformat(), "kind": "ebike_detected"}
    body = json.dumps({key: value for key, value in {**event, **fields}.items() if value is not None}).encode()
    return body, signed_headers(device.secret, body)


def test_an_unknown_kind_of_event_is_refused_naming_the_kinds(lift1: Device) -> None:
    response = send(*signed_body(lift1, kind="door_open"))

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid",
        "message": "“door_open” is not a kind of device event; use one of: "
        "ebike_detected, blocker_fault, blocker_restored.",
        "field": "kind",
    }
    assert not DeviceEvent.objects.exists()


def test_a_time_without_its_zone_is_refused(lift1: Device) -> None:
    response = send(*signed_body(lift1, at="2024-04-12T08:00:00"))

    assert error_of(response) == {
        "code": "invalid",
        "message": "Give the time with its time zone, such as 2024-08-01T09:30:00+08:00.",
        "field": "at",
    }
    assert not DeviceEvent.objects.exists()


def test_an_event_from_the_future_is_refused(lift1: Device) -> None:
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)

    response = send(*signed_body(lift1, at=tomorrow.isoformat()))

    assert error_of(response) == {"code": "invalid", "message": "This time is in the future.", "field": "at"}


def test_an_event_without_an_id_is_refused(lift1: Device) -> None:
    response = send(*signed_body(lift1, event_id=None))

    assert error_of(response) == {"code": "required", "message": "This field is required.", "field": "event_id"}
    assert not DeviceEvent.objects.exists()


def test_the_documented_example_request_is_accepted(lift1: Device) -> None:
    """The exact request of docs/devices.md, signature and all, at the moment it was signed."""
    lift1.secret = "demo-cw5-03-1"
    lift1.save()
    body = (
        b'{"device":"cw5-03-1","event_id":"cw5-03-1-20240412081500",'
        b'"at":"2024-04-12T08:15:00+08:00","kind":"ebike_detected"}'
    )
    signature = "sha256=0672c377be2c62da2d8e886b15892bd4a2759f4b5004129932ca598fedd599a4"
    with time_machine.travel(dt.datetime(2024, 4, 12, 0, 15, 30, tzinfo=dt.UTC), tick=False):
        response = send(body, {"HTTP_X_FENGQIAO_TIMESTAMP": "1712880930", "HTTP_X_FENGQIAO_SIGNATURE": signature})

    assert response.json()["status"] == "recorded", response.content


def test_officers_see_the_alarms_of_each_building_of_their_station_on_a_day(
    lift1: Device, building8: StandardAddress, post: Any, officer: User, other_chief: User
) -> None:
    lift8 = blocker(building8)
    for minutes in (0, 30):
        post(lift1, at=MORNING + dt.timedelta(minutes=minutes))
    post(lift8, at=MORNING)
    post(lift8, at=MORNING + dt.timedelta(days=1))

    own = get_as(officer, "/devices/alarms", day="2024-04-12")
    other = get_as(other_chief, "/devices/alarms", day="2024-04-12")

    assert own.json() == [
        {"building_id": lift1.building_id, "building": "采五东区3号楼", "alarms": 2},
        {"building_id": building8.pk, "building": "采五东区8号楼", "alarms": 1},
    ]
    assert other.json() == []


def test_a_partner_mediator_may_not_see_the_alarm_counts(lift1: Device, post: Any, mediator: User) -> None:
    post(lift1)

    response = get_as(mediator, "/devices/alarms", day="2024-04-12")

    assert response.status_code == 403
    assert error_of(response)["message"] == "Only police staff may see device alarms."


def test_the_alarm_counts_need_a_token(lift1: Device) -> None:
    response = get_as(None, "/devices/alarms", day="2024-04-12")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
