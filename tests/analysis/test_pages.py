"""The analysis pages as the chief and the officers see them: the index, hot spots, near repeats, risk signs.

Pages are asked for in English (tests.web.conftest.browse); data (names, phrases) is asserted as it is.
"""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.analysis.models import RiskAssessment
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid
from tests.analysis.test_hotspots import another_grid, at, reported, residents
from tests.web.conftest import Browse, queries_to_show, text_of

AUGUST = "/analysis/hotspots/?from=2024-08-01&to=2024-08-15"


@pytest.fixture
def browse() -> Browse:
    """A logged-in client for a persona, asking for English pages (as in tests/web)."""

    def _as(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def report(make_matter) -> Callable[..., Matter]:  # type: ignore[no-untyped-def]
    return partial(reported, make_matter)


def cells(html: str, grid_code: str) -> dict[str, str]:
    """The text of each classed cell in a grid's row of the hot-spot table, tags stripped."""
    row = html.split(f'data-grid="{grid_code}">', 1)[1].split("</tr>", 1)[0]
    found = re.findall(r'<td class="(?:num )?([a-z-]+)">(.*?)</td>', row, flags=re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for name, text in found}


def section(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"', 1)[1]


# --- index and navigation ---------------------------------------------------------------------------------------


def test_the_chief_finds_the_analysis_pages_from_the_menu(browse, chief: User) -> None:  # type: ignore[no-untyped-def]
    home = text_of(browse(chief).get("/"))
    assert '<a href="/analysis/">Analysis</a>' in home

    page = text_of(browse(chief).get("/analysis/"))

    assert '<a href="/analysis/" aria-current="page">Analysis</a>' in page
    for link, label in [("/analysis/hotspots/", "Hot spots"), ("/analysis/knox/", "Near repeats")]:
        assert f'<a href="{link}">{label}</a>' in page
    assert '<a href="/analysis/repeats/">Repeat calls</a>' in page
    assert '<a href="/analysis/risk/">Risk signs</a>' in page


def test_an_auxiliary_is_told_the_analysis_is_for_the_chief_and_officers(browse, auxiliary: User) -> None:  # type: ignore[no-untyped-def]
    assert "/analysis/" not in text_of(browse(auxiliary).get("/"))

    response = browse(auxiliary).get("/analysis/hotspots/")

    assert response.status_code == 403
    assert "The analysis pages are for the station&#x27;s chief and officers." in text_of(response)


# --- hot spots --------------------------------------------------------------------------------------------------


@pytest.fixture
def two_grids(grid: CommunityGrid, report) -> CommunityGrid:  # type: ignore[no-untyped-def]
    """G1: 3 matters among 1,500 residents (2 a fortnight before, 4 a year before); G2: 1 among 500, new."""
    second = another_grid(grid, "G2", "华丽二网格")
    residents(grid, y2023=1_200, y2024=1_500)
    residents(second, y2024=500)
    for day in ("2024-08-01", "2024-08-09", "2024-08-15"):
        report(grid, at(day))
    for day in ("2024-07-17", "2024-07-31"):
        report(grid, at(day))
    for day in ("2023-08-01", "2023-08-05", "2023-08-10", "2023-08-15"):
        report(grid, at(day))
    report(second, at("2024-08-03"))
    report(None, at("2024-08-04"))
    return second


def test_the_hot_spot_table_shows_rates_changes_and_ranks(browse, two_grids, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get(AUGUST))

    assert "2024-08-01 to 2024-08-15 (15 days)" in page
    assert "previous period 2024-07-17 to 2024-07-31" in page
    assert "same period last year 2023-08-01 to 2023-08-15" in page
    assert cells(page, "G1") == {
        "rank": "1",
        "residents": "1500",
        "count": "3",
        "bar-cell": "20.0",
        "previous": "2 (13.3)",
        "change-prev": "+50.0 %",
        "last-year": "4 (33.3)",
        "change-yoy": "−25.0 %",
        "categories": "Criminal 3",  # labels in the page's language
    }
    assert cells(page, "G2")["rank"] == "2"
    assert (cells(page, "G2")["change-prev"], cells(page, "G2")["change-yoy"]) == ("new", "new")
    assert page.index('data-grid="G1"') < page.index('data-grid="G2"')
    assert "1 matter of this period has no grid and is not counted above." in page


def test_a_grid_without_matters_before_or_now_shows_a_dash(browse, grid: CommunityGrid, officer: User) -> None:  # type: ignore[no-untyped-def]
    residents(grid, y2024=1_000)

    row = cells(text_of(browse(officer).get(AUGUST)), "G1")

    assert (row["count"], row["bar-cell"], row["change-prev"], row["change-yoy"]) == ("0", "0.0", "—", "—")


def test_the_widest_bar_belongs_to_the_highest_rate(browse, two_grids, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get(AUGUST))

    widths = re.findall(r'class="fill" style="width: ([\d.]+)%"', page)
    assert widths == ["100.0", "100.0"]  # both 20.0 per 10,000 residents


def test_the_category_filter_narrows_the_table(browse, two_grids, report, grid: CommunityGrid, officer: User) -> None:  # type: ignore[no-untyped-def]
    report(grid, at("2024-08-10"), category="0203")

    page = text_of(browse(officer).get(AUGUST + "&category=0203"))

    assert cells(page, "G1")["count"] == "1" and cells(page, "G1")["categories"] == "Public order 1"
    assert '<option value="0203" selected>0203' in page


def test_without_dates_the_page_shows_this_month_so_far(browse, grid: CommunityGrid, officer: User) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()

    page = text_of(browse(officer).get("/analysis/hotspots/"))

    assert f"{today.replace(day=1):%Y-%m-%d} to {today:%Y-%m-%d}" in page
    assert 'data-grid="G1"' in page


def test_bad_dates_are_named_next_to_their_field(browse, officer: User) -> None:  # type: ignore[no-untyped-def]
    client = browse(officer)

    reversed_page = text_of(client.get("/analysis/hotspots/?from=2024-08-15&to=2024-08-01"))
    garbled_page = text_of(client.get("/analysis/hotspots/?from=2024-02-30"))

    assert "The start date must not be after the end date." in reversed_page
    assert 'id="hotspots"' not in reversed_page
    assert "Enter a valid date." in garbled_page


def test_another_station_sees_none_of_our_grids(browse, two_grids, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(other_chief).get(AUGUST))

    assert "华丽" not in page and "The station has no grids yet." in page


def test_the_hot_spot_page_takes_as_many_queries_for_three_grids_as_for_one(  # type: ignore[no-untyped-def]
    browse, grid: CommunityGrid, report, officer: User
) -> None:
    client = browse(officer)
    residents(grid, y2024=1_000)
    report(grid, at("2024-08-02"))
    one = queries_to_show(client, AUGUST)
    for code in ("G2", "G3"):
        more = another_grid(grid, code, code)
        residents(more, y2023=800, y2024=900)
        report(more, at("2024-08-03"), category="0203")
        report(more, at("2023-08-03"))

    assert queries_to_show(client, AUGUST) == one


# --- near repeats (Knox) ----------------------------------------------------------------------------------------


@pytest.fixture
def burglaries(make_matter) -> list[Matter]:  # type: ignore[no-untyped-def]
    """Five burglaries within 60 m over three days, and one far away weeks later (theft, Lucheng)."""
    places = [
        ("28.000000", "120.650000", "2024-03-01"),
        ("28.000200", "120.650000", "2024-03-02"),
        ("28.000000", "120.650300", "2024-03-03"),
        ("28.000300", "120.650200", "2024-03-02"),
        ("28.000100", "120.650100", "2024-03-01"),
        ("28.050000", "120.700000", "2024-04-20"),
    ]
    return [
        make_matter(
            kind="case",
            category="010401",
            description="入室盗窃",
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            reported_at=at(day),
        )
        for lat, lng, day in places
    ]


def test_the_knox_page_shows_the_heat_map_and_the_summary(browse, burglaries, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get("/analysis/knox/?categories=0104&space_bands=0,100&time_bands=0,7"
                                       "&distance=manhattan&simulations=99&seed=7"))  # fmt: skip

    heat_map = section(page, "heatmap")
    assert [label for label in re.findall(r'<th scope="row">(.*?)</th>', heat_map)] == ["[0, 100) m", "[100, ∞) m"]
    assert re.findall(r'<th scope="col">(.*?)</th>', heat_map) == ["Distance", "[0, 7) days", "[7, ∞) days"]
    # 5 close burglaries make 10 pairs, all within a week; the far one pairs with each of them.
    assert "10 pairs observed" in heat_map and "5 pairs observed" in heat_map
    assert "6 matters, 15 pairs, manhattan distance, 99 simulations, seed 7." in page
    assert "background-color: rgba(180, 35, 24" in heat_map  # more close pairs than chance: red


@pytest.fixture
def near_repeats(make_matter) -> None:  # type: ignore[no-untyped-def]
    """Eight corners 2 km apart, each with two burglaries on consecutive days, a month after the last corner's."""
    for block in range(8):
        for day in (1, 2):
            make_matter(
                kind="case",
                category="010401",
                description="入室盗窃",
                latitude=Decimal("28.0") + Decimal(block) * Decimal("0.02"),
                longitude=Decimal("120.65"),
                reported_at=at(f"2024-{block + 1:02d}-{day:02d}"),
            )


NEAR_REPEATS = (
    "/analysis/knox/?categories=0104&space_bands=0,100&time_bands=0,7&distance=manhattan&simulations=99&seed=3"
)


def test_a_significant_cell_is_marked_and_summarised(browse, near_repeats, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get(NEAR_REPEATS))

    near_and_soon = section(page, "heatmap").split("<td", 2)[1]
    assert near_and_soon.startswith(
        ' style="color: #fff; background-color: rgba(180, 35, 24, 0.85)" class="significant"'
    )
    assert "8 pairs observed" in near_and_soon and "*" in near_and_soon
    summary = section(page, "summary")
    assert "Within 100 m, for up to 7 days, risk is" in summary and "% higher" in summary


def test_the_knox_summary_speaks_the_pages_language(near_repeats, officer: User) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(officer)

    summary = section(text_of(client.get(NEAR_REPEATS)), "summary")

    assert "100米以内、7天之内，风险高出" in summary and "Within" not in summary


def test_the_knox_page_runs_the_preventable_categories_by_default(browse, burglaries, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get("/analysis/knox/"))

    for code in ("0103", "0104", "0105"):
        assert re.search(rf'value="{code}"[^>]*checked', page), code
    assert 'value="0,1,100,200,300"' in page and 'value="0,7,14,21"' in page and 'value="99"' in page
    assert "6 matters, 15 pairs" in page


def test_too_few_located_events_get_a_clear_message(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    make_matter(
        kind="case", category="010401", description="入室盗窃", latitude=Decimal("28"), longitude=Decimal("120")
    )
    make_matter(kind="case", category="010401", description="没有坐标的盗窃")

    page = text_of(browse(officer).get("/analysis/knox/"))

    too_few = section(page, "too-few")
    assert "Too few events for the test." in too_few
    assert "The station has 1 located matters; the test needs 2." in too_few
    assert 'id="heatmap"' not in page


def test_bad_bands_are_named_next_to_their_field(browse, burglaries, officer: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get("/analysis/knox/?categories=0104&space_bands=5,100&time_bands=0,7,x"
                                       "&distance=manhattan&simulations=99"))  # fmt: skip

    assert "Space bands (metres) must start at 0." in page
    assert "Time bands (days) must be numbers separated by commas, got “0,7,x”." in page
    assert 'id="heatmap"' not in page


def test_the_knox_page_leaves_out_another_stations_matters(browse, burglaries, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(other_chief).get("/analysis/knox/"))

    assert "The station has 0 located matters; the test needs 2." in page


# --- risk signs -------------------------------------------------------------------------------------------------


LAO_LI = "老李说房子是他父母留下的，谁来收房就让他好看。"


def test_the_matter_page_explains_lao_lis_risk_sign(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    matter = make_matter(description=LAO_LI)

    panel = section(text_of(browse(officer).get(f"/matters/{matter.pk}/")), "risk").split("</section>", 1)[0]

    assert 'data-level="high">High</span>' in panel
    assert "“让他好看”" in panel and "Threat of violence, weight 10" in panel
    assert "(你|他" not in panel  # the rule is a regular expression: staff are not shown it


def test_a_word_rule_and_words_together_are_shown_as_words(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    matter = make_matter(description="对方让我投资理财，又让我马上转账。")

    panel = section(text_of(browse(officer).get(f"/matters/{matter.pk}/")), "risk").split("</section>", 1)[0]

    assert "· 投资/理财 + 转账/汇款/打款" in panel


def test_a_negated_sign_is_shown_as_not_counting(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    matter = make_matter(description="邻居吵架，双方都说没有威胁对方。")

    panel = section(text_of(browse(officer).get(f"/matters/{matter.pk}/")), "risk").split("</section>", 1)[0]

    assert 'data-level="none">None</span>' in panel
    assert "“威胁”" in panel and "does not count: negated" in panel


def test_the_latest_assessment_is_the_one_shown(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    matter = make_matter(description=LAO_LI)
    RiskAssessment.objects.create(
        matter=matter, level="low", score=2, explanations=[], assessed_at=timezone.now() + dt.timedelta(minutes=1)
    )

    panel = section(text_of(browse(officer).get(f"/matters/{matter.pk}/")), "risk").split("</section>", 1)[0]

    assert 'data-level="low">Low</span>' in panel and "No risk sign in the description." in panel


@pytest.fixture
def risky(make_matter, officer: User, chief: User) -> dict[str, Matter]:  # type: ignore[no-untyped-def]
    matters = {
        "threat": make_matter(description=LAO_LI),
        "fraud": make_matter(kind="fraud_warning", category="010501", description="对方要求把钱转到安全账户。"),
        "code": make_matter(description="有人打电话索要验证码。"),
        "calm": make_matter(description="邻居噪声扰民，协调后解决。"),
        "closed": make_matter(description="谁来收房就弄死谁。"),
    }
    transition(matters["closed"].pk, officer, Step(to="rejected", reason="重复登记"))
    return matters


def test_the_risk_list_shows_open_matters_with_medium_or_high_signs_highest_first(  # type: ignore[no-untyped-def]
    browse, risky, officer: User
) -> None:
    page = text_of(browse(officer).get("/analysis/risk/"))

    listed = [int(pk) for pk in re.findall(r'data-matter="(\d+)"', page)]
    levels = re.findall(r'<span class="badge risk-([a-z]+)">', page)
    assert levels[:2] == ["high", "high"] and levels[2:] == ["medium"]
    assert set(listed[:2]) == {risky["threat"].pk, risky["fraud"].pk} and listed[2:] == [risky["code"].pk]
    assert "“让他好看” Threat of violence (10)" in page


def test_the_risk_list_of_another_station_is_empty(browse, risky, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    page = text_of(browse(other_chief).get("/analysis/risk/"))

    assert "No open matter carries a medium or high risk sign." in page and "让他好看" not in page


def test_the_risk_list_takes_as_many_queries_for_three_matters_as_for_one(browse, make_matter, officer: User) -> None:  # type: ignore[no-untyped-def]
    client = browse(officer)
    make_matter(description=LAO_LI)
    one = queries_to_show(client, "/analysis/risk/")
    make_matter(description="对方要求把钱转到安全账户。", kind="fraud_warning", category="010501")
    make_matter(description="谁来收房就弄死谁。")

    assert queries_to_show(client, "/analysis/risk/") == one
