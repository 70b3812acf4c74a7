"""POST requests with an API key: the request becomes a registered matter on the public channel."""

from typing import Any

from django.test import Client

from fengqiao.matters.access import matters_for_user
from fengqiao.matters.models import Channel, Matter, Stage
from fengqiao.open311.models import Open311ApiKey, Open311Submission
from fengqiao.reports.models import Report, Source
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid, StandardAddress, Station
from tests.open311.conftest import KEY, json_of, valid, xml_of


def a_request(**overrides: str) -> dict[str, str]:
    values = {
        "api_key": KEY,
        "service_code": "0901",
        "lat": "37.9462",
        "long": "115.2185",
        "address_string": "华丽社区东门",
        "description": "东门路灯坏了一个星期，晚上很黑",
        "first_name": "晓红",
        "last_name": "陈",
        "phone": "+86 139-0000-1111",
        "email": "chen@example.com",
        "device_id": "wx-8812",
        "account_id": "user-42",
        "media_url": "https://example.com/photo.jpg",
    }
    values.update(overrides)
    return values


def post(client: Client, fmt: str = "json", **overrides: str) -> Any:
    return client.post(f"/open311/v2/requests.{fmt}", a_request(**overrides))


def test_a_posted_request_reaches_the_officers_queue(client: Client, api_key: Open311ApiKey, officer: User) -> None:
    response = post(client)

    assert response.status_code == 200
    (created,) = valid(json_of(response), "RequestResponse")
    report = Report.objects.select_related("matter").get()
    matter = report.matter
    assert created == {
        "service_request_id": matter.reference,
        "service_notice": (
            f"Tracking code {report.code}: the resident can follow the report and answer at "
            f"http://testserver/report/status/{report.code}"
        ),
    }
    assert "token" not in created  # realtime: the id, and no token, as the spec says
    assert list(matters_for_user(officer).filter(stage=Stage.REGISTERED)) == [matter]
    assert (matter.channel, matter.kind, matter.category.code, report.source) == (
        Channel.PUBLIC_WEB,
        "hazard",
        "0901",
        Source.OPEN311,
    )
    assert [(p.person.name, p.person.phone) for p in matter.parties.select_related("person")] == [
        ("陈晓红", "13900001111")
    ]
    submission = Open311Submission.objects.get()
    assert (submission.api_key, submission.email, submission.device_id, submission.account_id) == (
        api_key,
        "chen@example.com",
        "wx-8812",
        "user-42",
    )
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_what_was_posted_personally_is_never_read_back(client: Client, api_key: Open311ApiKey) -> None:
    post(client)
    for url in ("/open311/v2/requests.json", "/open311/v2/requests.xml"):
        body = client.get(url).content.decode()
        for private in ("陈晓红", "晓红", "13900001111", "chen@example.com", "wx-8812", "user-42", "example.com"):
            assert private not in body, (url, private)
    report = Report.objects.get()
    assert report.code not in client.get("/open311/v2/requests.json").content.decode()


def test_the_answer_in_xml(client: Client, api_key: Open311ApiKey) -> None:
    root = xml_of(post(client, fmt="xml"))
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request") or []] == ["service_request_id", "service_notice"]


def test_without_a_valid_api_key_the_answer_is_403(client: Client, api_key: Open311ApiKey) -> None:
    missing = client.post("/open311/v2/requests.json", {k: v for k, v in a_request().items() if k != "api_key"})
    assert missing.status_code == 403
    assert valid(json_of(missing), "Error") == [
        {"code": 403, "description": "api_key is missing or not valid; ask the station for one."}
    ]
    wrong = post(client, fmt="xml", api_key="fq311_guess")
    assert wrong.status_code == 403
    assert xml_of(wrong).findtext("error/code") == "403"
    api_key.active = False
    api_key.save()
    assert post(client).status_code == 403
    assert not Matter.objects.exists()


def test_a_key_is_valid_only_for_its_own_station(
    client: Client, api_key: Open311ApiKey, other_station: Station
) -> None:
    response = post(client, jurisdiction_id="bozhen")
    assert response.status_code == 403
    assert json_of(response) == [
        {"code": 403, "description": "This api_key is not valid for jurisdiction_id “bozhen”."}
    ]
    # With several stations, the key's own station is the jurisdiction when none is named.
    assert post(client).status_code == 200
    assert Matter.objects.get().station.code == "lucheng"


def test_bad_requests_are_refused_with_the_reason_and_nothing_is_written(
    client: Client, api_key: Open311ApiKey
) -> None:
    cases: dict[str, tuple[dict[str, str], int, str]] = {
        "no service": ({"service_code": ""}, 400, "service_code was not provided."),
        "unknown service": ({"service_code": "0101"}, 404, "“0101” is not a service residents can report."),
        "no place": (
            {"lat": "", "long": "", "address_string": ""},
            400,
            "Give the location: lat and long, address_string or address_id.",
        ),
        "half a place": ({"long": ""}, 400, "lat and long must be sent together."),
        "words for a place": ({"lat": "north"}, 400, "lat and long must be numbers (WGS84 degrees)."),
        "off the globe": ({"lat": "123"}, 400, "Latitude must lie between -90 and 90."),
        "no description": ({"description": ""}, 400, "Describe the matter."),
        "too long": ({"description": "长" * 4001}, 400, "description is longer than 4,000 characters."),
        "bad phone": ({"phone": "call me"}, 400, "phone “call me” is not a phone number."),
        "bad e-mail": ({"email": "chen at example"}, 400, "email or media_url is not valid."),
        "unknown address": ({"address_string": "", "lat": "", "long": "", "address_id": "999"}, 400, (
            "address_id “999” is not an address of this station."
        )),
    }  # fmt: skip
    for name, (overrides, status, description) in cases.items():
        response = post(client, **overrides)
        assert response.status_code == status, name
        assert json_of(response) == [{"code": status, "description": description}], name
    assert not Matter.objects.exists()
    assert not Report.objects.exists()


def test_a_standard_address_id_is_a_place(
    client: Client, api_key: Open311ApiKey, station: Station, grid: CommunityGrid
) -> None:
    address = StandardAddress.objects.create(
        station=station, community=grid.community, grid=grid, building="3", unit="2", room="501"
    )
    post(client, address_string="", lat="", long="", address_id=str(address.pk))
    matter = Matter.objects.get()
    assert (matter.address, matter.address_text, matter.grid) == (address, "华丽社区3号楼2单元501室", grid)


def test_the_token_gives_the_service_request_id(client: Client, api_key: Open311ApiKey) -> None:
    post(client)
    report = Report.objects.select_related("matter").get()

    rows = valid(json_of(client.get(f"/open311/v2/tokens/{report.code}.json")), "TokenResponse")
    assert rows == [{"service_request_id": report.matter.reference, "token": report.code}]
    root = xml_of(client.get(f"/open311/v2/tokens/{report.code}.xml"))
    assert root.findtext("request/service_request_id") == report.matter.reference

    unknown = client.get("/open311/v2/tokens/ZZZZ2222.json")
    assert unknown.status_code == 404
    assert json_of(unknown) == [{"code": 404, "description": "token “ZZZZ2222” was not found."}]
