"""The mediation API: every endpoint, the one error shape, a partner mediator's token scoped to their own cases,
and no unmasked phone in any answer.

Personas (tests/conftest.py, tests/mediation/conftest.py): 赵民警 (`officer`) opens and leads the case; 周律师
(`mediator`) and 陈法官 (`judge`) are partner mediators on it; 吴主任 (`outsider`) is a partner mediator of the same
station who is not; 刘强 (`other_chief`) is the chief of another station.
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from fengqiao.analysis.mediation_proposals import propose
from fengqiao.analysis.models import ProposalStage, RepeatGroup, RepeatReason
from fengqiao.matters.models import Matter, Stage
from fengqiao.mediation.domain.fulfilment import attach_signed_scan
from fengqiao.mediation.models import Agreement, Case, CaseStage, Room, Session, SessionStatus
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from tests.api.conftest import ApiClient, error_of, token_for
from tests.mediation.conftest import at

PHONES = ("13900001111", "13900002222")
TERMS = "双方共同出资加固承重结构，张某承担六成。"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def api() -> Callable[[User], ApiClient]:
    return lambda user: ApiClient(token_for(user))


def no_phone_in(response: Any) -> Any:
    """The response, after checking that no unmasked phone of the parties is in it."""
    text = response.content.decode()
    assert not any(phone in text for phone in PHONES), text
    return response


def opening_body(liu: Person, zhang: Person, lead: User, *mediators: User, **extra: object) -> dict[str, Any]:
    return {
        "dispute_type": "neighbours",
        "sides": [{"person": liu.pk, "side": "a"}, {"person": zhang.pk, "side": "b"}],
        "lead": lead.pk,
        "mediators": [m.pk for m in mediators],
        "facts": "张某装修拆改承重结构，楼下刘某担心房屋安全，多次报警。",
        **extra,
    }


def schedule(client: ApiClient, case: Case, room: Room, days: int, **extra: object) -> Any:
    body = {"starts_at": at(days).isoformat(), "ends_at": at(days, 11).isoformat(), "room": room.pk, **extra}
    return client.post(f"/mediations/{case.pk}/sessions", body)


def hold(client: ApiClient, case: Case, room: Room, liu: Person, zhang: Person, mediator: User) -> dict[str, Any]:
    session = schedule(client, case, room, -2).json()
    body = {"minutes": "双方陈述意见。", "parties_present": [liu.pk, zhang.pk], "mediators_present": [mediator.pk]}
    response = client.post(f"/mediations/sessions/{session['id']}/record", body)
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()
    return result


def agreed(client: ApiClient, case: Case, room: Room, liu: Person, zhang: Person, mediator: User) -> Any:
    assert client.post(f"/mediations/{case.pk}/transitions", {"to": "accepted", "consent": True}).status_code == 200
    hold(client, case, room, liu, zhang, mediator)
    step = {"to": "agreed", "terms": TERMS, "fulfilment": "三十日内完成加固，由社区监督。"}
    return client.post(f"/mediations/{case.pk}/transitions", step)


# ---- opening, reading, listing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_opens_a_case_from_a_dispute_and_reads_its_sides_masked(
    api, officer: User, dispute_matter: Matter, liu: Person, zhang: Person, mediator: User, room: Room
) -> None:
    body = opening_body(liu, zhang, officer, mediator, room=room.pk, amount="3000.50", risk_level="medium")
    response = no_phone_in(api(officer).post("/mediations", {"matter": dispute_matter.pk, **body}))

    assert response.status_code == 201, response.content
    case = response.json()
    assert (case["stage"], case["matter"]["id"], case["room"], case["dispute"]["type"]["code"]) == (
        "proposed",
        dispute_matter.pk,
        room.name,
        "neighbours",
    )
    assert [(s["name"], s["side"], s["phone"]) for s in case["sides"]] == [
        ("刘某", "a", "139****1111"),
        ("张某", "b", "139****2222"),
    ]
    assert case["dispute"]["amount"] == "3000.50"
    assert [e["to"] for e in case["events"]] == ["proposed"] and case["events"][0]["from"] == ""
    assert [s["code"] for s in case["allowed_steps"]] == ["accepted", "declined"]
    assert no_phone_in(api(officer).get(f"/mediations/{case['id']}")).json() == case


@pytest.mark.django_db
def test_a_case_opened_from_a_repeat_call_proposal_opens_the_proposal(
    api, officer: User, dispute_matter: Matter, liu: Person, zhang: Person
) -> None:
    group = RepeatGroup.objects.create(
        station=dispute_matter.station,
        key_kind=RepeatReason.SAME_PARTIES,
        key_value=f"{liu.pk}-{zhang.pk}",
        label="刘某 & 张某",
        window_days=30,
        count=3,
        first_at=dispute_matter.reported_at,
        last_at=dispute_matter.reported_at,
    )
    proposal = propose(group, [dispute_matter.pk])

    response = api(officer).post("/mediations", {"proposal": proposal.pk, **opening_body(liu, zhang, officer)})

    assert response.status_code == 201, response.content
    assert (response.json()["proposal"], response.json()["matter"]["id"]) == (proposal.pk, dispute_matter.pk)
    proposal.refresh_from_db()
    assert proposal.stage == ProposalStage.OPENED


@pytest.mark.django_db
def test_opening_refusals_come_in_the_one_error_shape(
    api, officer: User, mediator: User, dispute_matter: Matter, liu: Person, zhang: Person
) -> None:
    body = opening_body(liu, zhang, officer)
    neither = error_of(api(officer).post("/mediations", body))
    wrong_type = error_of(api(officer).post("/mediations", {**body, "matter": dispute_matter.pk, "dispute_type": "x"}))
    typo = api(officer).post("/mediations", {**body, "matter": dispute_matter.pk, "ledd": 1})
    partner = api(mediator).post("/mediations", {**body, "matter": dispute_matter.pk})

    assert (neither["code"], neither["field"]) == ("required", "matter")
    assert (wrong_type["code"], wrong_type["field"], wrong_type["message"]) == (
        "invalid",
        "dispute_type",
        "“x”不是纠纷类型。",
    )
    assert (typo.status_code, error_of(typo)["field"]) == (400, "ledd")
    assert (partner.status_code, error_of(partner)["code"]) == (403, "forbidden")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_list_is_scoped_and_filters_by_stage(
    api, case: Case, officer: User, mediator: User, outsider: User, other_chief: User
) -> None:
    mine = api(officer).get("/mediations").json()
    proposed = api(officer).get("/mediations", stage="proposed").json()
    accepted = api(officer).get("/mediations", stage="accepted").json()
    bad = api(officer).get("/mediations", stage="maybe")

    assert (mine["count"], [c["reference"] for c in mine["items"]]) == (1, [case.reference])
    assert mine["items"][0]["dispute_type"] == {"code": "neighbours", "label": "邻里纠纷"}
    assert (proposed["count"], accepted["count"]) == (1, 0)
    assert (bad.status_code, error_of(bad)["field"]) == (400, "stage")
    assert api(mediator).get("/mediations").json()["count"] == 1
    assert api(outsider).get("/mediations").json()["count"] == 0
    assert api(other_chief).get("/mediations").json()["count"] == 0


@pytest.mark.django_db
def test_a_partner_token_sees_only_its_own_cases_and_others_are_404(
    api, case: Case, mediator: User, outsider: User, other_chief: User, room: Room
) -> None:
    assert no_phone_in(api(mediator).get(f"/mediations/{case.pk}")).status_code == 200
    for user in (outsider, other_chief):
        client = api(user)
        for response in (
            client.get(f"/mediations/{case.pk}"),
            client.post(f"/mediations/{case.pk}/transitions", {"to": "accepted", "consent": True}),
            schedule(client, case, room, 1),
            client.get(f"/mediations/{case.pk}/agreement.pdf"),
        ):
            assert (response.status_code, error_of(response)["code"]) == (404, "not_found"), user
    assert api(mediator).get("/mediations/999999").status_code == 404
    case.refresh_from_db()
    assert case.stage == CaseStage.PROPOSED and not case.sessions.exists()


@pytest.mark.django_db
def test_without_a_token_the_api_answers_401(case: Case) -> None:
    response = ApiClient(None).get(f"/mediations/{case.pk}")
    assert (response.status_code, error_of(response)["code"]) == (401, "unauthenticated")


# ---- the stages, sessions, visits --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_mediator_records_consent_but_a_missing_one_is_refused(api, case: Case, mediator: User) -> None:
    refused = api(mediator).post(f"/mediations/{case.pk}/transitions", {"to": "accepted"})
    consent = {"to": "accepted", "consent": True}
    accepted = no_phone_in(api(mediator).post(f"/mediations/{case.pk}/transitions", consent))
    again = api(mediator).post(f"/mediations/{case.pk}/transitions", {"to": "accepted", "consent": True})

    assert (refused.status_code, error_of(refused)["field"]) == (400, "consent")
    assert accepted.status_code == 200 and accepted.json()["stage"] == "accepted"
    assert [s["code"] for s in accepted.json()["allowed_steps"]] == ["agreed", "partly_agreed", "failed"]
    assert (again.status_code, error_of(again)["code"]) == (409, "not_allowed")


@pytest.mark.django_db
def test_sessions_are_scheduled_clash_recorded_and_cancelled(
    api, case: Case, officer: User, mediator: User, judge: User, liu: Person, zhang: Person, room: Room
) -> None:
    first = schedule(api(officer), case, room, 1)
    clash = schedule(api(mediator), case, room, 1)
    second = schedule(api(mediator), case, room, 3, mediators=[judge.pk])
    early = api(mediator).post(
        f"/mediations/sessions/{first.json()['id']}/record",
        {"minutes": "…", "parties_present": [liu.pk], "mediators_present": [mediator.pk]},
    )
    cancelled = api(officer).post(f"/mediations/sessions/{second.json()['id']}/cancel", {"reason": "张某出差"})
    no_reason = api(officer).post(f"/mediations/sessions/{first.json()['id']}/cancel", {"reason": ""})
    held = hold(api(mediator), case, room, liu, zhang, mediator)

    assert first.status_code == 201 and first.json()["status"] == "scheduled"
    assert [m["username"] for m in first.json()["mediators"]] == sorted(
        [officer.username, mediator.username, judge.username], key=lambda n: User.objects.get(username=n).pk
    )
    assert (clash.status_code, error_of(clash)["code"], error_of(clash)["field"]) == (409, "clash", "room")
    assert room.name in error_of(clash)["message"]
    assert [m["username"] for m in second.json()["mediators"]] == [judge.username]
    assert (early.status_code, error_of(early)["field"]) == (400, "minutes")
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "张某出差")
    assert (no_reason.status_code, error_of(no_reason)["field"]) == (400, "reason")
    assert (held["status"], held["parties_present"], held["minutes"]) == ("held", ["刘某", "张某"], "双方陈述意见。")
    statuses = [s["status"] for s in api(officer).get(f"/mediations/{case.pk}").json()["sessions"]]
    assert sorted(statuses) == ["cancelled", "held", "scheduled"]


@pytest.mark.django_db
def test_a_session_of_a_case_the_partner_is_not_on_is_404(
    api, case: Case, officer: User, outsider: User, room: Room
) -> None:
    session = schedule(api(officer), case, room, 1).json()
    response = api(outsider).post(f"/mediations/sessions/{session['id']}/cancel", {"reason": "不想开"})
    assert (response.status_code, error_of(response)["code"]) == (404, "not_found")
    assert Session.objects.get(pk=session["id"]).status == SessionStatus.SCHEDULED


@pytest.mark.django_db
def test_from_agreement_through_a_visit_to_closing_the_matter_is_resolved(
    api, case: Case, officer: User, mediator: User, liu: Person, zhang: Person, room: Room, dispute_matter: Matter
) -> None:
    done = agreed(api(mediator), case, room, liu, zhang, mediator)
    assert done.status_code == 200, done.content
    assert (done.json()["agreement"]["terms"], done.json()["agreement"]["signed"]) == (TERMS, False)
    partner_check = api(mediator).post(f"/mediations/{case.pk}/transitions", {"to": "fulfilment_check"})
    check = api(officer).post(f"/mediations/{case.pk}/transitions", {"to": "fulfilment_check", "visit_days": [7]})
    visit = check.json()["visits"][0]
    too_early = api(officer).post(f"/mediations/{case.pk}/transitions", {"to": "closed"})
    no_answer = api(mediator).post(f"/mediations/visits/{visit['id']}", {"note": "已加固"})
    kept = api(mediator).post(f"/mediations/visits/{visit['id']}", {"fulfilled": True, "note": "加固已完成。"})
    closed = api(officer).post(f"/mediations/{case.pk}/transitions", {"to": "closed"})

    assert (partner_check.status_code, error_of(partner_check)["code"]) == (403, "forbidden")
    assert check.status_code == 200 and len(check.json()["visits"]) == 1
    assert (too_early.status_code, error_of(too_early)["field"]) == (400, "to")
    assert (no_answer.status_code, error_of(no_answer)["field"]) == (400, "fulfilled")
    assert (kept.status_code, kept.json()["fulfilled"], kept.json()["done_by"]["username"]) == (
        200,
        True,
        mediator.username,
    )
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    dispute_matter.refresh_from_db()
    assert dispute_matter.stage == Stage.RESOLVED and dispute_matter.outcome is not None
    assert dispute_matter.outcome.code == "resolved"


# ---- the agreement: signed scan and documents ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_signed_scan_is_attached_once_as_a_pdf_or_image(
    api, case: Case, mediator: User, liu: Person, zhang: Person, room: Room
) -> None:
    def upload(name: str, content: bytes) -> Any:
        form = {"file": SimpleUploadedFile(name, content)}
        return api(mediator).post_form(f"/mediations/{case.pk}/signed-scan", form)

    before = upload("signed.pdf", b"%PDF-1.4\n%%EOF\n")
    agreed(api(mediator), case, room, liu, zhang, mediator)
    wrong = upload("signed.txt", b"just words")
    missing = api(mediator).post_form(f"/mediations/{case.pk}/signed-scan", {})
    signed = upload("signed.pdf", b"%PDF-1.4\n%%EOF\n")
    twice = upload("signed.pdf", b"%PDF-1.4\n%%EOF\n")

    assert (before.status_code, error_of(before)["field"]) == (400, "file")
    assert (wrong.status_code, error_of(wrong)["code"]) == (400, "bad_type")
    assert (missing.status_code, error_of(missing)["field"]) == (400, "file")
    assert signed.status_code == 201 and signed.json()["signed"] is True
    assert (twice.status_code, error_of(twice)["code"]) == (409, "conflict")


@pytest.mark.django_db
def test_a_scan_whose_row_fails_to_save_leaves_no_file_behind(
    api, case: Case, mediator: User, liu: Person, zhang: Person, room: Room, settings, monkeypatch
) -> None:
    agreed(api(mediator), case, room, liu, zhang, mediator)
    real_save = Agreement.save

    def failing_save(self: Agreement, *args: Any, **kwargs: Any) -> None:
        if "signed_scan" in kwargs.get("update_fields", []):
            raise DatabaseError("disk full")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Agreement, "save", failing_save)
    with pytest.raises(DatabaseError):
        attach_signed_scan(case, mediator, SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n"))

    assert not Agreement.objects.get(case=case).is_signed
    media = Path(settings.MEDIA_ROOT)
    assert [p for p in media.rglob("*") if p.is_file() and "signed" in p.name] == []


@pytest.mark.django_db
def test_the_agreement_downloads_as_word_and_pdf_with_the_parties_and_terms(
    api, case: Case, mediator: User, officer: User, liu: Person, zhang: Person, room: Room
) -> None:
    none_yet = api(officer).get(f"/mediations/{case.pk}/agreement.docx")
    agreed(api(mediator), case, room, liu, zhang, mediator)
    docx = api(mediator).get(f"/mediations/{case.pk}/agreement.docx")
    pdf = api(mediator).get(f"/mediations/{case.pk}/agreement.pdf")

    assert (none_yet.status_code, error_of(none_yet)["code"]) == (404, "not_found")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"{case.reference}.docx" in docx["Content-Disposition"]
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "刘某" in text and "张某" in text and TERMS in text
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    # The CID font's text comes out of pypdf with NULs between the characters.
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\x00", "")
    assert "刘某" in pdf_text and "加固承重结构" in pdf_text
    assert not any(phone in text + pdf_text for phone in PHONES)


# ---- figures -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_figures_are_for_the_stations_police_with_a_checked_period(
    api, case: Case, officer: User, mediator: User
) -> None:
    year = at(0).year
    figures = api(officer).get("/mediations/stats", **{"from": f"{year}-01-01", "to": at(0).date().isoformat()})
    default = api(officer).get("/mediations/stats")
    bad = api(officer).get("/mediations/stats", **{"from": "yesterday"})
    backwards = api(officer).get("/mediations/stats", **{"from": f"{year}-12-31", "to": f"{year}-01-01"})
    partner = api(mediator).get("/mediations/stats")

    assert figures.status_code == 200, figures.content
    body = figures.json()
    assert body["period"] == {"from": f"{year}-01-01", "to": at(0).date().isoformat()}
    assert (body["total"]["opened"], body["total"]["success_pct"]) == (1, None)
    assert [(row["key"], row["opened"]) for row in body["by_type"]] == [("neighbours", 1)]
    assert default.json() == body
    assert (bad.status_code, error_of(bad)["field"]) == (400, "from")
    assert (backwards.status_code, error_of(backwards)["field"]) == (400, "from")
    assert (partner.status_code, error_of(partner)["code"]) == (403, "forbidden")


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_case_and_for_three(
    api, case: Case, officer: User, make_matter, zhang: Person, django_assert_num_queries
) -> None:
    client = api(officer)
    with django_assert_num_queries(3):  # the token, the count, the page with its relations
        assert client.get("/mediations").json()["count"] == 1
    for n in range(2):
        matter = make_matter(kind="dispute", category="020501", description=f"又一起纠纷{n}")
        body = opening_body(matter.parties.get().person, zhang, officer)
        assert client.post("/mediations", {"matter": matter.pk, **body}).status_code == 201
    with django_assert_num_queries(3):
        assert client.get("/mediations").json()["count"] == 3
