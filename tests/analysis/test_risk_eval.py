"""The labelled evaluation set (tests/data/risk_eval.csv): a lexicon or scorer change that loses precision or
recall below the measured figures minus a small margin fails here. Figures: docs/risk-signs.md.

The shipped lexicon file is evaluated directly, so these tests need no database."""

from pathlib import Path

import pytest

from fengqiao.analysis.models import RiskLevel
from fengqiao.analysis.risk import HIGH, OVERALL, Counts, compile_lexicon, evaluate, file_specs, read_labelled

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "risk_eval.csv"

# Measured with the shipped lexicon, minus a margin of about 0.03 (one or two texts).
MINIMUM = {
    OVERALL: (0.95, 0.89),
    HIGH: (0.91, 0.94),
    "violence": (0.94, 0.91),
    "fraud": (0.94, 0.87),
    "vulnerable": (0.96, 0.83),
    "self_harm": (0.96, 0.96),
}


@pytest.fixture(scope="module")
def counts() -> dict[str, Counts]:
    return evaluate(compile_lexicon(file_specs()).assess, read_labelled(EVAL_SET))


def test_the_evaluation_set_is_large_varied_and_about_a_third_risky() -> None:
    labelled = read_labelled(EVAL_SET)

    risky = [t for t in labelled if t.categories]
    assert len(labelled) >= 200
    assert 0.3 <= len(risky) / len(labelled) <= 0.45
    assert {c for t in labelled for c in t.categories} == {"violence", "fraud", "vulnerable", "self_harm"}
    assert {t.level for t in labelled} == set(RiskLevel.values)


@pytest.mark.parametrize("label", list(MINIMUM))
def test_precision_and_recall_stay_at_the_measured_level(counts, label) -> None:  # type: ignore[no-untyped-def]
    precision, recall = MINIMUM[label]

    assert counts[label].precision >= precision, f"{label} precision {counts[label].precision:.3f}"
    assert counts[label].recall >= recall, f"{label} recall {counts[label].recall:.3f}"
