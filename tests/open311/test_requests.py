"""GET requests and requests/{id}: residents' reports as public service requests, never their personal data."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.reports.models import PublicNote
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid, Station
from tests.open311.conftest import W3C, Report_, json_of, matter_of, undeclared, valid, xml_of


def test_one_request_is_still_an_array_with_the_specs_fields(client: Client, report: Report_) -> None:
    matter = matter_of(report())

    rows = valid(json_of(client.get(f"/open311/v2/requests/{matter.reference}.json")), "Request")

    assert len(rows) == 1
    row = rows[0]
    assert {key: row[key] for key in ("service_request_id", "status", "service_code", "service_name")} == {
        "service_request_id": matter.reference,
        "status": "open",
        "service_code": "0502",
        "service_name": "Fire hazard",
    }
    assert row["description"] == "楼道里有人给电动车充电"
    assert row["address"] == "华丽社区3号楼"
    assert (row["lat"], row["long"]) == (37.946212, 115.2185)
    assert row["agency_responsible"] == "鹿城派出所"
    assert row["service_notice"].startswith("Not for emergencies: call 110.")
    assert all(W3C.match(row[key]) for key in ("requested_datetime", "updated_datetime", "expected_datetime"))
    assert row["requested_datetime"].endswith("+08:00")
    assert "status_notes" not in row and "media_url" not in row
    assert not undeclared(row, "Request")


def test_a_request_in_xml_has_the_specs_element_names(client: Client, report: Report_) -> None:
    matter = matter_of(report())

    root = xml_of(client.get(f"/open311/v2/requests/{matter.reference}.xml"))

    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == [
        "service_request_id", "status", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "lat", "long",
    ]  # fmt: skip
    assert request.findtext("service_request_id") == matter.reference
    assert request.findtext("lat") == "37.946212"


def test_personal_data_is_never_output(client: Client, report: Report_) -> None:
    report(name="李某", phone="13812345678")
    for url in ("/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/servicerequestupdates.xml"):
        body = client.get(url).content.decode()
        for private in ("李某", "13812345678", "Resident (online report)"):
            assert private not in body, (url, private)


def test_requests_about_people_go_out_without_description_or_exact_place(
    client: Client, report: Report_, grid: CommunityGrid
) -> None:
    dispute = matter_of(report(category="0205", description="楼上张某装修，跟他吵起来了", grid_id=grid.pk))

    (row,) = valid(json_of(client.get(f"/open311/v2/requests/{dispute.reference}.json")), "Request")

    assert row["service_name"] == "Dispute"
    assert "description" not in row and "lat" not in row and "long" not in row
    assert row["address"] == "华丽社区 · 华丽一网格"


def test_only_what_residents_reported_is_published(client: Client, report: Report_, matter: Matter) -> None:
    reported = matter_of(report())
    ids = [row["service_request_id"] for row in json_of(client.get("/open311/v2/requests.json"))]
    assert ids == [reported.reference]
    missing = client.get(f"/open311/v2/requests/{matter.reference}.json")
    assert missing.status_code == 404
    assert json_of(missing) == [{"code": 404, "description": f"service_request_id “{matter.reference}” was not found."}]


def test_status_is_open_until_resolved_and_notes_come_from_the_latest_public_note(
    client: Client, report: Report_, chief: User, officer: User
) -> None:
    matter = matter_of(report())
    transition(matter.pk, chief, Step(to=Stage.ACCEPTED))
    transition(matter.pk, chief, Step(to=Stage.ASSIGNED, owner=officer.username, note="内部：交赵民警"))
    transition(matter.pk, officer, Step(to=Stage.IN_PROGRESS))
    PublicNote.objects.create(matter=matter, author=officer, text="已联系物业")
    PublicNote.objects.create(matter=matter, author=officer, text="物业已清理楼道")

    (row,) = json_of(client.get(f"/open311/v2/requests/{matter.reference}.json"))
    assert (row["status"], row["status_notes"]) == ("open", "物业已清理楼道")

    transition(matter.pk, officer, Step(to=Stage.RESOLVED, outcome="helped", note="内部：已办结"))
    (row,) = valid(json_of(client.get(f"/open311/v2/requests/{matter.reference}.json")), "Request")
    assert row["status"] == "closed"
    assert "expected_datetime" not in row
    matter.refresh_from_db()
    assert row["updated_datetime"] == timezone.localtime(matter.stage_changed_at).replace(microsecond=0).isoformat()
    assert "内部" not in client.get("/open311/v2/requests.json").content.decode()


def test_rejected_merged_and_transferred_count_as_closed(client: Client, report: Report_, chief: User) -> None:
    rejected, merged, target, transferred = (matter_of(report()) for _ in range(4))
    transition(rejected.pk, chief, Step(to=Stage.REJECTED, reason="恶作剧"))
    transition(merged.pk, chief, Step(to=Stage.MERGED, into=target.pk))
    transition(transferred.pk, chief, Step(to=Stage.TRANSFERRED, target="消防救援大队"))

    closed = json_of(client.get("/open311/v2/requests.json", {"status": "closed"}))
    open_ = json_of(client.get("/open311/v2/requests.json", {"status": "open"}))

    assert sorted(row["service_request_id"] for row in closed) == sorted(
        m.reference for m in (rejected, merged, transferred)
    )
    assert [row["service_request_id"] for row in open_] == [target.reference]
    assert len(json_of(client.get("/open311/v2/requests.json", {"status": "open,closed"}))) == 4


def test_the_filters_of_the_spec(client: Client, report: Report_) -> None:
    hazard, lost, old = matter_of(report()), matter_of(report(category="0602")), matter_of(report())
    Matter.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=120))

    def ids(**params: str) -> set[str]:
        return {row["service_request_id"] for row in json_of(client.get("/open311/v2/requests.json", params))}

    assert ids() == {hazard.reference, lost.reference}  # the last 90 days by default
    assert ids(service_code="0602") == {lost.reference}
    assert ids(service_code="0602,0502") == {hazard.reference, lost.reference}
    # service_request_id overrides every other argument, even the date window.
    assert ids(service_request_id=f"{old.reference},{lost.reference}", service_code="0502") == {
        old.reference,
        lost.reference,
    }
    long_ago = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (timezone.now() - dt.timedelta(days=100)).isoformat()
    assert ids(start_date=long_ago, end_date=later) == {old.reference}


def test_an_unencoded_plus_in_the_zone_is_understood(client: Client, report: Report_) -> None:
    matter = matter_of(report())
    start = timezone.localtime() - dt.timedelta(hours=1)
    url = f"/open311/v2/requests.json?start_date={start.replace(microsecond=0).isoformat()}"
    assert "+08:00" in url
    assert [row["service_request_id"] for row in json_of(client.get(url))] == [matter.reference]


def test_bad_arguments_are_400s_that_name_the_problem(client: Client, report: Report_) -> None:
    cases = {
        "start_date=yesterday": "start_date “yesterday” is not a W3C date-time such as 2010-01-01T00:00:00Z.",
        "start_date=2024-08-01T00:00:00": "start_date needs a time zone, such as Z or +08:00.",
        "start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z": (
            "start_date and end_date may not span more than 90 days."
        ),
        "start_date=2024-06-01T00:00:00Z&end_date=2024-05-01T00:00:00Z": "start_date is after end_date.",
        "status=pending": "status must be open, closed or both (comma separated).",
    }
    for query, description in cases.items():
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400, query
        assert valid(json_of(response), "Error") == [{"code": 400, "description": description}]
    response = client.get("/open311/v2/requests.xml?status=pending")
    assert xml_of(response).findtext("error/description") == cases["status=pending"]


def test_a_station_sees_only_its_jurisdiction(
    client: Client, report: Report_, station: Station, other_station: Station
) -> None:
    ours = matter_of(report())
    assert json_of(client.get("/open311/v2/requests.json", {"jurisdiction_id": "bozhen"})) == []
    rows = json_of(client.get("/open311/v2/requests.json", {"jurisdiction_id": "lucheng"}))
    assert [row["service_request_id"] for row in rows] == [ours.reference]
    assert client.get(f"/open311/v2/requests/{ours.reference}.json", {"jurisdiction_id": "bozhen"}).status_code == 404


def test_the_list_costs_the_same_queries_for_one_request_and_for_three(client: Client, report: Report_) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/open311/v2/requests.json")
        return len(captured)

    report()
    one = queries()
    report()
    report()
    assert queries() == one
