"""servicerequestupdates (mySociety's extension): every change of stage after registration, in public words."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.staff.models import User
from tests.open311.conftest import W3C, Report_, json_of, matter_of, undeclared, valid, xml_of


def test_updates_list_each_step_with_its_public_status(
    client: Client, report: Report_, chief: User, officer: User, matter: Matter
) -> None:
    reported = matter_of(report())
    transition(reported.pk, chief, Step(to=Stage.ACCEPTED, note="内部备注"))
    transition(reported.pk, chief, Step(to=Stage.ASSIGNED, owner=officer.username))
    transition(reported.pk, officer, Step(to=Stage.IN_PROGRESS))
    transition(reported.pk, officer, Step(to=Stage.RESOLVED, outcome="helped"))
    transition(matter.pk, chief, Step(to=Stage.ACCEPTED))  # a walk-in: not published

    updates = valid(json_of(client.get("/open311/v2/servicerequestupdates.json")), "RequestUpdate")

    events = MatterEvent.objects.filter(matter=reported).exclude(from_stage="").order_by("at", "id")
    assert [(u["update_id"], u["service_request_id"], u["status"]) for u in updates] == [
        (str(events[0].pk), reported.reference, "open"),
        (str(events[1].pk), reported.reference, "open"),
        (str(events[2].pk), reported.reference, "open"),
        (str(events[3].pk), reported.reference, "closed"),
    ]
    assert updates[0]["description"] == (
        "Accepted: The station has taken up your report and an officer will handle it."
    )
    assert all(W3C.match(u["updated_datetime"]) and not undeclared(u, "RequestUpdate") for u in updates)
    body = client.get("/open311/v2/servicerequestupdates.json").content.decode()
    assert "内部备注" not in body and "赵民警" not in body


def test_updates_in_xml_and_within_the_dates_asked_for(client: Client, report: Report_, chief: User) -> None:
    reported = matter_of(report())
    transition(reported.pk, chief, Step(to=Stage.ACCEPTED))

    root = xml_of(client.get("/open311/v2/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    (update,) = root.findall("request_update")
    assert [child.tag for child in update] == [
        "update_id", "service_request_id", "status", "updated_datetime", "description",
    ]  # fmt: skip

    def w3c(hours_ago: int) -> str:
        return (timezone.now() - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")

    before = {"start_date": w3c(3), "end_date": w3c(2)}
    assert json_of(client.get("/open311/v2/servicerequestupdates.json", before)) == []
    around = {"start_date": w3c(1), "end_date": w3c(-1)}
    assert len(json_of(client.get("/open311/v2/servicerequestupdates.json", around))) == 1
    bad = client.get("/open311/v2/servicerequestupdates.json", {"end_date": "soon"})
    assert bad.status_code == 400
    assert json_of(bad)[0]["description"].startswith("end_date “soon” is not a W3C date-time")
