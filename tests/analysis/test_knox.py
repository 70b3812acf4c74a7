"""The Knox test as a library: band conventions, counting, simulations, and the fast path against brute force."""

import io
import math
from collections.abc import Iterator

import numpy as np
import pytest
from django.utils import translation

from fengqiao.analysis import knox
from fengqiao.analysis.knox import Events, KnoxInputError, knox_test

BANDS = np.array([0.0, 1.0, 100.0, 200.0])
WEEKS = np.array([0.0, 7.0, 14.0])
DAY_ONE = 738_886  # 2024-01-01 as a day number; only differences matter


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted against their English msgids; the zh-hans wording belongs to the catalogue."""
    with translation.override("en"):
        yield


def events(*rows: tuple[float, float, int]) -> Events:
    x, y, days = zip(*rows, strict=True)
    return Events(np.array(x, dtype=float), np.array(y, dtype=float), DAY_ONE + np.array(days, dtype=np.int64))


def five_burglaries() -> Events:
    """On one street (y = 0), so that Manhattan and Euclidean distances agree."""
    return events(
        (0, 0, 0),  # A
        (0, 0, 3),  # B: same house as A, 3 days later
        (100, 0, 7),  # C: exactly 100 m from A and B, exactly 7 days after A
        (150, 0, 20),  # D
        (450, 0, 1),  # E: beyond the last finite boundary (200 m) from everyone
    )


def test_the_observed_table_of_five_events_is_the_one_counted_by_hand() -> None:
    # The 10 pairs, (metres, days) → cell:
    # A-B (0, 3) → [0,1)×[0,7)        A-C (100, 7) → [100,200)×[7,14)   A-D (150, 20) → [100,200)×[14,∞)
    # A-E (450, 1) → [200,∞)×[0,7)     B-C (100, 4) → [100,200)×[0,7)    B-D (150, 17) → [100,200)×[14,∞)
    # B-E (450, 2) → [200,∞)×[0,7)     C-D (50, 13) → [1,100)×[7,14)     C-E (350, 6) → [200,∞)×[0,7)
    # D-E (300, 19) → [200,∞)×[14,∞)
    result = knox_test(five_burglaries(), BANDS, WEEKS, simulations=9, seed=1)

    assert result.observed.tolist() == [
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 2],
        [3, 0, 1],
    ]
    assert result.pairs == 10
    assert result.close_pairs == 6  # the four pairs with E are only counted through the open last band


@pytest.mark.parametrize("distance", ["manhattan", "euclidean"])
def test_a_pair_exactly_on_a_boundary_falls_in_the_band_that_starts_there(distance: knox.Distance) -> None:
    on_the_edges = events((0, 0, 0), (60, 80, 7)) if distance == "euclidean" else events((0, 0, 0), (40, 60, 7))

    result = knox_test(on_the_edges, BANDS, WEEKS, distance=distance, simulations=1, seed=1)

    assert result.observed.tolist() == [[0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_the_distance_option_chooses_the_metric() -> None:
    three_four_five = events((0, 0, 0), (30, 40, 0))  # 50 m as the crow flies, 70 m along the streets
    bands = np.array([0.0, 60.0])

    euclidean = knox_test(three_four_five, bands, WEEKS, distance="euclidean", simulations=1, seed=1)
    manhattan = knox_test(three_four_five, bands, WEEKS, distance="manhattan", simulations=1, seed=1)

    assert euclidean.observed[:, 0].tolist() == [1, 0]
    assert manhattan.observed[:, 0].tolist() == [0, 1]


def test_the_last_bands_are_open_ended() -> None:
    far_apart = events((0, 0, 0), (25_000, 40_000, 3_650))

    result = knox_test(far_apart, BANDS, WEEKS, simulations=1, seed=1)

    assert result.observed[-1, -1] == 1
    assert result.observed.sum() == 1


def test_every_pair_is_counted_once() -> None:
    crowd = random_events(np.random.default_rng(5), 250)

    result = knox_test(crowd, BANDS, WEEKS, simulations=3, seed=2)

    assert result.observed.sum() == 250 * 249 // 2


def test_the_p_value_counts_simulations_at_or_above_the_observed_count_plus_one() -> None:
    # Two neighbours on the same day and a far event 100 days later: the neighbours keep a gap under 7 days in
    # exactly the permutations that give the far event's date back to the far event, one in three.
    trio = events((0, 0, 0), (10, 0, 0), (5_000, 0, 100))
    bands = np.array([0.0, 100.0])
    simulations = 999

    result = knox_test(trio, bands, WEEKS, simulations=simulations, seed=7)

    as_high = round(result.simulated_mean[0, 0] * simulations)  # each simulation counts 0 or 1 pair there
    assert 280 < as_high < 390
    assert result.observed[0, 0] == 1
    assert result.p_value[0, 0] == (as_high + 1) / (simulations + 1)
    assert result.observed[0, 2] == 0
    assert result.p_value[0, 2] == 1.0  # every simulation ties an observed 0, and ties count
    assert result.knox_ratio[0, 0] == pytest.approx(simulations / as_high)


def test_a_seed_reproduces_a_run_and_an_unseeded_run_reports_the_seed_it_drew() -> None:
    crowd = random_events(np.random.default_rng(11), 200)

    first = knox_test(crowd, BANDS, WEEKS, simulations=25, seed=42)
    again = knox_test(crowd, BANDS, WEEKS, simulations=25, seed=42)
    other = knox_test(crowd, BANDS, WEEKS, simulations=25, seed=43)
    unseeded = knox_test(crowd, BANDS, WEEKS, simulations=25)
    replayed = knox_test(crowd, BANDS, WEEKS, simulations=25, seed=unseeded.seed)

    assert first.seed == 42
    assert np.array_equal(first.simulated_mean, again.simulated_mean)
    assert np.array_equal(first.p_value, again.p_value)
    assert not np.array_equal(first.simulated_mean, other.simulated_mean)
    assert np.array_equal(unseeded.simulated_mean, replayed.simulated_mean)


def random_events(rng: np.random.Generator, n: int) -> Events:
    """Clusters and background on a 10 m lattice, so that many distances land exactly on band boundaries."""
    centres = rng.integers(0, 60, size=(n // 10, 2)) * 10
    x = np.concatenate([rng.integers(0, 60, n // 2) * 10, centres[rng.integers(0, len(centres), n - n // 2), 0]])
    y = np.concatenate([rng.integers(0, 60, n // 2) * 10, centres[rng.integers(0, len(centres), n - n // 2), 1]])
    jitter = rng.integers(-3, 4, size=(2, n)) * 10
    days = DAY_ONE + rng.integers(0, 60, n)
    return Events((x + jitter[0]).astype(float), (y + jitter[1]).astype(float), days.astype(np.int64))


def brute_force_table(
    x: np.ndarray, y: np.ndarray, days: np.ndarray, space: np.ndarray, time: np.ndarray, distance: str
) -> np.ndarray:
    """Every pair i < j, each cell by its two interval tests: independent of the grid, the bincount and the LUT."""
    i, j = np.triu_indices(len(x), k=1)
    dx, dy = x[i] - x[j], y[i] - y[j]
    d = np.abs(dx) + np.abs(dy) if distance == "manhattan" else np.sqrt(dx * dx + dy * dy)
    gap = np.abs(days[i] - days[j])
    space_hi, time_hi = [*space[1:], math.inf], [*time[1:], math.inf]
    return np.array(
        [
            [
                np.count_nonzero((s0 <= d) & (d < s1) & (t0 <= gap) & (gap < t1))
                for t0, t1 in zip(time, time_hi, strict=True)
            ]
            for s0, s1 in zip(space, space_hi, strict=True)
        ]
    )


def brute_force_means(
    crowd: Events, space: np.ndarray, time: np.ndarray, distance: str, simulations: int, seed: int
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    total = sum(
        brute_force_table(crowd.x, crowd.y, crowd.days[rng.permutation(len(crowd))], space, time, distance)
        for _ in range(simulations)
    )
    return total / simulations


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("distance", ["manhattan", "euclidean"])
def test_the_fast_path_agrees_with_brute_force_on_300_random_events(distance: knox.Distance, seed: int) -> None:
    crowd = random_events(np.random.default_rng(seed), 300)
    space, time = np.array([0.0, 1.0, 30.0, 60.0, 100.0]), np.array([0.0, 3.0, 7.0, 14.0])

    result = knox_test(crowd, space, time, distance=distance, simulations=20, seed=seed)

    assert result.observed.tolist() == brute_force_table(crowd.x, crowd.y, crowd.days, space, time, distance).tolist()
    assert np.array_equal(result.simulated_mean, brute_force_means(crowd, space, time, distance, 20, seed))


def test_pairs_are_found_the_same_when_candidates_come_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    crowd = random_events(np.random.default_rng(9), 300)
    space = np.array([0.0, 1.0, 50.0, 100.0])
    whole = knox_test(crowd, space, WEEKS, simulations=10, seed=9)

    monkeypatch.setattr(knox, "_CANDIDATES_PER_CHUNK", 37)
    chunked = knox_test(crowd, space, WEEKS, simulations=10, seed=9)

    assert chunked.close_pairs == whole.close_pairs
    assert np.array_equal(chunked.observed, whole.observed)
    assert np.array_equal(chunked.simulated_mean, whole.simulated_mean)


def test_latitude_and_longitude_are_projected_to_metres_around_the_mean_latitude() -> None:
    csv = "lat,lng,date\n30.0,120.0,2024-03-01\n30.0,120.001,2024-03-02\n30.001,120.0,2024-03-02\n"

    read = knox.read_events(io.StringIO(csv))

    # A thousandth of a degree: 6,371,008.8 m × π/180 / 1000 = 111.195 m north; × cos 30.000333° = 96.297 m east.
    assert read.y[2] - read.y[0] == pytest.approx(111.195, abs=0.001)
    assert read.x[1] - read.x[0] == pytest.approx(96.297, abs=0.001)
    assert read.y[1] == read.y[0]
    assert (read.days[1] - read.days[0], read.days[2] - read.days[0]) == (1, 1)


def test_a_timestamp_in_the_date_column_counts_by_its_date() -> None:
    read = knox.read_events(io.StringIO("x,y,date\n0,0,2024-03-01T23:59:00\n5,5,2024-03-02\n"))

    assert read.days[1] - read.days[0] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,100,50", "--space-bands must be strictly increasing."),
        ("0,100,100", "--space-bands must be strictly increasing."),
        ("10,100", "--space-bands must start at 0."),
        ("0,ten", "--space-bands must be numbers separated by commas, got “0,ten”."),
        ("0,inf", "--space-bands must be finite numbers."),
    ],
)
def test_bad_bands_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(KnoxInputError) as refused:
        knox.parse_bands(text, "--space-bands")

    assert str(refused.value) == message


def test_at_least_one_simulation_is_needed() -> None:
    with pytest.raises(KnoxInputError) as refused:
        knox_test(five_burglaries(), BANDS, WEEKS, simulations=0)

    assert str(refused.value) == "--simulations must be at least 1."


def test_the_summary_speaks_of_significant_near_cells_in_both_languages() -> None:
    # Ten burglaries on one spot within 4 days, and 60 scattered over a year far away.
    rng = np.random.default_rng(3)
    spree = [(0.0, 0.0, int(day)) for day in rng.integers(0, 4, 10)]
    scattered = [
        (float(x), float(y), int(d))
        for x, y, d in zip(*(rng.integers(5_000, 50_000, (2, 60))), range(0, 360, 6), strict=True)
    ]
    result = knox_test(events(*spree, *scattered), BANDS, WEEKS, simulations=199, seed=3)

    assert result.significant()[0] == (0, 0)
    ratio = result.knox_ratio[0, 0]
    percent = round((ratio - 1) * 100)
    assert knox.summary(result, "en")[0].startswith(f"At the same place, for up to 7 days, risk is {percent} % higher")
    assert knox.summary(result, "zh-hans")[0].startswith(f"同一地点、7天之内，风险高出{percent}%")


def test_without_a_pattern_the_summary_says_so() -> None:
    result = knox_test(events((0, 0, 0), (5_000, 0, 0)), BANDS, WEEKS, simulations=9, seed=1)

    assert knox.summary(result, "en") == [
        "No significant near-repeat pattern (no near cell with p ≤ 0.05 and a Knox ratio above 1)."
    ]
    assert knox.summary(result, "zh-hans") == [
        "未发现显著的近重复模式（近距离内没有 p ≤ 0.05 且 Knox 比值大于 1 的组合）。"
    ]


def test_default_labels_are_half_open_intervals_and_nrc_labels_are_the_calculators() -> None:
    assert knox.band_labels(np.array([0.0, 1, 100, 200]), "m") == [
        "[0, 1) m",
        "[1, 100) m",
        "[100, 200) m",
        "[200, ∞) m",
    ]
    nrc_space = knox.nrc_space_edges(np.array([0.0, 100, 200]))
    assert knox.band_labels(nrc_space, "m", nrc=True) == [
        "Same location",
        "1 to 100 meters",
        "101 to 200 meters",
        "More than 200 meters",
    ]
    assert knox.band_labels(np.array([0.0, 7, 14, 21]), "days", nrc=True) == [
        "0 to 7 days",
        "8 to 14 days",
        "15 to 21 days",
        "More than 21 days",
    ]
