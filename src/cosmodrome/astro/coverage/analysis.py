"""Coverage of a region by a constellation: the entry points the CLI and the API use.

>>> from datetime import UTC, datetime
>>> from cosmodrome.astro.coverage.regions import bounding_box
>>> sats = walker_constellation(planes=6, per_plane=8, altitude_km=550, inclination_deg=53,
...                            epoch_utc=datetime(2025, 10, 3, tzinfo=UTC))
>>> result = compute_coverage(sats, bounding_box("40,60,44,64"), resolution_deg=2.0,
...                           start_utc=datetime(2025, 10, 3, tzinfo=UTC), duration_s=600,
...                           step_s=60, mask_deg=10)
>>> result.cells.columns[:3].tolist(), len(result.cells)
(['lat_deg', 'lon_deg', 'area_km2'], 4)
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sgp4.api import WGS72, Satrec

from cosmodrome.astro.coverage.engine import (
    ChunkCounts,
    CountArray,
    CoverageProblem,
    ElementParams,
    StaleElementsWarning,
    Window,
    describe_failures,
    screen_failures,
    stale_elements,
)
from cosmodrome.astro.coverage.regions import Region
from cosmodrome.astro.coverage.stats import StatsAccumulator
from cosmodrome.errors import InputError
from cosmodrome.timeutil import require_utc

ENGINES = ("numpy", "dask")
_J2000_UTC_JD = 2451545.0


@dataclass(frozen=True)
class Constellation:
    """Satellites to cover with: their names and SGP4 states."""

    names: tuple[str, ...]
    satrecs: tuple[Satrec, ...]
    source: str = "elements"

    def __len__(self) -> int:
        return len(self.satrecs)


@dataclass
class CoverageResult:
    """Per-cell statistics (``cells``), the region summary, and what went into them."""

    region: Region
    cells: pd.DataFrame
    summary: dict[str, Any]
    window: Window
    mask_deg: float
    min_sats: int
    resolution_deg: float
    satellites: int
    skipped: dict[str, int]
    epoch_range_utc: tuple[datetime, datetime] | None
    notes: list[str] = field(default_factory=list)
    nominal_sat_cell_epochs: int = 0
    evaluated_sat_row_epochs: int = 0
    propagated_sat_epochs: int = 0
    elapsed_s: float = 0.0
    source: str = "elements"
    counts: CountArray | None = None  # (cells, epochs), with keep_counts=True only


@dataclass
class SeriesCollector:
    """Keeps every count: ``(cells, epochs)``; for single points and tests."""

    parts: list[CountArray] = field(default_factory=list)

    def add(self, counts: CountArray) -> None:
        self.parts.append(counts.copy())

    def matrix(self) -> CountArray:
        return np.concatenate(self.parts, axis=1)


class _Both:
    def __init__(self, *sinks: Any) -> None:
        self.sinks = sinks

    def add(self, counts: CountArray) -> None:
        for sink in self.sinks:
            sink.add(counts)


def compute_coverage(
    satellites: Constellation | Sequence[Satrec],
    region: Region,
    *,
    resolution_deg: float,
    start_utc: datetime,
    duration_s: float,
    step_s: float,
    mask_deg: float,
    min_sats: int = 1,
    engine: str = "numpy",
    scheduler: str | None = None,
    dask_workers: int = 2,
    max_age_days: float = 7.0,
    progress: Callable[[int], None] | None = None,
    keep_counts: bool = False,
    **tuning: Any,
) -> CoverageResult:
    """Coverage statistics of ``region`` by ``satellites`` over a window of epochs.

    ``start_utc`` (timezone-aware) plus ``duration_s`` seconds, every ``step_s`` seconds;
    ``mask_deg`` is the terminal's minimum elevation (0 to 90 degrees); ``min_sats`` the
    number of satellites needed for service (the ``frac_ge_n`` column and outages).
    ``engine`` is ``numpy`` (this process) or ``dask`` (``scheduler`` address, or a local
    cluster of ``dask_workers`` single-threaded worker processes). ``progress`` is called
    with the number of epochs done after each time chunk. Element sets more than ``max_age_days`` from the window raise a
    :class:`~cosmodrome.astro.coverage.engine.StaleElementsWarning` with their age.
    With ``keep_counts`` the full count matrix is kept as ``result.counts``.
    """
    started = time.perf_counter()
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if not (math.isfinite(mask_deg) and 0.0 <= mask_deg <= 90.0):
        raise InputError(f"elevation mask must be between 0 and 90 degrees, got {mask_deg}")
    if min_sats < 1:
        raise InputError(
            f"min sats (satellites needed for service) must be at least 1, got {min_sats}"
        )
    window = Window.from_duration(require_utc(start_utc), duration_s, step_s)
    grid = region.grid(resolution_deg)
    constellation = _as_constellation(satellites)
    if len(constellation) == 0:
        raise InputError("no satellites to compute coverage with")
    params = [ElementParams.from_satrec(s) for s in constellation.satrecs]

    notes: list[str] = []
    n_stale, worst = stale_elements(params, window, max_age_days)
    if n_stale:
        message = (
            f"{n_stale} of {len(params)} element sets are more than {max_age_days:g} days from "
            f"the requested window (oldest {worst:.1f} days); SGP4 errors grow with age"
        )
        notes.append(message)
        warnings.warn(message, StaleElementsWarning, stacklevel=2)

    screened = screen_failures(params, window)
    usable = [p for i, p in enumerate(params) if i not in screened]
    problem = CoverageProblem(usable, grid, window, mask_deg, **tuning)
    accumulator = StatsAccumulator(len(grid), min_sats)
    collector = SeriesCollector() if keep_counts else None
    sink: Any = _Both(accumulator, collector) if collector is not None else accumulator
    if not usable:
        summary_chunk = ChunkCounts(0, np.zeros((0, 0), dtype=np.uint16))
        for first, end in problem.chunks():
            sink.add(np.zeros((len(grid), end - first), dtype=np.uint16))
    elif engine == "dask":
        from cosmodrome.astro.coverage.dask_engine import run_dask

        summary_chunk = run_dask(
            problem, sink, scheduler=scheduler, n_workers=dask_workers, progress=progress
        )
    else:
        summary_chunk = _run_numpy(problem, sink, progress)

    failures = dict(screened)
    usable_index = [i for i in range(len(params)) if i not in screened]
    for sat, code in summary_chunk.failures.items():
        failures.setdefault(usable_index[sat], code)
    skipped = describe_failures(failures)
    if skipped:
        notes.append("skipped or cut short by SGP4: " + _tally_text(skipped))

    cells = _cell_frame(grid.lat_deg, grid.lon_deg, grid.area_km2, accumulator, window.step_s)
    epochs_jd = np.array([p.epoch_jd for p in params])
    result = CoverageResult(
        region=region,
        cells=cells,
        summary=region_summary(cells, accumulator, window, min_sats),
        window=window,
        mask_deg=float(mask_deg),
        min_sats=int(min_sats),
        resolution_deg=float(resolution_deg),
        satellites=len(params),
        skipped=skipped,
        epoch_range_utc=(_jd_to_utc(float(epochs_jd.min())), _jd_to_utc(float(epochs_jd.max()))),
        notes=notes,
        nominal_sat_cell_epochs=len(params) * len(grid) * window.count,
        evaluated_sat_row_epochs=summary_chunk.evaluated_rows,
        propagated_sat_epochs=summary_chunk.propagated,
        source=constellation.source,
    )
    if collector is not None:
        result.counts = collector.matrix()
    result.elapsed_s = time.perf_counter() - started
    return result


def point_series(result: CoverageResult) -> pd.DataFrame:
    """The time series of a one-cell result computed with ``keep_counts=True``.

    Columns: ``time_utc``, ``visible`` (satellites at or above the mask), ``service``
    (at least ``min_sats`` in view).
    """
    counts = result.counts
    if counts is None:
        raise InputError("the result holds no counts; compute it with keep_counts=True")
    visible = counts[0].astype(np.int64)
    return pd.DataFrame(
        {
            "time_utc": pd.to_datetime(result.window.times_utc(), utc=True),
            "visible": visible,
            "service": visible >= result.min_sats,
        }
    )


def region_summary(
    cells: pd.DataFrame, acc: StatsAccumulator, window: Window, min_sats: int
) -> dict[str, Any]:
    """Area-weighted statistics of the whole region (weights: the cells' areas)."""
    weights = cells["area_km2"].to_numpy()
    if weights.sum() <= 0:
        weights = np.ones(len(cells))

    def wmean(column: str) -> float:
        return float(np.average(cells[column].to_numpy(dtype=float), weights=weights))

    return {
        "cells": len(cells),
        "area_km2": float(cells["area_km2"].sum()),
        "epochs": window.count,
        "mean_visible": wmean("mean_visible"),
        "min_visible": int(cells["min_visible"].min()),
        "mean_of_min_visible": wmean("min_visible"),
        "frac_ge1": wmean("frac_ge1"),
        f"frac_ge{min_sats}": wmean("frac_ge_n"),
        "area_frac_always_ge1": float(weights[acc.minimum >= 1].sum() / weights.sum()),
        "outages_per_cell": wmean("outages"),
        "longest_outage_s": float(cells["longest_outage_s"].max()),
        "mean_longest_outage_s": wmean("longest_outage_s"),
    }


def walker_constellation(
    *,
    planes: int,
    per_plane: int,
    altitude_km: float,
    inclination_deg: float,
    epoch_utc: datetime,
    phasing: int = 1,
    first_satnum: int = 90000,
) -> Constellation:
    """A Walker-delta constellation of circular orbits, built with ``Satrec.sgp4init``.

    For examples and tests: real element sets come from the element store or a TLE file.
    """
    epoch = require_utc(epoch_utc)
    jd = 2440587.5 + epoch.timestamp() / 86400.0
    n_rad_min = math.sqrt(398600.8 / (6378.135 + altitude_km) ** 3) * 60.0
    total = planes * per_plane
    satrecs: list[Satrec] = []
    names: list[str] = []
    for p in range(planes):
        for k in range(per_plane):
            sat = Satrec()
            sat.sgp4init(
                WGS72,
                "i",
                first_satnum + len(satrecs),
                jd - 2433281.5,
                0.0,
                0.0,
                0.0,
                1e-4,
                0.0,
                math.radians(inclination_deg),
                2 * math.pi * (k / per_plane + phasing * p / total),
                n_rad_min,
                2 * math.pi * p / planes,
            )
            satrecs.append(sat)
            names.append(f"WALKER-{p}-{k}")
    return Constellation(tuple(names), tuple(satrecs), source="Walker constellation (synthetic)")


def _run_numpy(
    problem: CoverageProblem, sink: Any, progress: Callable[[int], None] | None
) -> ChunkCounts:
    summary = ChunkCounts(0, np.zeros((0, 0), dtype=np.uint16))
    for first, end in problem.chunks():
        chunk = problem.count_chunk(first, end)
        sink.add(chunk.counts)
        for sat, code in chunk.failures.items():
            summary.failures.setdefault(sat, code)
        summary.evaluated_rows += chunk.evaluated_rows
        summary.propagated += chunk.propagated
        if progress is not None:
            progress(end - first)
    return summary


def _as_constellation(satellites: Constellation | Sequence[Satrec]) -> Constellation:
    if isinstance(satellites, Constellation):
        return satellites
    satrecs = tuple(satellites)
    return Constellation(tuple(str(s.satnum) for s in satrecs), satrecs)


def _cell_frame(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    area: npt.NDArray[np.float64],
    acc: StatsAccumulator,
    step_s: float,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lat_deg": lat,
            "lon_deg": lon,
            "area_km2": area,
            "mean_visible": acc.mean(),
            "min_visible": acc.minimum,
            "max_visible": acc.maximum,
            "frac_ge1": acc.frac_at_least_1(),
            "frac_ge_n": acc.frac_at_least_n(),
            "outages": acc.outages,
            "longest_outage_s": acc.longest_run * step_s,
        }
    )


def _tally_text(tally: dict[str, int]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(tally.items()))


def _jd_to_utc(jd: float) -> datetime:
    from datetime import UTC

    return datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=jd - _J2000_UTC_JD)
