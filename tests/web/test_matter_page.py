"""The matter page: its fields and parties (masked), the steps the user may take, the timeline, attachments."""

import re
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.people.models import Reveal
from tests.web.conftest import assign, start, text_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def step_buttons(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', html)


def stage_shown(html: str) -> str:
    return html.split('id="stage"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_the_page_shows_the_matter_with_the_phone_masked(browse, matter, officer):  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get(f"/matters/{matter.pk}/"))

    assert matter.reference in page and "老李反映家中没水没电" in page and "华丽社区3号楼2单元501室" in page
    assert "老李" in page and "138****5678" in page
    assert "13812345678" not in page
    assert stage_shown(page) == "Registered"


def test_an_officer_may_accept_reject_merge_or_transfer_a_new_matter(browse, matter, officer):  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get(f"/matters/{matter.pk}/"))

    assert step_buttons(page) == ["accepted", "rejected", "merged", "transferred"]


def test_an_auxiliary_may_only_accept_and_sees_no_reveal_button(browse, matter, auxiliary):  # type: ignore[no-untyped-def]
    page = text_of(browse(auxiliary).get(f"/matters/{matter.pk}/"))

    assert step_buttons(page) == ["accepted"]
    assert "138****5678" in page and "Reveal" not in page


def test_the_assign_step_offers_the_stations_police(browse, matter, chief, officer, other_chief):  # type: ignore[no-untyped-def]
    transition(matter.pk, chief, Step(to=Stage.ACCEPTED))

    page = text_of(browse(chief).get(f"/matters/{matter.pk}/"))

    assert step_buttons(page)[0] == "assigned"
    assert 'value="zhao">赵民警 (Officer)' in page
    assert "liuqiang" not in page


def test_accepting_on_the_page_moves_the_matter_and_says_so(browse, matter, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post(
        f"/matters/{matter.pk}/step/", {"to": "accepted", "expected_stage": "registered", "note": "已联系"}, follow=True
    )

    page = text_of(response)
    assert "The matter is now “Accepted”." in page
    assert stage_shown(page) == "Accepted"
    assert Matter.objects.get(pk=matter.pk).stage == Stage.ACCEPTED
    assert "已联系" in page.split('id="timeline"', 1)[1]


def test_resolving_without_an_outcome_is_refused_with_a_message_and_changes_nothing(  # type: ignore[no-untyped-def]
    browse, matter, chief, officer
):
    start(assign(matter, chief, officer), officer)
    events_before = matter.events.count()

    response = browse(officer).post(
        f"/matters/{matter.pk}/step/", {"to": "resolved", "expected_stage": "in_progress", "outcome": ""}
    )

    page = text_of(response)
    assert response.status_code == 400
    assert "Choose the outcome to resolve this matter." in page
    assert stage_shown(page) == "In progress"
    assert Matter.objects.get(pk=matter.pk).stage == Stage.IN_PROGRESS
    assert matter.events.count() == events_before


def test_the_second_of_two_officers_accepting_at_once_is_told_who_was_first(  # type: ignore[no-untyped-def]
    browse, matter, officer, chief
):
    first, second = browse(chief), browse(officer)
    form = {"to": "accepted", "expected_stage": "registered"}

    first.post(f"/matters/{matter.pk}/step/", form)
    response = second.post(f"/matters/{matter.pk}/step/", form)

    page = text_of(response)
    assert response.status_code == 409
    assert "Somebody else has just moved this matter to “Accepted”." in page
    assert stage_shown(page) == "Accepted"
    assert matter.events.filter(to_stage=Stage.ACCEPTED).count() == 1


def test_merging_takes_the_other_matters_reference(browse, make_matter, officer):  # type: ignore[no-untyped-def]
    first, repeat = make_matter(description="楼上装修噪音"), make_matter(description="楼上装修噪音又来了")

    browse(officer).post(
        f"/matters/{repeat.pk}/step/", {"to": "merged", "expected_stage": "registered", "into": first.reference}
    )

    assert Matter.objects.get(pk=repeat.pk).merged_into == first


def test_revealing_a_phone_with_a_reason_shows_it_and_writes_a_reveal_record(browse, matter, officer):  # type: ignore[no-untyped-def]
    party = matter.parties.get()

    response = browse(officer).post(
        f"/matters/{matter.pk}/parties/{party.pk}/reveal/",
        {"field": "phone", "reason": "回访需要联系当事人"},
        HTTP_HX_REQUEST="true",
    )

    assert "13812345678" in text_of(response)
    assert "<header" not in text_of(response)
    reveal = Reveal.objects.get()
    assert (reveal.user, reveal.person, reveal.field, reveal.reason, reveal.matter_id) == (
        officer,
        party.person,
        "phone",
        "回访需要联系当事人",
        matter.pk,
    )


def test_a_reveal_without_a_reason_is_refused_and_not_recorded(browse, matter, officer):  # type: ignore[no-untyped-def]
    party = matter.parties.get()

    response = browse(officer).post(
        f"/matters/{matter.pk}/parties/{party.pk}/reveal/", {"field": "phone", "reason": " "}, HTTP_HX_REQUEST="true"
    )

    assert "Give the reason for revealing this value." in text_of(response)
    assert "13812345678" not in text_of(response)
    assert Reveal.objects.count() == 0


def test_a_follow_up_action_with_a_file_shows_in_the_timeline_and_downloads(browse, matter, officer):  # type: ignore[no-untyped-def]
    client = browse(officer)
    record = SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf")

    response = client.post(
        f"/matters/{matter.pk}/actions/",
        {"kind": "inquiry_record", "note": "询问邻居，制作笔录", "attachments": [record]},
        follow=True,
    )

    timeline = text_of(response).split('id="timeline"', 1)[1]
    assert "The action is recorded." in text_of(response)
    assert "Inquiry record" in timeline and "询问邻居，制作笔录" in timeline and "询问笔录.pdf" in timeline
    link = re.search(r'href="(/matters/\d+/attachments/\d+/)"', timeline)
    assert link is not None
    download = client.get(link.group(1))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].endswith("filename*=utf-8''" + quote("询问笔录.pdf"))


def test_an_action_without_a_note_is_refused_next_to_the_note(browse, matter, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post(f"/matters/{matter.pk}/actions/", {"kind": "visit", "note": ""})

    assert response.status_code == 400
    assert "Say what was done." in text_of(response)
    assert matter.actions.count() == 0


def test_an_attachment_is_not_found_for_another_station(browse, matter, officer, other_chief):  # type: ignore[no-untyped-def]
    browse(officer).post(
        f"/matters/{matter.pk}/actions/",
        {"kind": "document", "note": "证明材料", "attachments": [SimpleUploadedFile("证明.pdf", PDF)]},
    )
    attachment = matter.actions.get().attachments.get()

    response = browse(other_chief).get(f"/matters/{matter.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 404
    assert PDF not in response.content


def test_the_timeline_lists_steps_and_actions_in_time_order(browse, matter, chief, officer):  # type: ignore[no-untyped-def]
    assign(matter, chief, officer)
    browse(officer).post(f"/matters/{matter.pk}/actions/", {"kind": "visit", "note": "上门走访"})
    start(matter, officer)

    timeline = text_of(browse(officer).get(f"/matters/{matter.pk}/")).split('id="timeline"', 1)[1]

    titles = re.findall(r"<strong>([^<]+)</strong>", timeline)
    assert titles == ["Registered", "Accepted", "Assigned", "Visit", "In progress"]
    assert "Owner: 赵民警" in timeline
