"""Benchmark of the Knox test: 11,701 synthetic events, 999 simulations; target ≤ 10 s on a 2-core machine.

Two baselines are measured in the same run:
- the same computation with 1 simulation (reading the pairs, the grid, the all-pairs time counts: the fixed cost);
- the naive O(n²) method in plain numpy — every pair's space band kept, every pair re-timed per simulation — timed
  on a subsample of 2,000 events and extrapolated to all 68 million pairs (it would not fit in memory).

    .venv/bin/python bench/knox.py [--events 11701] [--simulations 999] [--seed 2024]
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
os.environ.setdefault("FENGQIAO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from fengqiao.analysis.knox import Events, KnoxResult, knox_test, summary  # noqa: E402

SPACE = np.array([0.0, 1.0, 100.0, 200.0, 300.0])
TIME = np.array([0.0, 7.0, 14.0, 21.0])
TARGET_SECONDS = 10.0
NAIVE_SAMPLE = 2_000


def synthetic_events(n: int, rng: np.random.Generator) -> Events:
    """A year in an 8 km × 8 km district: hot spots, scattered background, and near-repeat chains (about 40 %)."""
    background = n * 6 // 10
    hot = rng.integers(0, 12, background // 2)
    centres = rng.uniform(500, 7_500, size=(12, 2))
    x = np.concatenate([centres[hot, 0] + rng.normal(0, 400, len(hot)), rng.uniform(0, 8_000, background - len(hot))])
    y = np.concatenate([centres[hot, 1] + rng.normal(0, 400, len(hot)), rng.uniform(0, 8_000, background - len(hot))])
    days = rng.integers(0, 365, background)
    # Each repeat follows an earlier event: same building or the next streets, within days.
    source = rng.integers(0, background, n - background)
    same_place = rng.random(len(source)) < 0.25
    spread = np.where(same_place, 0.0, 120.0)
    rx = np.round(x[source] + rng.normal(0, 1, len(source)) * spread)
    ry = np.round(y[source] + rng.normal(0, 1, len(source)) * spread)
    rdays = np.minimum(days[source] + rng.exponential(6, len(source)).astype(np.int64), 364)
    return Events(
        np.round(np.concatenate([x, rx])), np.round(np.concatenate([y, ry])), 738_886 + np.concatenate([days, rdays])
    )


def timed_knox(events: Events, simulations: int, seed: int) -> tuple[float, KnoxResult]:
    start = time.perf_counter()
    result = knox_test(events, SPACE, TIME, "manhattan", simulations, seed)
    return time.perf_counter() - start, result


def naive_seconds_per_pair_and_table(events: Events, rng: np.random.Generator, tables: int = 10) -> float:
    """Plain numpy over ALL pairs: space bands kept per pair, every pair re-timed for every table."""
    pick = rng.choice(len(events), NAIVE_SAMPLE, replace=False)
    x, y, days = events.x[pick], events.y[pick], events.days[pick]
    start = time.perf_counter()
    i, j = np.triu_indices(len(pick), k=1)
    space = np.searchsorted(SPACE, np.abs(x[i] - x[j]) + np.abs(y[i] - y[j]), side="right") - 1
    for _ in range(tables):
        shuffled = days[rng.permutation(len(days))]
        gap = np.abs(shuffled[i] - shuffled[j])
        np.bincount(space * len(TIME) + np.searchsorted(TIME, gap, side="right") - 1, minlength=len(SPACE) * len(TIME))
    return (time.perf_counter() - start) / (len(i) * tables)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=11_701)
    parser.add_argument("--simulations", type=int, default=999)
    parser.add_argument("--seed", type=int, default=2024)
    options = parser.parse_args()
    events = synthetic_events(options.events, np.random.default_rng(options.seed))
    pairs = len(events) * (len(events) - 1) // 2

    timed_knox(events, 1, options.seed)  # warm-up
    one, _ = timed_knox(events, 1, options.seed)
    full, result = timed_knox(events, options.simulations, options.seed)
    naive = naive_seconds_per_pair_and_table(events, np.random.default_rng(options.seed)) * pairs
    naive *= options.simulations + 1

    print(f"events                 {len(events):,}")
    print(f"pairs                  {pairs:,}")
    print(f"pairs considered       {result.close_pairs:,} (closer than {SPACE[-1]:g} m; the rest by subtraction)")
    print(f"simulations            {options.simulations}")
    verdict = "met" if full <= TARGET_SECONDS else "MISSED"
    print(f"seconds                {full:.2f}   target ≤ {TARGET_SECONDS:g} s: {verdict}")
    print(f"per simulation         {(full - one) / max(options.simulations - 1, 1) * 1000:.2f} ms")
    print(f"baseline, 1 simulation {one:.2f} s   ratio {full / one:.1f}×")
    sample = f"{NAIVE_SAMPLE:,} events"
    print(f"baseline, naive O(n²)  {naive:.0f} s (extrapolated from {sample})   ratio {naive / full:.0f}×")
    for line in summary(result, "en"):
        print("  " + line)


if __name__ == "__main__":
    main()
