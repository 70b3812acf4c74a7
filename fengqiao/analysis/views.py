"""Analysis pages (分析): the index, hot spots, and matters with a risk sign. The Knox page is in views_knox.

For the station's chief and officers; every figure is scoped to the user's station.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from fengqiao.analysis.forms import HotSpotsForm
from fengqiao.analysis.hotspots import hot_spots
from fengqiao.analysis.models import RiskAssessment, RiskLevel
from fengqiao.matters.access import matters_for_user
from fengqiao.staff.models import User
from fengqiao.web.permissions import AuthedRequest, forbidden, police_required, station_of

P = ParamSpec("P")
RISK_LIMIT = 200
LISTED_LEVELS = (RiskLevel.HIGH, RiskLevel.MEDIUM)


def analyst_required(
    view: Callable[Concatenate[AuthedRequest, P], HttpResponseBase],
) -> Callable[Concatenate[AuthedRequest, P], HttpResponseBase]:
    """The chief and the officers: auxiliaries and partners work on single matters, not on the station's patterns."""

    @wraps(view)
    def guarded(request: AuthedRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_sworn:
            return forbidden(request, _("The analysis pages are for the station's chief and officers."))
        return view(request, *args, **kwargs)

    return police_required(cast("Callable[Concatenate[AuthedRequest, P], HttpResponseBase]", guarded))


@analyst_required
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "analysis/index.html")


@analyst_required
def hotspots(request: AuthedRequest) -> HttpResponse:
    form = HotSpotsForm(request.GET)
    figures = None
    if not form.is_bound or form.is_valid():
        span, category = form.chosen()
        figures = hot_spots(station_of(request.user), span, category)
    return render(request, "analysis/hotspots.html", {"form": form, "figures": figures})


@analyst_required
def risk(request: AuthedRequest) -> HttpResponse:
    assessments = risky_open_matters(request.user)
    listed = list(assessments[: RISK_LIMIT + 1])
    context = {"assessments": listed[:RISK_LIMIT], "more": len(listed) > RISK_LIMIT}
    return render(request, "analysis/risk.html", context)


def risky_open_matters(user: User) -> QuerySet[RiskAssessment]:
    """The latest assessment of each open matter of the user's, where it is medium or high: high first, then score.

    One query: the latest assessment per matter is a subquery, so an older high level that a re-assessment
    lowered does not list the matter.
    """
    latest = RiskAssessment.objects.filter(matter=OuterRef("pk")).order_by("-assessed_at", "-id").values("pk")[:1]
    latest_ids = matters_for_user(user).open().annotate(latest=Subquery(latest)).values("latest")
    high_first = Case(When(level=RiskLevel.HIGH, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        RiskAssessment.objects.filter(pk__in=latest_ids, level__in=LISTED_LEVELS)
        .select_related("matter__category", "matter__address", "matter__owner")
        .order_by(high_first, "-score", "-matter__reported_at", "-matter_id")
    )
