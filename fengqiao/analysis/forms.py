"""Forms of the analysis pages: the hot-spot filters and the Knox test's settings.

Both are GET forms: a result is a link the chief can send to a colleague.
"""

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fengqiao.analysis.hotspots import Period, category_prefix, period_between, this_month
from fengqiao.analysis.knox import Floats, KnoxInputError, parse_bands
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.web.forms import category_choices, show_domain_error

# 可防性案件: what prevention can reduce. Robbery and snatching, theft, fraud unless the deployment's settings
# name others (FENGQIAO_PREVENTABLE_CATEGORIES = ["0104", …]); see docs/hotspots.md.
DEFAULT_PREVENTABLE_CATEGORIES = ("0103", "0104", "0105")
MAX_SIMULATIONS = 999  # the page waits for the answer: the command runs more


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class HotSpotsForm(forms.Form):
    """Period and category; without any input, this month so far and every category."""

    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data: Any = None, today: dt.date | None = None) -> None:
        default = this_month(today)
        super().__init__(data or None, initial={"from": default.start, "to": default.end})
        # "from" is a Python keyword, so these two cannot be class attributes; the names match the API's.
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.order_fields(["from", "to", "category"])
        cast("forms.ChoiceField", self.fields["category"]).choices = [
            ("", _("All categories")),
            *category_choices()[1:],
        ]
        self.default = default

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "from" in self.errors or "to" in self.errors:
            return data
        try:
            data["period"] = period_between(data.get("from"), data.get("to"), self.default.end)
            data["category"] = category_prefix(data.get("category"))
        except DomainError as error:
            show_domain_error(self, error)
        return data

    def chosen(self) -> tuple[Period, str]:
        """The period and category of a valid form, or the defaults of an unbound one."""
        if not self.is_bound:
            return self.default, ""
        return self.cleaned_data["period"], self.cleaned_data["category"]


def preventable_categories() -> tuple[str, ...]:
    return tuple(getattr(settings, "FENGQIAO_PREVENTABLE_CATEGORIES", DEFAULT_PREVENTABLE_CATEGORIES))


class KnoxForm(forms.Form):
    categories = forms.MultipleChoiceField(label=_("Categories"), widget=forms.CheckboxSelectMultiple)
    space_bands = forms.CharField(
        label=_("Space bands (metres)"), help_text=_("Boundaries from 0, separated by commas.")
    )
    time_bands = forms.CharField(label=_("Time bands (days)"), help_text=_("Boundaries from 0, separated by commas."))
    distance = forms.ChoiceField(
        label=_("Distance"), choices=[("manhattan", _("Manhattan (along streets)")), ("euclidean", _("Straight line"))]
    )
    simulations = forms.IntegerField(label=_("Simulations"), min_value=1, max_value=MAX_SIMULATIONS)
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, required=False, help_text=_("The same seed repeats a run exactly.")
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data or self.defaults())
        cast("forms.ChoiceField", self.fields["categories"]).choices = self.category_choices()

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {
            "categories": list(preventable_categories()),
            "space_bands": "0,1,100,200,300",
            "time_bands": "0,7,14,21",
            "distance": "manhattan",
            "simulations": 99,
        }

    @staticmethod
    def category_choices() -> list[tuple[str, str]]:
        codes = {code.code: code for code in Code.objects.filter(table=CodeTable.CATEGORIES)}
        return [(code, f"{code} {codes[code].label}" if code in codes else code) for code in preventable_categories()]

    def clean_space_bands(self) -> Floats:
        return self._bands("space_bands")

    def clean_time_bands(self) -> Floats:
        return self._bands("time_bands")

    def _bands(self, name: str) -> Floats:
        try:
            return parse_bands(self.cleaned_data[name], str(self.fields[name].label))
        except KnoxInputError as error:
            raise ValidationError(str(error)) from None
