"""The near-repeat page: the Knox test on the station's preventable categories, shown as a heat map.

It runs the same functions as `fengqiao knox --station` (fengqiao.analysis.knox); the page only draws the table.
"""

from dataclasses import dataclass

import numpy as np
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from fengqiao.analysis.forms import KnoxForm
from fengqiao.analysis.knox import KnoxInputError, KnoxResult, Language, band_labels, knox_test, station_events, summary
from fengqiao.analysis.views import analyst_required
from fengqiao.web.permissions import AuthedRequest

RED = "180, 35, 24"  # the stylesheet's --red: more pairs than chance
BLUE = "29, 79, 145"  # its --blue: fewer
STRONGEST = 2.0  # a Knox ratio of 2 (twice the pairs chance gives) or more gets the full colour


@dataclass(frozen=True)
class Cell:
    observed: int
    expected: float
    ratio: float | None  # None: no simulation had a pair here
    p_value: float
    significant: bool
    style: str


@dataclass(frozen=True)
class HeatMap:
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]


@analyst_required
def knox(request: AuthedRequest) -> HttpResponse:
    form = KnoxForm(request.GET)
    context: dict[str, object] = {"form": form}
    station = request.user.station  # there is one: analyst_required checked the user is the station's police
    if form.is_valid() and station is not None:
        try:
            context["result"] = result = run(station.code, form)
        except KnoxInputError as error:
            context["too_few"] = str(error)
        else:
            context["heat_map"] = heat_map(result)
            context["summary"] = summary(result, page_language())
    return render(request, "analysis/knox.html", context)


def run(station_code: str, form: KnoxForm) -> KnoxResult:
    data = form.cleaned_data
    events = station_events(station_code, data["categories"])
    return knox_test(
        events, data["space_bands"], data["time_bands"], data["distance"], data["simulations"], data["seed"]
    )


def page_language() -> Language:
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


def heat_map(result: KnoxResult) -> HeatMap:
    ratios = result.knox_ratio
    significant = set(result.significant())
    rows = [
        (
            label,
            [
                _cell(result, ratios, row, column, (row, column) in significant)
                for column in range(result.observed.shape[1])
            ],
        )
        for row, label in enumerate(band_labels(result.space_edges, "m"))
    ]
    return HeatMap(band_labels(result.time_edges, "days"), rows)


def _cell(result: KnoxResult, ratios: np.ndarray, row: int, column: int, significant: bool) -> Cell:
    ratio = None if np.isnan(ratios[row, column]) else float(ratios[row, column])
    return Cell(
        observed=int(result.observed[row, column]),
        expected=float(result.simulated_mean[row, column]),
        ratio=ratio,
        p_value=float(result.p_value[row, column]),
        significant=significant,
        style=colour(ratio),
    )


def colour(ratio: float | None) -> str:
    """Red the more the ratio exceeds 1, blue the more it falls short; white text once the colour is deep."""
    if ratio is None or ratio == 1:
        return ""
    strength = min(abs(ratio - 1) / (STRONGEST - 1), 1.0)
    alpha = round(0.1 + 0.75 * strength, 2)
    text = "color: #fff; " if alpha > 0.5 else ""
    return f"{text}background-color: rgba({RED if ratio > 1 else BLUE}, {alpha})"
