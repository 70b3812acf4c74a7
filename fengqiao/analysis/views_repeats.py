"""The repeat-calls page (重复警情): the station's ranking over a period, its recent repeat groups and the mediation
proposals they led to; the ranking also as a CSV or XLSX download. For the chief and the officers.
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.analysis.models import MAX_WINDOW_DAYS, RepeatGroup, RepeatMembership
from fengqiao.analysis.repeat_export import CONTENT_TYPES, FORMATS, export
from fengqiao.analysis.repeat_ranking import MAX_MIN_CALLS, RankedKey, RankingQuery, period, rank
from fengqiao.analysis.views import analyst_required
from fengqiao.stations.models import Station
from fengqiao.web.permissions import AuthedRequest, station_of

DEFAULT_DAYS = 90
GROUP_LIMIT = 50
RANKING_LIMIT = 100  # on the page; the download has every row


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RepeatFilterForm(forms.Form):
    """A GET form: a ranking is a link the chief can send. Without input, the last 90 days."""

    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    window = forms.IntegerField(label=_("Window (days)"), required=False, min_value=1, max_value=MAX_WINDOW_DAYS)
    min = forms.IntegerField(label=_("Calls that make a repeat"), required=False, min_value=2, max_value=MAX_MIN_CALLS)

    def __init__(self, data: Any = None, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        initial = {"since": self.today - dt.timedelta(days=DEFAULT_DAYS), "until": self.today, "window": 30, "min": 3}
        super().__init__(data or None, initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("since", "until", "window", "min"):
            if data.get(name) is None and name not in self.errors:
                data[name] = self.initial[name]
        if "since" not in self.errors and "until" not in self.errors and data["until"] < data["since"]:
            self.add_error("until", _("The end of the period must come after its start."))
        return data

    def query(self, station_id: int) -> RankingQuery:
        data = self.cleaned_data if self.is_bound else self.initial
        since, until = period(data["since"], data["until"])
        return RankingQuery(station_id, since, until, data["window"], data["min"])


@analyst_required
def repeats(request: AuthedRequest) -> HttpResponse:
    station_id = station_of(request.user)
    form = RepeatFilterForm(request.GET.copy() if request.GET else None)
    export_format = request.GET.get("format", "")
    if form.is_bound and not form.is_valid():
        return render(request, "analysis/repeats.html", {"form": form}, status=400)
    query = form.query(station_id)
    ranked = rank(query)
    if export_format in FORMATS:
        return _download(ranked, query, export_format, station_id)
    context = {
        "form": form,
        "query": query,
        "ranked": ranked[:RANKING_LIMIT],
        "more": max(len(ranked) - RANKING_LIMIT, 0),
        "groups": recent_groups(station_id, query),
        "export_query": _without_format(request),
    }
    return render(request, "analysis/repeats.html", context)


def recent_groups(station_id: int, query: RankingQuery) -> QuerySet[RepeatGroup]:
    """The groups with a call in the period, their calls and proposal: four queries however many groups."""
    members = RepeatMembership.objects.select_related("matter").order_by("matter__reported_at", "matter_id")
    return (
        RepeatGroup.objects.filter(station_id=station_id, last_at__gte=query.since, first_at__lt=query.until)
        .select_related("proposal")
        .prefetch_related(Prefetch("members", queryset=members), "proposal__parties")
        .order_by("-last_at", "-id")[:GROUP_LIMIT]
    )


def _without_format(request: AuthedRequest) -> str:
    params = request.GET.copy()
    params.pop("format", None)
    return params.urlencode()


def _download(ranked: list[RankedKey], query: RankingQuery, export_format: str, station_id: int) -> HttpResponse:
    code = Station.objects.values_list("code", flat=True).get(pk=station_id)
    last_day = (query.until - dt.timedelta(days=1)).astimezone(query.since.tzinfo)
    name = f"repeats-{code}-{query.since:%Y%m%d}-{last_day:%Y%m%d}.{export_format}"
    response = HttpResponse(export(ranked, query.window_days, export_format), content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
