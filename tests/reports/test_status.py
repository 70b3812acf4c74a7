"""The resident follows the report with its code: the stage in plain words, and their say once it is resolved."""

from django.template import Context, Template
from django.test import Client
from django.utils import translation

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Stage
from fengqiao.notifications.models import Notification
from fengqiao.reports.models import Feedback, PublicNote, Report
from fengqiao.staff.models import User
from tests.reports.conftest import Send, only_report, text_of


def reported(send: Send) -> Report:
    send(phone="13812345678", consent="on", name="李某")
    return only_report()


def status_page(resident: Client, report: Report) -> str:
    return text_of(resident.get(f"/report/status/{report.code}"))


def resolve(report: Report, chief: User, officer: User) -> None:
    transition(report.matter_id, chief, Step(to=Stage.ACCEPTED))
    transition(report.matter_id, chief, Step(to=Stage.ASSIGNED, owner=officer.username))
    transition(report.matter_id, officer, Step(to=Stage.IN_PROGRESS, note="联系物业清理楼道，内部备注"))
    transition(report.matter_id, officer, Step(to=Stage.RESOLVED, outcome="helped"))


def test_the_status_page_says_the_stage_in_plain_words_and_nothing_internal(
    resident: Client, send: Send, chief: User, officer: User
) -> None:
    report = reported(send)
    page = status_page(resident, report)
    assert "Registered" in page
    assert "waiting for an officer to take it up" in page
    assert "Fire hazard" in page

    transition(report.matter_id, chief, Step(to=Stage.ACCEPTED))
    transition(report.matter_id, chief, Step(to=Stage.ASSIGNED, owner=officer.username, note="赵民警负责"))
    page = status_page(resident, report)
    assert "Accepted" in page
    assert "an officer will handle it" in page

    transition(report.matter_id, officer, Step(to=Stage.IN_PROGRESS, note="联系物业清理楼道，内部备注"))
    page = status_page(resident, report)
    assert "In progress" in page
    for private in ("赵民警", "王晓建", "zhao", "内部备注", "13812345678", "李某", "楼道里堆满了电动车", "华丽社区"):
        assert private not in page, private
    assert "Is it solved?" not in page


def test_a_rejected_report_is_explained_without_the_internal_reason(resident: Client, send: Send, chief: User) -> None:
    first = reported(send)
    transition(first.matter_id, chief, Step(to=Stage.REJECTED, reason="重复报警，恶作剧嫌疑"))
    page = status_page(resident, first)
    assert "Not taken up" in page
    assert "恶作剧" not in page


def test_a_code_typed_in_lower_case_with_a_dash_finds_the_report(resident: Client, send: Send) -> None:
    report = reported(send)
    typed = f"{report.code[:4].lower()}-{report.code[4:].lower()}"
    page = resident.get("/report/status/", {"code": typed}, follow=True)
    assert page.redirect_chain == [(f"/report/status/{typed.replace('-', '').upper()}", 302)]
    assert report.code in text_of(page)


def test_an_unknown_tracking_code_gets_a_friendly_not_found_page(resident: Client, send: Send) -> None:
    for code in ("ZZZZ2222", "not-a-code", "0OIL1234", "x" * 200):
        page = resident.get(f"/report/status/{code}")
        assert page.status_code == 404
        assert "No report has the tracking code" in text_of(page)
        assert "Check the code and try again." in text_of(page)
        assert 'name="code"' in text_of(page)


def test_once_resolved_the_resident_says_whether_it_is_solved(
    resident: Client, send: Send, chief: User, officer: User
) -> None:
    report = reported(send)
    resolve(report, chief, officer)

    page = status_page(resident, report)
    assert "Resolved" in page
    assert "Is it solved?" in page
    assert "Basically satisfied" in page

    answer = resident.post(
        f"/report/status/{report.code}", {"satisfaction": "unsatisfied", "comment": "楼道里还是有电动车"}, follow=True
    )

    assert "Thank you for your feedback." in text_of(answer)
    assert "You told us: Unsatisfied. Thank you." in text_of(answer)
    assert "Is it solved?" not in text_of(answer)
    feedback = Feedback.objects.get()
    assert (feedback.satisfaction, feedback.comment) == ("unsatisfied", "楼道里还是有电动车")
    assert feedback.resolution.to_stage == Stage.RESOLVED
    # A row, not a step: the callback remains the officer's.
    report.matter.refresh_from_db()
    assert (report.matter.stage, report.matter.satisfaction) == (Stage.RESOLVED, "")


def test_an_unsatisfied_resident_reaches_the_officer_who_owns_the_matter(  # type: ignore[no-untyped-def]
    resident: Client, send: Send, chief: User, officer: User, django_capture_on_commit_callbacks
) -> None:
    unhappy, happy = reported(send), reported_again(send)
    for report in (unhappy, happy):
        resolve(report, chief, officer)
    with django_capture_on_commit_callbacks(execute=True):
        resident.post(f"/report/status/{happy.code}", {"satisfaction": "satisfied"})
        answer = {"satisfaction": "unsatisfied", "comment": "楼道里还是有电动车"}
        resident.post(f"/report/status/{unhappy.code}", answer)

    told = Notification.objects.filter(verb=Notification.Verb.RESIDENT_UNSATISFIED)
    assert [(n.recipient_id, n.matter_id) for n in told] == [(officer.pk, unhappy.matter_id)]
    assert "楼道里还是有电动车" in told[0].text


def reported_again(send: Send) -> Report:
    send(phone="13912345678", consent="on", name="王某", description="小区门口路灯坏了")
    return Report.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_feedback_is_taken_once_per_resolution(resident: Client, send: Send, chief: User, officer: User) -> None:
    report = reported(send)
    resolve(report, chief, officer)
    resident.post(f"/report/status/{report.code}", {"satisfaction": "satisfied"})

    again = resident.post(f"/report/status/{report.code}", {"satisfaction": "unsatisfied"}, follow=True)

    assert "Your feedback on this resolution has already been recorded." in text_of(again)
    assert list(Feedback.objects.values_list("satisfaction", flat=True)) == ["satisfied"]


def test_feedback_before_the_resolution_is_refused(resident: Client, send: Send) -> None:
    report = reported(send)
    refused = resident.post(f"/report/status/{report.code}", {"satisfaction": "satisfied"}, follow=True)
    assert "You can tell us whether it is solved once the station has resolved it." in text_of(refused)
    assert not Feedback.objects.exists()


def test_a_feedback_without_an_answer_is_asked_for_again(
    resident: Client, send: Send, chief: User, officer: User
) -> None:
    report = reported(send)
    resolve(report, chief, officer)
    page = resident.post(f"/report/status/{report.code}", {"comment": "嗯"})
    assert page.status_code == 400
    assert "This field is required." in text_of(page)
    assert not Feedback.objects.exists()


def test_after_a_reopening_the_new_resolution_can_be_rated_again(
    resident: Client, send: Send, chief: User, officer: User
) -> None:
    report = reported(send)
    resolve(report, chief, officer)
    resident.post(f"/report/status/{report.code}", {"satisfaction": "unsatisfied"})
    # The officer calls back, hears the same, and the loop reopens the matter.
    transition(report.matter_id, officer, Step(to=Stage.CALLED_BACK, satisfaction="unsatisfied"))
    assert "In progress" in status_page(resident, report)

    transition(report.matter_id, officer, Step(to=Stage.RESOLVED, outcome="helped"))
    resident.post(f"/report/status/{report.code}", {"satisfaction": "satisfied"})

    assert list(Feedback.objects.order_by("created_at", "id").values_list("satisfaction", flat=True)) == [
        "unsatisfied",
        "satisfied",
    ]


def test_officers_see_the_feedback_and_write_notes_the_resident_reads(
    resident: Client, send: Send, chief: User, officer: User, other_chief: User
) -> None:
    report = reported(send)
    resolve(report, chief, officer)
    resident.post(f"/report/status/{report.code}", {"satisfaction": "unsatisfied", "comment": "还没清理干净"})

    station = Client(HTTP_ACCEPT_LANGUAGE="en")
    station.force_login(officer)
    listing = text_of(station.get("/report/feedback/"))
    assert "还没清理干净" in listing and report.matter.reference in listing and "Unsatisfied" in listing

    posted = station.post(
        f"/report/matters/{report.matter_id}/notes/", {"text": "物业已承诺周五前清理完毕"}, follow=True
    )
    assert posted.redirect_chain == [(f"/matters/{report.matter_id}/", 302)]
    assert "物业已承诺周五前清理完毕" in status_page(resident, report)
    assert "Messages from the station" in status_page(resident, report)

    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    stranger.force_login(other_chief)
    assert stranger.post(f"/report/matters/{report.matter_id}/notes/", {"text": "越权"}).status_code == 404
    assert "还没清理干净" not in text_of(stranger.get("/report/feedback/"))
    assert list(PublicNote.objects.values_list("text", flat=True)) == ["物业已承诺周五前清理完毕"]


def test_the_matter_page_panel_shows_the_online_report_to_officers(
    resident: Client, send: Send, chief: User, officer: User
) -> None:
    report = reported(send)
    resolve(report, chief, officer)
    resident.post(f"/report/status/{report.code}", {"satisfaction": "basically_satisfied", "comment": "基本解决"})

    with translation.override("en"):
        html = Template("{% load resident_reports %}{% resident_report_panel matter %}").render(
            Context({"matter": report.matter, "user": officer, "csrf_token": "t"})
        )

    assert report.code in html
    assert "Basically satisfied" in html and "基本解决" in html
    assert f"/report/matters/{report.matter_id}/notes/" in html


def test_a_matter_not_reported_online_has_no_panel(matter: object, officer: User) -> None:
    html = Template("{% load resident_reports %}{% resident_report_panel matter %}").render(
        Context({"matter": matter, "user": officer})
    )
    assert html.strip() == ""
