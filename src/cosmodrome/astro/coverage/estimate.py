"""How much work a coverage job will do, estimated before it runs.

A server refuses jobs that would take too long or too much memory, but a constellation's size
says little about that: the engine prunes every (satellite, epoch) pair whose satellite cannot
be above the mask anywhere in the region (:mod:`cosmodrome.astro.coverage.engine`), so 8,000
Starlink satellites over Kazakhstan cost about what a few hundred would. The engine's work is
counted in operations of three kinds: satellite-epochs propagated (every satellite at the
coarse epochs, then the candidate pairs), latitude rows solved (each candidate position
solves the region's rows within its reach, ``evaluated_sat_row_epochs``), and lattice cells
summed (rows × columns per epoch). :func:`estimate_work` measures the pruning and the rows on
a sample of the window's epochs and scales them to the whole window. It applies the engine's
own test: a pair is a candidate when the *bound* on its angle from the region, drawn between
the coarse epochs around it, is within reach, not when its exact angle is. The bound admits
the pairs near the edge between two coarse epochs; testing the exact angle made the estimate
5 to 18 % low on small jobs (Starlink over Kazakhstan: 18 %). Against the work the engine
counts (``propagated_sat_epochs``, ``evaluated_sat_row_epochs``) it is now within 1 %
(``python -m benchmarks.bench_coverage_estimate``; ``tests/test_coverage_estimate.py`` holds it
within 5 %).

>>> from datetime import UTC, datetime
>>> from cosmodrome.astro.coverage.analysis import walker_constellation
>>> from cosmodrome.astro.coverage.regions import bounding_box
>>> start = datetime(2025, 10, 3, tzinfo=UTC)
>>> sats = walker_constellation(planes=6, per_plane=11, altitude_km=550.0, inclination_deg=53.0,
...                             epoch_utc=start)
>>> work = estimate_work(sats.satrecs, bounding_box("40,60,44,64"), resolution_deg=1.0,
...                      start_utc=start, duration_s=3600, step_s=60, mask_deg=25)
>>> 0 < work.rows_solved < work.operations
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sgp4.api import Satrec, SatrecArray

from cosmodrome.astro.coverage import frames
from cosmodrome.astro.coverage.engine import CoverageProblem, ElementParams, IntArray, Window
from cosmodrome.astro.coverage.regions import Region

#: Epochs of the window on which the pruning is measured: enough that a constellation's
#: passes over a region average out, few enough to cost a fraction of a second.
SAMPLE_EPOCHS = 24
#: What one satellite-epoch propagated costs, in latitude rows solved.
PROPAGATION_COST = 4


@dataclass(frozen=True)
class WorkEstimate:
    """What a coverage job will do: ``operations`` in all (satellite-epochs propagated,
    latitude rows solved, lattice cells summed), of which ``rows_solved`` are the
    satellite-row-epochs left after pruning."""

    satellites: int
    cells: int
    epochs: int
    propagated: int
    rows_solved: int
    cells_summed: int

    @property
    def operations(self) -> int:
        """The work in row solutions: an SGP4 propagation costs about four (measured with
        Starlink over the world and a Walker pattern over a tall box, 2026-12)."""
        return PROPAGATION_COST * self.propagated + self.rows_solved + self.cells_summed


def estimate_work(
    satrecs: Sequence[Satrec],
    region: Region,
    *,
    resolution_deg: float,
    start_utc: datetime,
    duration_s: float,
    step_s: float,
    mask_deg: float,
    samples: int = SAMPLE_EPOCHS,
) -> WorkEstimate:
    """The job's work after the engine's pruning, measured on ``samples`` epochs."""
    window = Window.from_duration(start_utc, duration_s, step_s)
    grid = region.grid(resolution_deg)
    problem = CoverageProblem(
        [ElementParams.from_satrec(s) for s in satrecs], grid, window, mask_deg
    )
    summed = problem.lattice.plane * window.count
    if not satrecs:
        return WorkEstimate(0, len(grid), window.count, 0, 0, summed)
    picked = np.unique(np.linspace(0, window.count - 1, min(samples, window.count)).round())
    epochs = picked.astype(np.int64)
    before, after = _coarse_brackets(problem, epochs)
    # every satellite at the sampled epochs and at the coarse epochs around them: the
    # engine's pruning bound is drawn between those coarse positions
    needed, where = np.unique(np.r_[epochs, before, after], return_inverse=True)
    err, r_teme, _ = SatrecArray(list(satrecs)).sgp4(
        problem.jd_whole[needed], problem.jd_fraction[needed]
    )
    r_ecef = frames.teme_to_ecef(r_teme, problem.theta_rad[needed][None, :])
    norms = np.linalg.norm(r_ecef, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        angle = np.arccos(np.clip(np.nan_to_num(r_ecef @ problem.region_centre / norms), -1, 1))
        sub_lat = np.degrees(np.arcsin(np.nan_to_num(r_ecef[..., 2] / norms)))
    at, lo, hi = np.split(where, 3)
    candidate = (err[:, at] == 0) & (err[:, lo] == 0) & (err[:, hi] == 0)
    if problem.prune:  # the engine's own test: the bound between the coarse epochs
        rate = problem.rate_rad_s[:, None]
        step = window.step_s
        bound = np.maximum(
            angle[:, lo] - rate * (epochs - before) * step,
            angle[:, hi] - rate * (after - epochs) * step,
        )
        candidate &= bound <= (problem.region_radius_rad + problem.reach_rad)[:, None]
    # the latitude rows each candidate solves: those within its reach of its sub-latitude
    rows = problem.lattice.row_lat_deg
    reach = problem.reach_lat_deg[:, None]
    solved = np.searchsorted(rows, sub_lat[:, at] + reach, side="right") - np.searchsorted(
        rows, sub_lat[:, at] - reach, side="left"
    )
    scale = window.count / len(epochs)
    pairs = float(candidate.sum()) * scale
    if problem.prune:
        propagated = len(satrecs) * _coarse_epochs(problem) + round(pairs)
    else:
        propagated = len(satrecs) * window.count
    rows_solved = round(float(np.where(candidate, solved, 0).sum()) * scale)
    return WorkEstimate(len(satrecs), len(grid), window.count, propagated, rows_solved, summed)


def _coarse_local(count: int, stride: int) -> IntArray:
    """The coarse epochs of a time chunk of ``count`` epochs, as the engine takes them:
    every ``stride``-th and the last."""
    return np.unique(np.r_[np.arange(0, count, stride), count - 1])


def _coarse_epochs(problem: CoverageProblem) -> int:
    """Coarse epochs the engine propagates every satellite at, over all time chunks."""
    return sum(
        len(_coarse_local(end - first, problem.coarse_stride)) for first, end in problem.chunks()
    )


def _coarse_brackets(problem: CoverageProblem, epochs: IntArray) -> tuple[IntArray, IntArray]:
    """For each of ``epochs``, the coarse epochs before and after it between which the
    engine bounds a satellite's angle from the region (its chunk's segment)."""
    before = np.empty_like(epochs)
    after = np.empty_like(epochs)
    for first, end in problem.chunks():
        inside = (epochs >= first) & (epochs < end)
        coarse = _coarse_local(end - first, problem.coarse_stride)
        local = epochs[inside] - first
        segment = np.searchsorted(coarse, local, side="right") - 1
        if len(coarse) > 1:
            segment = np.minimum(segment, len(coarse) - 2)
        before[inside] = first + coarse[segment]
        after[inside] = first + coarse[np.minimum(segment + 1, len(coarse) - 1)]
    return before, after
