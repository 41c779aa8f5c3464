"""Coverage statistics on hand-built counts: outages, longest outage, chunking invariance."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosmodrome.astro.coverage.stats import StatsAccumulator


def reference_outages(series: list[int], min_sats: int) -> tuple[int, int]:
    """Number of runs below ``min_sats`` and the longest run, by a plain loop."""
    runs: list[int] = []
    length = 0
    for value in series:
        if value < min_sats:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    if length:
        runs.append(length)
    return len(runs), max(runs, default=0)


def test_hand_built_outages() -> None:
    counts = np.array(
        [
            [3, 0, 0, 2, 0, 1, 1, 0, 0, 0],  # outages of 2, 1 and 3 epochs
            [0, 0, 1, 1, 1, 1, 1, 1, 1, 1],  # one at the start of the window
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],  # never down
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # always down: one outage, the whole window
        ],
        dtype=np.uint16,
    )
    acc = StatsAccumulator(n_cells=4, min_sats=1)
    acc.add(counts[:, :4])
    acc.add(counts[:, 4:])
    assert acc.outages.tolist() == [3, 1, 0, 1]
    assert acc.longest_run.tolist() == [3, 2, 0, 10]
    assert acc.minimum.tolist() == [0, 0, 1, 0]
    assert acc.maximum.tolist() == [3, 1, 1, 0]
    assert acc.frac_at_least_1().tolist() == [0.4, 0.8, 1.0, 0.0]
    assert acc.mean().tolist() == pytest.approx([0.7, 0.8, 1.0, 0.0])


def test_min_sats_sets_the_outage_threshold() -> None:
    counts = np.array([[3, 1, 2, 1, 1, 4]], dtype=np.uint16)
    acc = StatsAccumulator(n_cells=1, min_sats=2)
    acc.add(counts)
    assert acc.outages.tolist() == [2]  # epochs 1 and 3..4 have fewer than 2
    assert acc.longest_run.tolist() == [2]
    assert acc.frac_at_least_n().tolist() == [0.5]
    assert acc.frac_at_least_1().tolist() == [1.0]


def test_min_sats_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        StatsAccumulator(n_cells=1, min_sats=0)


@settings(max_examples=150, deadline=None)
@given(
    series=st.lists(st.integers(0, 4), min_size=1, max_size=60),
    cuts=st.lists(st.integers(1, 59), max_size=6),
    min_sats=st.integers(1, 3),
)
def test_chunking_never_changes_the_statistics(
    series: list[int], cuts: list[int], min_sats: int
) -> None:
    counts = np.array([series], dtype=np.uint16)
    edges = sorted({0, len(series), *[c for c in cuts if c < len(series)]})
    acc = StatsAccumulator(n_cells=1, min_sats=min_sats)
    for lo, hi in itertools.pairwise(edges):
        acc.add(counts[:, lo:hi])
    outages, longest = reference_outages(series, min_sats)
    assert int(acc.outages[0]) == outages
    assert int(acc.longest_run[0]) == longest
    assert int(acc.minimum[0]) == min(series)
    assert acc.frac_at_least_n()[0] == pytest.approx(
        sum(v >= min_sats for v in series) / len(series)
    )
    assert acc.epochs == len(series)
