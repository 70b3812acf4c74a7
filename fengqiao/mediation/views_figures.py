"""The mediation figures page (调解统计) at /mediation/figures/: the same figures as GET /api/v1/mediations/stats.

For the station's police; the figures look at the station's matters ("did it hold?"), which partner mediators
never see. A GET form: a result is a link the chief can send to a colleague.
"""

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.analysis.forms import DateInput
from fengqiao.analysis.hotspots import Period
from fengqiao.lib.errors import DomainError
from fengqiao.mediation.figures import mediation_figures, period_of
from fengqiao.web.forms import show_domain_error
from fengqiao.web.permissions import AuthedRequest, police_required, station_of


class FiguresForm(forms.Form):
    """The period; without input, this year so far."""

    def __init__(self, data: Any = None, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        default = period_of(None, None, self.today)
        super().__init__(data or None, initial={"from": default.start, "to": default.end})
        # "from" is a Python keyword, so these cannot be class attributes; the names match the API's.
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.default = default

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "from" in self.errors or "to" in self.errors:
            return data
        try:
            data["period"] = period_of(data.get("from"), data.get("to"), self.today)
        except DomainError as error:
            show_domain_error(self, error)
        return data

    def chosen(self) -> Period:
        return self.cleaned_data["period"] if self.is_bound else self.default


@police_required
def figures(request: AuthedRequest) -> HttpResponse:
    form = FiguresForm(request.GET)
    result = None
    if not form.is_bound or form.is_valid():
        result = mediation_figures(station_of(request.user), form.chosen(), timezone.now())
    return render(request, "mediation/figures.html", {"form": form, "figures": result})
