"""The repeat-calls page and the matter page's repeat panel, as the chief and the officers see them."""

import csv
import io

from django.test import Client
from openpyxl import load_workbook

from fengqiao.analysis.mediation_proposals import move_proposal
from fengqiao.analysis.models import MediationProposal, RepeatWindow
from fengqiao.matters.domain.registration import PartyInput
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from tests.analysis import test_repeats as shared
from tests.analysis.test_repeats import FLAT, LIU, ZHANG, Call, a_call, caller
from tests.web import conftest as web_conftest
from tests.web.conftest import queries_to_show, text_of

_english, flat, call, dispute, browse = (
    shared._english,
    shared.flat,
    shared.call,
    shared.dispute,
    web_conftest.browse,
)


def three_calls(dispute: Call, **changes: object) -> list[Matter]:
    return [dispute(days, **changes) for days in (20, 10, 0)]


def section(html: str, id_: str) -> str:
    return html.split(f'id="{id_}"', 1)[1].split("</section>", 1)[0]


def test_the_chief_sees_the_ranking_and_the_group_with_its_proposal(browse, chief, dispute) -> None:  # type: ignore[no-untyped-def]
    calls = three_calls(dispute)

    page = text_of(browse(chief).get("/analysis/repeats/"))

    ranking = section(page, "ranking")
    assert "Same pair of parties" in ranking and "刘某 159****1265 1309**********2150 &amp; 张某" in ranking
    assert "15903171265" not in page
    groups = section(page, "groups")
    assert "3 calls from" in groups and "Mediation: Proposed" in groups and "刘某, 张某" in groups
    for matter in calls:
        assert f'href="/matters/{matter.pk}/"' in groups


def test_filters_change_the_ranking_and_bad_ones_are_named(browse, officer, call) -> None:  # type: ignore[no-untyped-def]
    for days in (20, 10):
        call(days, address=FLAT)

    client = browse(officer)
    assert "No repeat calls in this period." in text_of(client.get("/analysis/repeats/"))
    assert FLAT in section(text_of(client.get("/analysis/repeats/", {"min": "2"})), "ranking")
    refused = client.get("/analysis/repeats/", {"window": "0", "since": "2024-02-01", "until": "2024-01-01"})
    assert refused.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in text_of(refused)
    assert "The end of the period must come after its start." in text_of(refused)


def test_the_downloads_carry_the_same_ranking_masked(browse, chief, dispute) -> None:  # type: ignore[no-untyped-def]
    three_calls(dispute)
    client = browse(chief)

    as_csv = client.get("/analysis/repeats/", {"min": "3", "format": "csv"})
    as_xlsx = client.get("/analysis/repeats/", {"min": "3", "format": "xlsx"})

    assert as_csv["Content-Disposition"].startswith('attachment; filename="repeats-lucheng-')
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == cells
    assert [row[1] for row in rows[1:]][:2] == ["Same pair of parties", "Same person"]
    assert "15903171265" not in as_csv.content.decode("utf-8-sig")


def test_the_page_costs_the_same_queries_for_one_group_or_three(browse, chief, station, officer) -> None:  # type: ignore[no-untyped-def]
    client = browse(chief)
    for days in (20, 10, 0):
        a_call(station, officer, days, parties=[caller("甲", "13800000001")], kind="dispute", category="020501")
    one = queries_to_show(client, "/analysis/repeats/")

    for index, phone in enumerate(["13800000002", "13800000003"]):
        for days in (20, 10, 0):
            a_call(station, officer, days, parties=[caller(f"乙{index}", phone)], kind="dispute", category="020501")
    three = queries_to_show(client, "/analysis/repeats/")

    assert MediationProposal.objects.count() == 3
    assert three == one


def test_auxiliaries_and_other_stations_do_not_see_the_groups(  # type: ignore[no-untyped-def]
    browse, auxiliary, other_chief, dispute
):
    three_calls(dispute)

    assert "for the station&#x27;s chief and officers" in text_of(browse(auxiliary).get("/analysis/repeats/"))
    other = text_of(browse(other_chief).get("/analysis/repeats/"))
    assert "刘某" not in other and "No repeat group has a call in this period." in other


def test_the_matter_page_shows_the_third_call_with_reasons_and_links(browse, officer, dispute) -> None:  # type: ignore[no-untyped-def]
    calls = three_calls(dispute)

    panel = section(text_of(browse(officer).get(f"/matters/{calls[-1].pk}/")), "repeat")

    assert "3rd call in 30 days" in panel
    assert "3 calls about 刘某 &amp; 张某" in panel
    assert "(Same pair of parties, Same person, Same phone, Same address)" in panel
    assert f'href="/matters/{calls[0].pk}/"' in panel and f'href="/matters/{calls[1].pk}/"' in panel
    assert f'href="/matters/{calls[2].pk}/"' not in panel  # this call is named, not linked
    assert 'data-stage="proposed"' in panel


def test_the_matter_page_follows_the_proposal_and_says_nothing_without_a_group(  # type: ignore[no-untyped-def]
    browse, chief, call, dispute
):
    calls = three_calls(dispute)
    move_proposal(MediationProposal.objects.get().pk, chief, "accepted")
    single = call(0, parties=[PartyInput("路人", "reporter", "13700000000")])

    client = browse(chief)
    assert "Mediation proposal: <strong>Accepted</strong>" in section(
        text_of(client.get(f"/matters/{calls[0].pk}/")), "repeat"
    )
    assert 'id="repeat"' not in text_of(client.get(f"/matters/{single.pk}/"))


def test_the_first_call_of_a_group_says_so(browse, officer, dispute) -> None:  # type: ignore[no-untyped-def]
    calls = three_calls(dispute, parties=[LIU, ZHANG])

    assert "1st call in 30 days" in section(text_of(browse(officer).get(f"/matters/{calls[0].pk}/")), "repeat")


def test_an_administrator_edits_windows_and_reads_groups_and_proposals(dispute) -> None:  # type: ignore[no-untyped-def]
    three_calls(dispute)
    admin = User.objects.create_superuser("admin", password="x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)

    refused = client.post(
        "/admin/analysis/repeatwindow/add/", {"category_prefix": "02a", "window_days": "30", "min_calls": "3"}
    )
    added = client.post(
        "/admin/analysis/repeatwindow/add/", {"category_prefix": "0205", "window_days": "60", "min_calls": "3"}
    )

    assert "A category prefix is made of digits, such as 0205." in text_of(refused)
    assert added.status_code == 302 and RepeatWindow.objects.get().window_days == 60
    assert "刘某 &amp; 张某" in text_of(client.get("/admin/analysis/repeatgroup/"))
    assert "Proposed" in text_of(client.get("/admin/analysis/mediationproposal/"))
