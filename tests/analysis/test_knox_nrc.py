"""`fengqiao knox --nrc-compatible` against tables the Near Repeat Calculator published for real data.

The NRC's verbose output files (tests/data/knox/README.md) hold its observed table, its labels and, per cell,
every simulated count it drew; see docs/knox.md for the conventions they reveal.
"""

import io
import json
import math
from collections.abc import Iterator
from itertools import takewhile
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import translation

DATA = Path(__file__).parent.parent / "data" / "knox"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted against their English msgids; the zh-hans wording belongs to the catalogue."""
    with translation.override("en"):
        yield


class NrcOutput:
    """The parts of an NRC verbose file: band labels, observed table, and the simulated counts per cell."""

    def __init__(self, path: Path) -> None:
        lines = path.read_text().splitlines()
        start = lines.index("Observed frequencies distribution")
        self.time_labels = [label for label in lines[start + 1].split(",")[2:] if label]
        rows = self._table(lines, "Observed frequencies distribution")
        self.space_labels = [row[1].strip() for row in rows]
        self.observed = [[int(value or 0) for value in row[2:-1]] for row in rows]
        self.p_value = [
            [float(value) for value in row[2:-1]] for row in self._table(lines, "Statistical significant table")
        ]
        self.simulated = self._simulated(lines, len(rows), len(self.time_labels))

    @staticmethod
    def _table(lines: list[str], title: str) -> list[list[str]]:
        start = lines.index(title)
        return [line.split(",") for line in lines[start + 3 : start + 8]]

    @staticmethod
    def _simulated(lines: list[str], rows: int, columns: int) -> np.ndarray:
        """Each "Row r Column c" block lists its draws after "Expected", wrapped over lines that start with ","."""
        draws: dict[tuple[int, int], list[int]] = {}
        for number, line in enumerate(lines):
            if line.startswith("Row "):
                _, row, _, column = line.split()
                block = [lines[number + 1].removeprefix("Expected")]
                block += takewhile(lambda following: following.startswith(","), lines[number + 2 :])
                draws[int(row) - 1, int(column) - 1] = [int(value) for value in ",".join(block).split(",") if value]
        return np.array([[draws[row, column] for column in range(columns)] for row in range(rows)])


def run_knox(tmp_path: Path, *arguments: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "knox.json"
    call_command("knox", *arguments, "--json", str(out), stdout=io.StringIO())
    return json.loads(out.read_text(encoding="utf-8"))


BURGLARY = ["--space-bands", "0,1,100,200,300", "--time-bands", "0,7,14,21", "--distance", "manhattan"]
ARSON = ["--space-bands", "0,1,200,400,600", "--time-bands", "0,1,2,3", "--distance", "manhattan"]


def test_the_burglary_table_matches_the_calculators_pair_for_pair_with_its_labels(tmp_path: Path) -> None:
    nrc = NrcOutput(DATA / "chicago_be_month1_NRverbose.csv")

    figures = run_knox(tmp_path, str(DATA / "chicago_be_month1.csv"), *BURGLARY, "--nrc-compatible", "--seed", "1")

    assert figures["observed"] == nrc.observed
    assert figures["observed"][1] == [44, 13, 8, 4]  # "1 to 100" — the row behind the NRC's "69 percent greater"
    assert [band["label"] for band in figures["space_bands"]] == [
        "Same location",
        *(f"{label} meters" for label in nrc.space_labels[1:4]),
        "More than 300 meters",
    ]
    assert [band["label"] for band in figures["time_bands"]] == [f"{label} days" for label in nrc.time_labels]


def test_the_arson_table_matches_the_calculators_pair_for_pair(tmp_path: Path) -> None:
    nrc = NrcOutput(DATA / "chicago_arson_NRverbose.csv")

    figures = run_knox(tmp_path, str(DATA / "chicago_arson.csv"), *ARSON, "--nrc-compatible", "--seed", "1")

    assert figures["observed"] == nrc.observed
    assert [band["label"] for band in figures["time_bands"]] == [f"{label} days" for label in nrc.time_labels]
    assert nrc.time_labels == ["0 to 1", "2 to 2", "3 to 3", "More than 3"]


def test_without_nrc_conventions_the_arson_table_differs_where_docs_say(tmp_path: Path) -> None:
    # Two pairs: one 0.56 m apart on the same day (our [0, 1) band, not the NRC's exact "Same location"), and
    # one 399.96 m apart (our [200, 400) band; single-precision coordinates put it at 400 m for the NRC).
    nrc = NrcOutput(DATA / "chicago_arson_NRverbose.csv")

    figures = run_knox(tmp_path, str(DATA / "chicago_arson.csv"), *ARSON, "--seed", "1")

    difference = np.array(figures["observed"]) - np.array(nrc.observed)
    assert difference.tolist() == [[1, 0, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, -1], [0, 0, 0, 0]]


@pytest.mark.parametrize(
    ("events", "nrc_file", "bands"),
    [
        ("chicago_be_month1.csv", "chicago_be_month1_NRverbose.csv", BURGLARY),
        ("chicago_arson.csv", "chicago_arson_NRverbose.csv", ARSON),
    ],
)
def test_simulated_means_agree_with_the_calculators_draws(
    tmp_path: Path, events: str, nrc_file: str, bands: list[str]
) -> None:
    nrc = NrcOutput(DATA / nrc_file)

    figures = run_knox(
        tmp_path, str(DATA / events), *bands, "--nrc-compatible", "--seed", "2024", "--simulations", "999"
    )

    ours = np.array(figures["simulated_mean"])
    theirs = nrc.simulated.mean(axis=2)
    standard_error = nrc.simulated.std(axis=2, ddof=1) / math.sqrt(nrc.simulated.shape[2])
    # Their mean is of 19 or 99 draws, ours of 999: allow 4 of their standard errors (+ 0.5 for cells of 0 spread).
    assert np.all(np.abs(ours - theirs) <= 4 * standard_error + 0.5)


def test_the_calculators_p_values_follow_the_same_formula_as_ours() -> None:
    for name in ("chicago_be_month1_NRverbose.csv", "chicago_arson_NRverbose.csv"):
        nrc = NrcOutput(DATA / name)
        simulations = nrc.simulated.shape[2]
        as_high = (nrc.simulated >= np.array(nrc.observed)[:, :, None]).sum(axis=2)

        assert np.allclose((as_high + 1) / (simulations + 1), nrc.p_value)


def test_cells_at_the_calculators_best_p_value_are_significant_here_too(tmp_path: Path) -> None:
    nrc = NrcOutput(DATA / "chicago_be_month1_NRverbose.csv")
    at_best = [tuple(cell) for cell in np.argwhere(np.array(nrc.p_value) == 0.05).tolist()]  # 1 / (19 + 1)

    figures = run_knox(tmp_path, str(DATA / "chicago_be_month1.csv"), *BURGLARY, "--nrc-compatible", "--seed", "3")

    assert at_best == [(0, 0), (1, 0), (2, 0), (4, 2)]
    assert all(figures["p_value"][row][column] <= 0.05 for row, column in at_best)
    assert figures["summary"]["en"][1].startswith("Within 100 m, for up to 7 days, risk is")
    assert figures["summary"]["zh-hans"][1].startswith("100米以内、7天之内，风险高出")
