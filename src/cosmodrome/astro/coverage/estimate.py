"""How much work a coverage job will do, estimated before it runs.

A server refuses jobs that would take too long or too much memory, but a constellation's size
says little about that: the engine prunes every (satellite, epoch) pair whose satellite cannot
be above the mask anywhere in the region (:mod:`cosmodrome.astro.coverage.engine`), so 8,000
Starlink satellites over Kazakhstan cost about what 300 would. The work the engine does is
the elevation tests it evaluates, ``evaluated_sat_cell_epochs``: for every epoch, every tile's
cells times the satellites near that tile. :func:`estimate_work` measures that on a sample of
the window's epochs (every satellite propagated at each, the same tile test as the engine) and
scales it to the whole window; the satellites' propagation at the engine's coarse epochs is
counted too, as one cell each.

>>> from datetime import UTC, datetime
>>> from cosmodrome.astro.coverage.analysis import walker_constellation
>>> from cosmodrome.astro.coverage.regions import bounding_box
>>> start = datetime(2025, 10, 3, tzinfo=UTC)
>>> sats = walker_constellation(planes=6, per_plane=11, altitude_km=550.0, inclination_deg=53.0,
...                             epoch_utc=start)
>>> work = estimate_work(sats.satrecs, bounding_box("40,60,44,64"), resolution_deg=1.0,
...                      start_utc=start, duration_s=3600, step_s=60, mask_deg=25)
>>> 0 < work.sat_cell_epochs < work.nominal_sat_cell_epochs
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sgp4.api import Satrec, SatrecArray

from cosmodrome.astro.coverage import frames
from cosmodrome.astro.coverage.engine import CoverageProblem, ElementParams, Window
from cosmodrome.astro.coverage.regions import Region

#: Epochs of the window on which the pruning is measured: enough that a constellation's
#: passes over a region average out, few enough to cost milliseconds.
SAMPLE_EPOCHS = 24


@dataclass(frozen=True)
class WorkEstimate:
    """What a coverage job will evaluate: satellite-cell-epoch elevation tests after pruning
    (``sat_cell_epochs``) out of the ``nominal_sat_cell_epochs`` a brute force would."""

    satellites: int
    cells: int
    epochs: int
    sat_cell_epochs: int
    nominal_sat_cell_epochs: int

    @property
    def kept_fraction(self) -> float:
        """The share of satellite-cell-epochs that survive pruning."""
        return self.sat_cell_epochs / max(1, self.nominal_sat_cell_epochs)


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
    nominal = len(satrecs) * len(grid) * window.count
    if not satrecs:
        return WorkEstimate(0, len(grid), window.count, 0, 0)
    picked = np.unique(np.linspace(0, window.count - 1, min(samples, window.count)).round())
    epochs = picked.astype(np.int64)
    err, r_teme, _ = SatrecArray(list(satrecs)).sgp4(
        problem.jd_whole[epochs], problem.jd_fraction[epochs]
    )
    r_ecef = frames.teme_to_ecef(r_teme, problem.theta_rad[epochs][None, :])
    norms = np.linalg.norm(r_ecef, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        direction = np.nan_to_num(r_ecef / norms)  # (satellites, samples, 3)
    usable = err == 0
    reach = problem.reach_rad[:, None]
    tested = 0
    for tile in problem.tiles:  # the engine's per-tile test, on the sampled positions
        near = direction @ tile.centre >= np.cos(np.minimum(tile.radius_rad + reach, np.pi))
        tested += int((near & usable).sum()) * len(tile.cells)
    per_epoch = tested / len(epochs)
    coarse = len(satrecs) * -(-window.count // problem.coarse_stride)
    work = round(per_epoch * window.count) + coarse
    return WorkEstimate(len(satrecs), len(grid), window.count, work, nominal)
