"""The statistics pages: the dashboard (chief: own station; staff users: any station or branch), the list of
matters behind a figure, and the monthly report download."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import matters_for_user
from fengqiao.stations.models import Station
from fengqiao.stats import dashboard
from fengqiao.stats.domain.access import grid_of, is_county_viewer, may_see_dashboard, stations_for
from fengqiao.stats.domain.figures import Scope
from fengqiao.stats.domain.periods import Period, local_day, parse_compare, parse_period, requested_period
from fengqiao.stats.domain.raw import kpi_matters, matters_in
from fengqiao.stats.models import Kpi
from fengqiao.stats.monthly import REPORT_FORMATS, monthly_report, render_report
from fengqiao.web.permissions import AuthedRequest, forbidden

LIST_LIMIT = 200


def _refused(request: AuthedRequest) -> HttpResponse:
    return forbidden(request, _("Only the station chief and county staff see the statistics."))


def _scope(request: AuthedRequest) -> tuple[list[Station], Scope]:
    """The stations and grid the query names; out of scope is a 404, as for matters."""
    stations = stations_for(request.user, request.GET.get("station"), request.GET.get("branch"))
    grid_code = request.GET.get("grid")
    grid = grid_of(stations, grid_code) if grid_code and grid_code != "-" else None
    return stations, Scope(tuple(s.pk for s in stations), grid.pk if grid else None)


def _period(request: AuthedRequest) -> Period:
    today = local_day(timezone.now())
    return requested_period(request.GET.get("period"), request.GET.get("from"), request.GET.get("to"), today)


def _bad_request(request: AuthedRequest, template: str, error: DomainError, context: dict[str, Any]) -> HttpResponse:
    if error.status == 404:
        raise Http404(error.message)
    if error.status == 403:
        return _refused(request)
    return render(request, template, {**context, "error": error}, status=400)


@login_required
def stats_dashboard(request: AuthedRequest) -> HttpResponse:
    if not may_see_dashboard(request.user):
        return _refused(request)
    try:
        stations, scope = _scope(request)
        period, compare = _period(request), parse_compare(request.GET.get("compare"))
    except DomainError as error:
        return _bad_request(request, "stats/dashboard.html", error, {"params": request.GET})
    board = dashboard.board(stations, scope, period, compare, request.GET.get("kpi", ""))
    context = {
        "board": board,
        "stations": stations,
        "period": period,
        "earlier": period.previous(compare),
        "compare": compare,
        "params": request.GET,
        "county": is_county_viewer(request.user),
        "report_month": f"{period.end:%Y-%m}",
        "kpi_links": {f.kpi.code: dashboard.matters_link(f.kpi, period, stations) for f in board.figures},
    }
    return render(request, "stats/dashboard.html", context)


@login_required
def kpi_matters_list(request: AuthedRequest) -> HttpResponse:
    """The matters a figure counted, straight from the records, within what the user may see."""
    if not may_see_dashboard(request.user):
        return _refused(request)
    kpi = Kpi.objects.filter(code=request.GET.get("kpi", ""), active=True).first()
    try:
        if kpi is None:
            raise DomainError("invalid", _("Choose a KPI."), "kpi")
        stations, scope = _scope(request)
        period = _period(request)
    except DomainError as error:
        return _bad_request(request, "stats/matters.html", error, {})
    matters = kpi_matters(kpi, matters_in(scope, period, matters_for_user(request.user)))
    if request.GET.get("grid") == "-":
        matters = matters.filter(grid__isnull=True)
    if category := request.GET.get("category", "").strip():
        matters = matters.filter(category__code__startswith=category)
    found = list(matters.select_related("category", "address", "owner").order_by("-reported_at")[: LIST_LIMIT + 1])
    context = {
        "kpi": kpi,
        "period": period,
        "stations": stations,
        "matters": found[:LIST_LIMIT],
        "more": len(found) > LIST_LIMIT,
        "count": matters.count(),
    }
    return render(request, "stats/matters.html", context)


@login_required
def report_download(request: AuthedRequest) -> HttpResponse:
    if not may_see_dashboard(request.user):
        return _refused(request)
    try:
        stations, _scope_unused = _scope(request)
        if len(stations) != 1:
            raise DomainError("invalid", _("The monthly report is for one station."), "station")
        month = parse_period(request.GET.get("month", ""), local_day(timezone.now()), "month")
        if month.months != 1:
            raise DomainError("invalid", _("Give the report's month as 2024-07."), "month")
        kind = request.GET.get("format", "xlsx")
        if kind not in REPORT_FORMATS:
            raise DomainError("invalid", _("Give the format as xlsx or pdf."), "format")
    except DomainError as error:
        return _bad_request(request, "stats/dashboard.html", error, {"params": request.GET})
    content, content_type, filename = render_report(monthly_report(stations[0], month), kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
