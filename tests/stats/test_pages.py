"""The dashboard, the matters behind a figure and the report download, as the chief and others see them."""

import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid
from fengqiao.stats.domain.rollup import rebuild
from tests.conftest import make_user

from .conftest import Record, at

Browse = Callable[[User], Client]


@pytest.fixture
def browse() -> Browse:
    def _as(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def history(record: Record) -> None:
    for when in [at(2023, 7, 1), at(2023, 7, 2), at(2024, 7, 1), at(2024, 7, 2), at(2024, 7, 3)]:
        record(when)
    record(at(2024, 7, 4), category="0801", kind="fraud_warning", channel="anti_fraud")
    rebuild()


def test_the_chief_sees_the_figures_with_their_changes_and_links_to_the_matters(
    browse: Browse, chief: User, history: None
) -> None:
    page = browse(chief).get("/stats/", {"period": "2024-07"}).content.decode()

    assert '<tr data-kpi="calls">' in page
    calls = page.split('<tr data-kpi="calls">')[1].split("</tr>")[0]
    assert ">3<" in calls and ">2<" in calls and "+50%" in calls and "6" in calls
    assert "/stats/matters/?kpi=calls&amp;from=2024-07-01&amp;to=2024-07-31&amp;station=lucheng" in page
    assert "vendor/echarts.min.js" in page
    assert "format=pdf" in page and "month=2024-07" in page


def test_the_dashboard_queries_do_not_grow_with_the_number_of_grids(
    browse: Browse, chief: User, history: None, populated: CommunityGrid
) -> None:
    client = browse(chief)
    with CaptureQueriesContext(connection) as few:
        client.get("/stats/", {"period": "2024-07"})
    for code in ("G2", "G3", "G4"):
        CommunityGrid.objects.create(
            station=populated.station, police_grid=populated.police_grid, community=populated.community, code=code
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get("/stats/", {"period": "2024-07"}).content.decode()

    assert "G4" in page or page.count("<tr><td><a") >= 4
    assert len(more) == len(few)


def test_an_officer_is_refused_the_dashboard_with_a_reason(browse: Browse, officer: User) -> None:
    response = browse(officer).get("/stats/")

    assert response.status_code == 403
    assert "Only the station chief and county staff see the statistics." in response.content.decode()


def test_a_chief_naming_another_station_finds_nothing(browse: Browse, other_chief: User, history: None) -> None:
    assert browse(other_chief).get("/stats/", {"station": "lucheng"}).status_code == 404


def test_a_bad_period_is_explained_on_the_page(browse: Browse, chief: User) -> None:
    response = browse(chief).get("/stats/", {"from": "2024-07-31", "to": "2024-07-01"})

    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_a_staff_user_sees_the_county_view(browse: Browse, history: None, station: object) -> None:
    clerk = make_user("county", None, "officer", "县局统计员")
    clerk.is_staff = True
    clerk.save()

    page = browse(clerk).get("/stats/", {"station": "lucheng", "period": "2024-07"}).content.decode()

    assert 'name="branch"' in page and '<tr data-kpi="calls">' in page


def test_a_figure_clicks_through_to_exactly_the_matters_it_counts(browse: Browse, chief: User, history: None) -> None:
    page = browse(chief).get("/stats/matters/", {"kpi": "calls", "from": "2024-07-01", "to": "2024-07-31"})

    text = page.content.decode()
    assert "3 matters" in text
    assert text.count('class="card') == 3


def test_an_unknown_kpi_is_named_on_the_list_page(browse: Browse, chief: User) -> None:
    response = browse(chief).get("/stats/matters/", {"kpi": "nope"})

    assert response.status_code == 400
    assert "Choose a KPI." in response.content.decode()


def test_the_monthly_report_downloads_as_a_workbook_with_chinese_ledger_sheets(
    browse: Browse, chief: User, history: None
) -> None:
    response = browse(chief).get("/stats/report/", {"month": "2024-07", "format": "xlsx"})

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    assert book.sheetnames == ["指标", "网格", "台账", "口径"]
    rows = {row[0]: row for row in book["指标"].iter_rows(values_only=True) if row and row[0]}
    assert rows["接处警"][:4] == ("接处警", 3, 2, "+50%")
    assert rows["预警指令"][1] == 1
    ledger = list(book["台账"].iter_rows(values_only=True))
    assert ledger[1][:3] == ("编号", "警情号", "报警时间") and len(ledger) == 2 + 4  # title, header, 4 matters


def test_the_monthly_report_pdf_has_chinese_text_with_an_embedded_font(
    browse: Browse, chief: User, history: None
) -> None:
    response = browse(chief).get("/stats/report/", {"month": "2024-07", "format": "pdf"})

    reader = PdfReader(io.BytesIO(response.content))
    # pypdf reads fpdf2's embedded two-byte CMap as pairs (a NUL before each character); viewers show plain text.
    text = "".join("".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages)
    assert "鹿城派出所2024年7月统计月报" in text
    assert "接处警" in text and "+50%" in text and "统计口径" in text
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "NotoSansSC" in str(font["/BaseFont"]) and "/FontFile3" in descriptor


def test_a_report_for_a_bad_month_is_refused(browse: Browse, chief: User) -> None:
    response = browse(chief).get("/stats/report/", {"month": "July", "format": "xlsx"})

    assert response.status_code == 400
    assert "“July” is not a period" in response.content.decode()
