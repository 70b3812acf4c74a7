"""Station overview (概览) for the chief: counts per stage, the overdue list, open matters per grid."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fengqiao.matters.access import matters_for_user
from fengqiao.matters.models import MatterQuerySet, Stage
from fengqiao.stations.models import CommunityGrid
from fengqiao.web.permissions import AuthedRequest, chief_required, station_of

OVERDUE_LIMIT = 100


@dataclass(frozen=True)
class GridRow:
    name: str
    community: str
    open: int
    overdue: int


@chief_required
def overview(request: AuthedRequest) -> HttpResponse:
    matters = matters_for_user(request.user)
    overdue = matters.overdue().select_related("category", "address", "owner").order_by("step_due_at")
    context = {
        "stages": stage_counts(matters),
        "overdue": overdue[:OVERDUE_LIMIT],
        "grids": grid_rows(station_of(request.user), matters),
    }
    return render(request, "web/overview.html", context)


def stage_counts(matters: MatterQuerySet) -> list[tuple[str, str, int]]:
    counts = dict(matters.order_by().values_list("stage").annotate(n=Count("id")))
    return [(stage.value, str(stage.label), counts.get(stage.value, 0)) for stage in Stage]


def grid_rows(station_id: int, matters: MatterQuerySet) -> list[GridRow]:
    """Two queries: the counts grouped by grid, and the grids; matters without a grid get their own row."""
    per_grid = {
        row["grid"]: row
        for row in matters.open()
        .order_by()
        .values("grid")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(step_due_at__lt=timezone.now())))
    }
    grids = CommunityGrid.objects.filter(station_id=station_id).select_related("community").order_by("code")
    rows = [GridRow(grid.name, grid.community.name, *_counts(per_grid.get(grid.pk))) for grid in grids]
    if None in per_grid:
        rows.append(GridRow("", "", *_counts(per_grid[None])))
    return rows


def _counts(row: dict[str, int] | None) -> tuple[int, int]:
    return (row["open"], row["overdue"]) if row else (0, 0)
