"""The mediation pages as the station's officers and its partner mediators see them.

Pages are asked for in English (the source language), so the labels asserted hold whatever the catalogue says;
names, references and minutes are asserted as they are.
"""

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fengqiao.analysis.models import MediationProposal, ProposalStage
from fengqiao.matters.domain.registration import PartyInput
from fengqiao.matters.models import Matter, Stage
from fengqiao.mediation.domain.cases import CaseStep, move_case, open_case
from fengqiao.mediation.domain.sessions import Booking, Record, record_session, schedule_session
from fengqiao.mediation.models import Case, CaseStage, Room, Session, SessionStatus
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from tests.conftest import PASSWORD
from tests.mediation.conftest import an_opening, at

Browse = Callable[[User], Client]
PHONES = ("13900001111", "13900002222")


@pytest.fixture
def browse() -> Browse:
    def _as(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _as


def text_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def field_block(html: str, field_id: str) -> str:
    """The HTML of the form field whose input has this id, up to the next field: where its errors are shown."""
    start = html.rindex('<div class="field', 0, html.index(f'id="{field_id}"'))
    end = html.find('<div class="field', start + 1)
    return html[start : end if end != -1 else len(html)]


def errors_next_to(html: str, field_id: str) -> list[str]:
    return re.findall(r'<p class="error-text" role="alert">(.*?)</p>', field_block(html, field_id))


def held(case: Case, actor: User, liu: Person, zhang: Person, room: Room) -> Session:
    session = schedule_session(case, actor, Booking(starts_at=at(-2), ends_at=at(-2, 11), room=room.pk))
    return record_session(
        session.pk,
        actor,
        Record(minutes="双方同意共同出资加固", parties_present=(liu.pk, zhang.pk), mediators_present=(actor.pk,)),
    )


def agreed(case: Case, officer: User, liu: Person, zhang: Person, room: Room) -> Case:
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held(case, officer, liu, zhang, room)
    return move_case(
        case.pk, officer, CaseStep("agreed", terms="双方共同出资加固承重墙", fulfilment="三十日内完成加固")
    )


# The list ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_sees_the_stations_cases_with_parties_stage_next_session_and_lead(  # type: ignore[no-untyped-def]
    browse, case: Case, second_case: Case, officer: User, room: Room
) -> None:
    schedule_session(case, officer, Booking(starts_at=at(3, 14), ends_at=at(3, 16), room=room.pk))

    page = text_of(browse(officer).get("/mediation/"))

    row = page[page.index(f'data-case="{case.pk}"') :].split("</tr>")[0]
    assert case.reference in row and "Neighbours" in row and "赵民警" in row
    assert "刘某" in row and "张某" in row and "Party A" in row
    assert at(3, 14).astimezone().strftime("%Y-%m-%d") in row
    assert second_case.reference in page


@pytest.mark.django_db
def test_the_list_filters_by_stage(browse, case: Case, second_case: Case, officer: User) -> None:  # type: ignore[no-untyped-def]
    move_case(case.pk, officer, CaseStep("accepted", consent=True))

    page = text_of(browse(officer).get("/mediation/?stage=accepted"))

    assert case.reference in page and second_case.reference not in page


@pytest.mark.django_db
def test_a_bad_stage_filter_is_named_next_to_its_field(browse, officer: User) -> None:  # type: ignore[no-untyped-def]
    response = browse(officer).get("/mediation/?stage=nonsense")

    assert response.status_code == 400
    assert errors_next_to(text_of(response), "id_stage") == [
        "Select a valid choice. nonsense is not one of the available choices."
    ]


@pytest.mark.django_db
def test_another_station_sees_none_of_our_cases(browse, case: Case, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    client = browse(other_chief)

    assert case.reference not in text_of(client.get("/mediation/"))
    assert client.get(f"/mediation/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_list_takes_as_many_queries_for_three_cases_as_for_one(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, make_matter, outsider: User
) -> None:
    client = browse(officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/mediation/").status_code == 200
    for index in range(2):
        matter = make_matter(
            kind="dispute",
            category="020501",
            description=f"邻里纠纷{index}",
            parties=[PartyInput(name=f"甲{index}"), PartyInput(name=f"乙{index}")],
        )
        first, second = (party.person for party in matter.parties.order_by("id"))
        open_case(officer, an_opening(first, second, officer), matter_id=matter.pk)
    with CaptureQueriesContext(connection) as three:
        page = text_of(client.get("/mediation/"))
    assert page.count("data-case=") == 3
    assert len(three) == len(one)


@pytest.mark.django_db
def test_the_rooms_page_shows_their_people_and_opening_times(browse, room: Room, mediator: User, officer) -> None:  # type: ignore[no-untyped-def]
    room.people.add(mediator)

    page = text_of(browse(officer).get("/mediation/rooms/"))

    assert "东港社区调解室" in page and "周一至周五 9:00-17:00" in page and "周律师" in page


# Opening -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_opens_a_case_from_the_dispute_matter(  # type: ignore[no-untyped-def]
    browse, officer: User, dispute_matter: Matter, liu: Person, zhang: Person, mediator: User, room: Room, court
) -> None:
    client = browse(officer)
    matter_page = text_of(client.get(f"/matters/{dispute_matter.pk}/"))
    assert f'action="/mediation/open/matter/{dispute_matter.pk}/"' in matter_page

    form = text_of(client.get(f"/mediation/open/matter/{dispute_matter.pk}/"))
    assert "刘某" in form and "张某" in form and "周律师" in form
    response = client.post(
        f"/mediation/open/matter/{dispute_matter.pk}/",
        {
            "dispute_type": "neighbours",
            "risk_level": "medium",
            "amount": "20000",
            "facts": "楼上装修拆改承重墙",
            f"side_{liu.pk}": "a",
            f"side_{zhang.pk}": "b",
            "lead": officer.pk,
            "mediators": [mediator.pk],
            "partners": [court.pk],
            "room": room.pk,
        },
        follow=True,
    )

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/mediation/{case.pk}/"
    assert f"Mediation case {case.reference} opened." in text_of(response)
    assert set(case.mediators.all()) == {officer, mediator} and case.room == room
    assert {(side.person.name, side.side) for side in case.dispute.sides.all()} == {("刘某", "a"), ("张某", "b")}
    matter_page = text_of(client.get(f"/matters/{dispute_matter.pk}/"))
    assert f'href="/mediation/{case.pk}/">{case.reference}</a>' in matter_page
    assert "/mediation/open/matter/" not in matter_page


@pytest.mark.django_db
def test_a_case_needs_a_party_on_each_side(  # type: ignore[no-untyped-def]
    browse, officer: User, dispute_matter: Matter, liu: Person, zhang: Person
) -> None:
    response = browse(officer).post(
        f"/mediation/open/matter/{dispute_matter.pk}/",
        {
            "dispute_type": "neighbours",
            "risk_level": "low",
            "lead": officer.pk,
            f"side_{liu.pk}": "a",
            f"side_{zhang.pk}": "a",
        },
    )

    assert response.status_code == 400
    sides = text_of(response).split('id="sides"')[1].split("</fieldset>")[0]
    assert "Name at least one party on each side." in sides
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_unknown_dispute_type_is_named_next_to_its_field(  # type: ignore[no-untyped-def]
    browse, officer: User, dispute_matter: Matter, liu: Person, zhang: Person
) -> None:
    response = browse(officer).post(
        f"/mediation/open/matter/{dispute_matter.pk}/",
        {"dispute_type": "duel", "lead": officer.pk, f"side_{liu.pk}": "a", f"side_{zhang.pk}": "b"},
    )

    assert response.status_code == 400
    assert errors_next_to(text_of(response), "id_dispute_type") == [
        "Select a valid choice. duel is not one of the available choices."
    ]


@pytest.mark.django_db
def test_a_matter_that_is_no_dispute_offers_no_mediation(browse, officer: User, matter: Matter) -> None:  # type: ignore[no-untyped-def]
    assert "/mediation/open/" not in text_of(browse(officer).get(f"/matters/{matter.pk}/"))
    response = browse(officer).post(
        f"/mediation/open/matter/{matter.pk}/", {"dispute_type": "other", "risk_level": "low", "lead": officer.pk}
    )
    assert response.status_code == 400
    assert "Only a dispute can be mediated; this matter is not one." in text_of(response)


@pytest.mark.django_db
def test_an_auxiliary_is_told_opening_a_case_is_an_officers_step(browse, auxiliary: User, dispute_matter) -> None:  # type: ignore[no-untyped-def]
    response = browse(auxiliary).get(f"/mediation/open/matter/{dispute_matter.pk}/")

    assert response.status_code == 403
    assert "Only the station&#x27;s officers may open a mediation case." in text_of(response)


def test_an_officer_opens_a_case_from_a_repeat_call_proposal(  # type: ignore[no-untyped-def]
    browse, officer: User, proposal: MediationProposal, liu: Person, zhang: Person, judge: User
) -> None:
    client = browse(officer)
    repeats = text_of(client.get("/analysis/repeats/"))
    assert f'action="/mediation/open/proposal/{proposal.pk}/"' in repeats

    response = client.post(
        f"/mediation/open/proposal/{proposal.pk}/",
        {
            "dispute_type": "neighbours",
            "risk_level": "high",
            f"side_{liu.pk}": "a",
            f"side_{zhang.pk}": "b",
            "lead": officer.pk,
            "mediators": [judge.pk],
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mediation/{case.pk}/"
    proposal.refresh_from_db()
    assert proposal.stage == ProposalStage.OPENED and case.proposal == proposal
    repeats = text_of(client.get("/analysis/repeats/"))
    assert f'href="/mediation/{case.pk}/">{case.reference}</a>' in repeats
    assert client.get(f"/mediation/open/proposal/{proposal.pk}/")["Location"] == f"/mediation/{case.pk}/"


# The case page: steps ------------------------------------------------------------------------------------------


def step(client: Client, case: Case, to: str, **fields: object) -> object:
    data = {"to": to, "expected_stage": Case.objects.get(pk=case.pk).stage, **fields}
    return client.post(f"/mediation/{case.pk}/step/", data)


@pytest.mark.django_db
def test_consent_is_a_checkbox_and_without_it_the_case_stays_proposed(browse, case: Case, officer: User) -> None:  # type: ignore[no-untyped-def]
    client = browse(officer)

    refused = step(client, case, "accepted")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert errors_next_to(text_of(refused), "id_accepted_consent") == ["Record that both parties consent to mediation."]
    assert Case.objects.get().stage == CaseStage.PROPOSED

    assert step(client, case, "accepted", consent="on").status_code == 302  # type: ignore[attr-defined]
    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert '<span id="stage" class="stage case-stage-accepted">Accepted by the parties</span>' in page


@pytest.mark.django_db
def test_a_declined_case_says_why(browse, case: Case, officer: User) -> None:  # type: ignore[no-untyped-def]
    client = browse(officer)

    assert errors_next_to(text_of(step(client, case, "declined")), "id_declined_note") == ["Say why, in the note."]
    step(client, case, "declined", note="张某拒绝调解")

    assert Case.objects.get().stage == CaseStage.DECLINED
    assert "张某拒绝调解" in text_of(client.get(f"/mediation/{case.pk}/"))


@pytest.mark.django_db
def test_the_agreement_form_names_the_missing_terms_then_records_them(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room
) -> None:
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held(case, officer, liu, zhang, room)
    client = browse(officer)

    refused = text_of(step(client, case, "agreed", fulfilment="三十日内"))
    assert errors_next_to(refused, "id_agreed_terms") == ["Write the agreed terms."]
    step(client, case, "agreed", terms="双方共同出资加固承重墙", fulfilment="三十日内完成加固", fulfil_by="2030-01-31")

    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert Case.objects.get().stage == CaseStage.AGREED
    assert "双方共同出资加固承重墙" in page and "2030-01-31" in page
    assert f'href="/mediation/{case.pk}/agreement.docx"' in page


@pytest.mark.django_db
def test_a_partial_agreement_says_what_remains(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room
) -> None:
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held(case, officer, liu, zhang, room)
    client = browse(officer)

    fields = {"terms": "张某恢复墙体", "fulfilment": "十日内"}
    refused = text_of(step(client, case, "partly_agreed", **fields))
    assert errors_next_to(refused, "id_partly_agreed_unresolved") == ["Say what remains unresolved."]
    step(client, case, "partly_agreed", unresolved="赔偿金额未谈拢", **fields)

    assert Case.objects.get().stage == CaseStage.PARTLY_AGREED


@pytest.mark.django_db
def test_a_failed_case_is_referred_by_choice_then_closed(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room, dispute_matter: Matter
) -> None:
    move_case(case.pk, officer, CaseStep("accepted", consent=True))
    held(case, officer, liu, zhang, room)
    client = browse(officer)
    step(client, case, "failed", note="双方分歧太大")

    refused = text_of(step(client, case, "referred"))
    assert errors_next_to(refused, "id_referred_referral") == ["Choose where the dispute is referred."]
    step(client, case, "referred", referral="court_pre_litigation")
    assert errors_next_to(text_of(step(client, case, "closed")), "id_closed_note") == [
        "Say why the case is closed, in the note."
    ]
    step(client, case, "closed", note="已移交法院诉前调解")

    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert Case.objects.get().stage == CaseStage.CLOSED
    assert "Referred to: Pre-litigation court mediation" in page
    dispute_matter.refresh_from_db()
    assert dispute_matter.stage == Stage.RESOLVED


@pytest.mark.django_db
def test_a_step_on_a_stale_page_is_refused_and_the_page_shows_the_case_as_it_is(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User
) -> None:
    response = browse(officer).post(
        f"/mediation/{case.pk}/step/", {"to": "declined", "expected_stage": "accepted", "note": "迟了"}
    )

    assert response.status_code == 409
    assert "Somebody else has just moved this case to “Proposed to the parties”." in text_of(response)


@pytest.mark.django_db
def test_the_fulfilment_check_takes_visit_days_and_each_visit_has_a_form(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room, dispute_matter: Matter
) -> None:
    agreed(case, officer, liu, zhang, room)
    client = browse(officer)

    refused = text_of(step(client, case, "fulfilment_check", visit_days="七天"))
    assert errors_next_to(refused, "id_fulfilment_check_visit_days") == ["Write whole numbers of days, such as 7, 30."]
    step(client, case, "fulfilment_check", visit_days="7, 30")
    visits = list(Case.objects.get().visits.order_by("due_on"))
    assert len(visits) == 2

    first = visits[0]
    refused_visit = client.post(f"/mediation/{case.pk}/visits/{first.pk}/", {"note": "加固完成"})
    assert errors_next_to(text_of(refused_visit), f"id_visit_{first.pk}_note") == []
    assert "Say whether the agreement is being kept." in text_of(refused_visit)
    for visit in visits:
        client.post(f"/mediation/{case.pk}/visits/{visit.pk}/", {"fulfilled": "yes", "note": "加固完成，双方和好"})
    step(client, case, "closed")

    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert Case.objects.get().stage == CaseStage.CLOSED
    assert page.count("Agreement kept") == 2 and "加固完成，双方和好" in page
    dispute_matter.refresh_from_db()
    assert dispute_matter.stage == Stage.RESOLVED


# The case page: sessions ---------------------------------------------------------------------------------------


def booking(room: Room, start: int, end: int, *mediators: User) -> dict[str, object]:
    return {
        "starts_at": at(1, start).astimezone().strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(1, end).astimezone().strftime("%Y-%m-%dT%H:%M"),
        "room": room.pk,
        "mediators": [user.pk for user in mediators],
    }


@pytest.mark.django_db
def test_a_room_clash_is_shown_next_to_the_room(  # type: ignore[no-untyped-def]
    browse, case: Case, second_case: Case, officer: User, outsider: User, room: Room
) -> None:
    schedule_session(second_case, officer, Booking(starts_at=at(1, 9), ends_at=at(1, 11), room=room.pk))

    response = browse(officer).post(f"/mediation/{case.pk}/sessions/", booking(room, 10, 12, officer))

    assert response.status_code == 409
    errors = errors_next_to(text_of(response), "id_schedule_room")
    assert len(errors) == 1 and errors[0].startswith("东港社区调解室 is booked from")
    assert f"(case {second_case.reference})" in errors[0]
    assert not case.sessions.exists()


@pytest.mark.django_db
def test_a_session_is_scheduled_recorded_with_minutes_and_its_minutes_downloaded(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, mediator: User, liu: Person, zhang: Person, room: Room
) -> None:
    client = browse(mediator)
    assert client.post(f"/mediation/{case.pk}/sessions/", booking(room, 9, 11, mediator)).status_code == 302
    session = case.sessions.get()
    Session.objects.filter(pk=session.pk).update(starts_at=at(-1, 9), ends_at=at(-1, 11))

    url = f"/mediation/{case.pk}/sessions/{session.pk}/record/"
    refused = text_of(client.post(url, {"mediators_present": [mediator.pk]}))
    assert errors_next_to(refused, f"id_record_{session.pk}_minutes") == ["Write the minutes of the session."]
    client.post(
        url,
        {
            "minutes": "双方陈述意见，同意下次带方案再谈",
            "parties_present": [liu.pk, zhang.pk],
            "mediators_present": [mediator.pk],
            "next_date": "2030-02-01",
        },
    )

    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.recorded_by == mediator
    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert "双方陈述意见，同意下次带方案再谈" in page and "2030-02-01" in page
    minutes = client.get(f"/mediation/{case.pk}/sessions/{session.pk}/minutes.docx")
    assert minutes.status_code == 200
    assert "刘某" in docx_text(minutes.content)


@pytest.mark.django_db
def test_a_session_is_cancelled_with_a_reason(browse, case: Case, officer: User, room: Room) -> None:  # type: ignore[no-untyped-def]
    session = schedule_session(case, officer, Booking(starts_at=at(2, 9), ends_at=at(2, 10), room=room.pk))
    client = browse(officer)
    url = f"/mediation/{case.pk}/sessions/{session.pk}/cancel/"

    refused = text_of(client.post(url, {"reason": ""}))
    assert errors_next_to(refused, f"id_cancel_{session.pk}_reason") == ["Say why the session is cancelled."]
    client.post(url, {"reason": "张某出差"})

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert "张某出差" in text_of(client.get(f"/mediation/{case.pk}/"))


# The agreement -------------------------------------------------------------------------------------------------


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


@pytest.mark.django_db
def test_the_agreement_downloads_as_docx_and_pdf_with_the_parties(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room
) -> None:
    agreed(case, officer, liu, zhang, room)
    client = browse(officer)

    docx = client.get(f"/mediation/{case.pk}/agreement.docx")
    pdf = client.get(f"/mediation/{case.pk}/agreement.pdf")

    assert docx["Content-Disposition"] == f'attachment; filename="{case.reference}-agreement.docx"'
    text = docx_text(docx.content)
    assert "刘某" in text and "张某" in text and "双方共同出资加固承重墙" in text
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/mediation/{case.pk}/agreement.odt").status_code == 404


@pytest.mark.django_db
def test_there_is_no_agreement_document_before_the_agreement(browse, case: Case, officer: User) -> None:  # type: ignore[no-untyped-def]
    assert browse(officer).get(f"/mediation/{case.pk}/agreement.pdf").status_code == 404


@pytest.mark.django_db
def test_the_signed_scan_is_attached_once_and_downloaded(  # type: ignore[no-untyped-def]
    browse, case: Case, officer: User, liu: Person, zhang: Person, room: Room
) -> None:
    agreed(case, officer, liu, zhang, room)
    client = browse(officer)
    url = f"/mediation/{case.pk}/agreement/signed/"

    text_file = SimpleUploadedFile("agreement.txt", b"not a scan", content_type="text/plain")
    refused = text_of(client.post(url, {"file": text_file}))
    assert errors_next_to(refused, "id_file") == ["“agreement.txt” is not a photo, PDF, Word or Excel file."]
    scan = b"%PDF-1.4\n%signed\n"
    client.post(url, {"file": SimpleUploadedFile("signed.pdf", scan, content_type="application/pdf")})

    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert "Download the signed scan" in page and 'id="scan-form"' not in page
    assert b"".join(client.get(url).streaming_content) == scan  # type: ignore[attr-defined]


# The partner portal --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_mediator_logs_in_to_their_cases_only(  # type: ignore[no-untyped-def]
    client: Client, case: Case, second_case: Case, mediator: User
) -> None:
    response = client.post(
        "/login/", {"username": "zhoulawyer", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert response.redirect_chain[-1][0] == "/mediation/"
    page = text_of(response)
    assert case.reference in page and second_case.reference not in page
    nav = page.split('<nav class="main">')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', nav) == ["/mediation/", "/mediation/rooms/"]


@pytest.mark.django_db
def test_another_case_and_every_matter_url_are_not_found_for_a_partner(  # type: ignore[no-untyped-def]
    browse, case: Case, second_case: Case, mediator: User, dispute_matter: Matter
) -> None:
    client = browse(mediator)
    matter_id = dispute_matter.pk
    for url in [
        f"/mediation/{second_case.pk}/",
        f"/mediation/{second_case.pk}/agreement.pdf",
        f"/matters/{matter_id}/",
        f"/matters/{matter_id}/attachments/1/",
        f"/mediation/open/matter/{matter_id}/",
        "/search/?q=纠纷",
        "/register/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "刘某" not in text_of(response), url
    post = client.post(f"/mediation/{second_case.pk}/step/", {"to": "accepted", "consent": "on"})
    assert post.status_code == 404
    assert client.post(f"/matters/{matter_id}/step/", {"to": "accepted"}).status_code == 404
    assert Case.objects.get(pk=second_case.pk).stage == CaseStage.PROPOSED


@pytest.mark.django_db
def test_a_partner_works_their_case_and_never_sees_a_phone_or_a_matter(  # type: ignore[no-untyped-def]
    browse, case: Case, mediator: User, liu: Person, zhang: Person, room: Room
) -> None:
    client = browse(mediator)
    assert step(client, case, "accepted", consent="on").status_code == 302  # type: ignore[attr-defined]
    held(case, mediator, liu, zhang, room)
    step(client, case, "agreed", terms="双方共同出资加固承重墙", fulfilment="三十日内完成加固")

    page = text_of(client.get(f"/mediation/{case.pk}/"))
    assert Case.objects.get().stage == CaseStage.AGREED
    # The referral, the fulfilment check and closing are the station's: no form for them.
    assert 'data-step="fulfilment_check"' not in page
    assert "139****1111" in page and "Reveal" not in page
    assert "/matters/" not in page
    for url in ["/mediation/", f"/mediation/{case.pk}/", "/mediation/rooms/"]:
        shown = text_of(client.get(url))
        assert not any(phone in shown for phone in PHONES), url


@pytest.mark.django_db
def test_the_case_list_leads_the_police_to_the_rooms_and_figures_but_not_a_partner(
    browse: Browse, case: Case, officer: User, mediator: User
) -> None:
    police = text_of(browse(officer).get("/mediation/"))
    assert 'href="/mediation/figures/"' in police and 'href="/mediation/rooms/"' in police
    partner = text_of(browse(mediator).get("/mediation/"))
    assert case.reference in partner and "/mediation/figures/" not in partner
    assert browse(mediator).get("/mediation/figures/").status_code in (403, 404)
