"""The station overview, for the chief only: counts per stage, the overdue list, open matters per grid."""

import datetime as dt
import re

from django.utils import timezone

from fengqiao.matters.models import Matter
from fengqiao.stations.models import CommunityGrid
from tests.web.conftest import assign, queries_to_show, text_of


def count_of(html: str, stage: str) -> int:
    match = re.search(rf'data-stage="{stage}"><span class="number">(\d+)</span>', html)
    assert match is not None
    return int(match.group(1))


def grid_row(html: str, name: str) -> list[str]:
    row = html.split(f"<td>{name}</td>", 1)[1].split("</tr>", 1)[0]
    return re.findall(r">(\d+)</td>", row)


def test_the_chief_sees_counts_per_stage_the_overdue_and_the_grids(  # type: ignore[no-untyped-def]
    browse, make_matter, chief, officer, grid
):
    now = timezone.now()
    late = assign(make_matter(description="分派两天仍未处置", reported_at=now - dt.timedelta(days=3)), chief, officer)
    Matter.objects.filter(pk=late.pk).update(grid=grid, step_due_at=now - dt.timedelta(hours=1))
    on_time = make_matter(description="刚登记")
    Matter.objects.filter(pk=on_time.pk).update(grid=grid)
    make_matter(description="无网格的求助")

    page = text_of(browse(chief).get("/overview/"))

    assert (count_of(page, "registered"), count_of(page, "assigned"), count_of(page, "archived")) == (2, 1, 0)
    overdue = page.split('<section id="overdue">', 1)[1].split("</section>", 1)[0]
    assert late.reference in overdue and on_time.reference not in overdue
    assert grid_row(page, "华丽一网格") == ["2", "1"]
    assert grid_row(page, "No grid") == ["1", "0"]


def test_an_officer_is_told_the_overview_is_for_the_chief(browse, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).get("/overview/")

    assert response.status_code == 403
    assert "Only the station chief sees the station overview." in text_of(response)


def test_the_overview_never_counts_another_stations_matters(browse, make_matter, other_chief):  # type: ignore[no-untyped-def]
    make_matter()

    page = text_of(browse(other_chief).get("/overview/"))

    assert count_of(page, "registered") == 0


def test_the_overview_takes_as_many_queries_for_three_matters_as_for_one(  # type: ignore[no-untyped-def]
    browse, make_matter, chief, officer, grid
):
    def add_late_matter_in(grid: CommunityGrid) -> None:
        matter = assign(make_matter(), chief, officer)
        Matter.objects.filter(pk=matter.pk).update(grid=grid, step_due_at=timezone.now() - dt.timedelta(hours=1))

    client = browse(chief)
    add_late_matter_in(grid)
    one = queries_to_show(client, "/overview/")
    second_grid = CommunityGrid.objects.create(
        station=grid.station, police_grid=grid.police_grid, community=grid.community, code="G2", name="华丽二网格"
    )
    add_late_matter_in(second_grid)
    add_late_matter_in(second_grid)

    assert queries_to_show(client, "/overview/") == one
