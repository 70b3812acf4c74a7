"""Registering a matter over the API: what is required, what is refused, and that nothing half-written remains."""

from typing import Any

import pytest

from fengqiao.matters.models import Matter
from fengqiao.people.models import Person
from tests.api.conftest import error_of

LAO_LI = {
    "kind": "help",
    "channel": "walk_in",
    "category": "0604",
    "description": "老李反映家中没水没电",
    "address": "华丽社区3号楼2单元501室",
}


def with_(**changes: Any) -> dict[str, Any]:
    body = {**LAO_LI, **changes}
    return {key: value for key, value in body.items() if value is not None}


def test_an_officer_registers_a_matter_with_its_parties(api, officer):  # type: ignore[no-untyped-def]
    body = with_(
        priority="high",
        reported_at="2023-11-20T09:30:00+08:00",
        parties=[{"name": "老李", "role": "reporter", "phone": "13812345678", "id_number": "11010519491231002X"}],
        latitude=37.9395,
        longitude=115.2185,
        note="到华丽社区警务室反映",
    )

    response = api(officer).post("/matters", body)

    assert response.status_code == 201
    shown = response.json()
    matter = Matter.objects.get(pk=shown["id"])
    assert (shown["stage"], shown["reference"]) == ("registered", matter.reference)
    assert (shown["kind"], shown["category"], shown["priority"]) == ("help", "0604", "high")
    assert shown["place"] == "华丽社区3号楼2单元501室"
    assert shown["reported_at"] == "2023-11-20T01:30:00Z"
    assert (shown["latitude"], shown["longitude"]) == (37.9395, 115.2185)
    assert shown["parties"][0]["phone"] == "138****5678"
    assert shown["parties"][0]["id_number"] == "1101**********002X"
    assert shown["events"][0]["note"] == "到华丽社区警务室反映"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (with_(description=None), "description", "required"),
        (with_(description="   "), "description", "required"),
        (with_(category="777777"), "category", "invalid"),
        (with_(kind="alien_landing"), "kind", "invalid"),
        (with_(channel="carrier_pigeon"), "channel", "invalid"),
        (with_(parties=[{"name": "老李", "id_number": "110105194912310021"}]), "parties.0.id_number", "invalid"),
        (with_(parties=[{"name": ""}]), "parties.0.name", "invalid"),
        (with_(parties=[{"name": "老李", "role": "bystander"}]), "parties", "invalid"),
        (with_(reported_at="2023-11-20T09:30:00"), "reported_at", "invalid"),
        (with_(reported_at="2999-01-01T00:00:00+08:00"), "reported_at", "invalid"),
        (with_(reported_at="last Tuesday"), "reported_at", "invalid"),
        (with_(latitude=91), "latitude", "invalid"),
        (with_(address="路" * 256), "address", "invalid"),
        (with_(colour="red"), "colour", "invalid"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(  # type: ignore[no-untyped-def]
    api, officer, body: dict[str, Any], field: str, code: str
):
    response = api(officer).post("/matters", body)

    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]
    assert Matter.objects.count() == 0
    assert Person.objects.count() == 0


def test_a_bad_id_number_is_explained_in_words(api, officer):  # type: ignore[no-untyped-def]
    body = with_(parties=[{"name": "老李", "id_number": "110105194912310021"}])

    response = api(officer).client.post(
        "/api/v1/matters", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert error_of(response)["message"] == "This is not a valid 18-digit ID number."


def test_a_missing_field_message_follows_the_request_language(api, officer):  # type: ignore[no-untyped-def]
    client = api(officer)

    english = client.client.post(
        "/api/v1/matters", with_(description=None), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert error_of(english)["message"] == "This field is required."
    assert error_of(client.post("/matters", with_(description=None)))["message"] == "这个字段是必填项。"


@pytest.mark.parametrize("garbage", ["{not json", '{"kind": "help",', "\xff\xfe", ""])
def test_garbage_instead_of_json_is_a_400(api, officer, garbage: str):  # type: ignore[no-untyped-def]
    response = api(officer).post_raw("/matters", garbage, "application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed"
    assert Matter.objects.count() == 0


def test_a_json_list_is_not_a_matter(api, officer):  # type: ignore[no-untyped-def]
    response = api(officer).client.post(
        "/api/v1/matters", [LAO_LI], content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "malformed",
        "message": "The request body must be a JSON object.",
        "field": None,
    }


def test_only_police_may_register(api, mediator):  # type: ignore[no-untyped-def]
    response = api(mediator).post("/matters", LAO_LI)

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert Matter.objects.count() == 0
