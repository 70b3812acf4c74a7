"""Follow-up actions over the API, as JSON or as a form with attachments."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Attachment, FollowUpAction
from fengqiao.stations.models import Partner
from tests.api.conftest import error_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_officer_records_a_visit_with_a_partner(api, officer, matter, station):  # type: ignore[no-untyped-def]
    water = Partner.objects.create(station=station, name="辛集市自来水公司", kind=Partner.Kind.UTILITY)

    response = api(officer).post(
        f"/matters/{matter.pk}/actions",
        {
            "kind": "coordination",
            "note": "协调恢复供水",
            "occurred_at": "2023-11-20T15:00:00+08:00",
            "partner": water.pk,
        },
    )

    assert response.status_code == 201
    action = response.json()
    assert (action["kind"], action["note"], action["partner"]) == ("coordination", "协调恢复供水", "辛集市自来水公司")
    assert action["actor"] == {"username": "zhao", "name": "赵民警"}
    assert action["occurred_at"] == "2023-11-20T07:00:00Z"
    shown = api(officer).get(f"/matters/{matter.pk}").json()
    assert [a["note"] for a in shown["actions"]] == ["协调恢复供水"]


def test_an_inquiry_record_is_filed_with_its_scan(api, officer, matter):  # type: ignore[no-untyped-def]
    scan = SimpleUploadedFile("询问笔录.png", PNG, content_type="image/png")

    response = api(officer).post_form(
        f"/matters/{matter.pk}/actions", {"kind": "inquiry_record", "note": "询问邻居", "files": [scan]}
    )

    assert response.status_code == 201
    assert response.json()["attachments"] == [
        {
            "name": "询问笔录.png",
            "size": len(PNG),
            "sha256": hashlib.sha256(PNG).hexdigest(),
            "content_type": "image/png",
        }
    ]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_written(api, officer, matter):  # type: ignore[no-untyped-def]
    script = SimpleUploadedFile("scan.png", b"#!/bin/sh\necho hi\n", content_type="image/png")

    response = api(officer).post_form(
        f"/matters/{matter.pk}/actions", {"kind": "document", "note": "材料", "files": [script]}
    )

    assert (response.status_code, error_of(response)["field"]) == (400, "files")
    assert FollowUpAction.objects.count() == Attachment.objects.count() == 0


def test_a_form_with_a_bad_field_names_it(api, officer, matter):  # type: ignore[no-untyped-def]
    response = api(officer).client.post(
        f"/api/v1/matters/{matter.pk}/actions",
        {"kind": "visit", "note": "走访", "partner": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    error = error_of(response)
    assert (error["code"], error["field"], error["message"]) == ("invalid", "partner", "Give a whole number.")


def test_an_action_without_a_note_is_refused(api, officer, matter):  # type: ignore[no-untyped-def]
    error = error_of(api(officer).post(f"/matters/{matter.pk}/actions", {"kind": "visit"}))

    assert (error["code"], error["field"]) == ("required", "note")
    assert FollowUpAction.objects.count() == 0


def test_garbage_instead_of_an_action_is_a_400(api, officer, matter):  # type: ignore[no-untyped-def]
    response = api(officer).post_raw(f"/matters/{matter.pk}/actions", "{kind: visit", "application/json")

    assert (response.status_code, error_of(response)["code"]) == (400, "malformed")


def test_no_actions_on_an_archived_matter(api, chief, officer, matter):  # type: ignore[no-untyped-def]
    for step in [
        Step(to="accepted"),
        Step(to="assigned", owner="zhao"),
        Step(to="in_progress"),
        Step(to="resolved", outcome="helped"),
        Step(to="called_back", satisfaction="satisfied"),
        Step(to="archived"),
    ]:
        transition(matter.pk, chief, step)

    response = api(officer).post(f"/matters/{matter.pk}/actions", {"kind": "visit", "note": "再次走访"})

    assert (response.status_code, error_of(response)["code"]) == (409, "closed")


def test_another_station_cannot_add_actions(api, other_chief, matter):  # type: ignore[no-untyped-def]
    response = api(other_chief).post(f"/matters/{matter.pk}/actions", {"kind": "visit", "note": "走访"})

    assert response.status_code == 404
    assert FollowUpAction.objects.count() == 0
