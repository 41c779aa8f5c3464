"""Coverage benchmark: Starlink over the world and over Kazakhstan, 24 h at 30 s, mask 25 deg.

The ~8,400 Starlink element sets of the frozen CelesTrak ``active`` file (2025-10-03), at
2,880 epochs (24 h every 30 s), cover:

1. **the world job**: every 1 degree cell between 70 S and 70 N (50,400 cells, 1.2e12
   satellite-cell-epochs), on the NumPy engine in this process, then on the Dask engine
   with a ``LocalCluster`` of 1 and of 2 worker processes (the ratio is printed);
2. **Kazakhstan**: its ~1,300 cells of 0.5 degree (3.2e10 satellite-cell-epochs).

In the same run it measures two baselines:

(a) raw SGP4: ``SatrecArray.sgp4`` of every satellite at every epoch (positions only, in time
    chunks so memory stays small) - the physical floor of the world job, which needs every
    satellite at every epoch;
(b) Skyfield, one satellite and one place at a time, ``(sat - topos).at(t).altaz()`` over all
    epochs, on a subsample of satellites and cells - the straightforward way.

Throughput is satellite-cell-epochs per second, counting every (satellite, cell, epoch) the
answer covers. Peak memory is the process's maximum resident set size right after the world
job on the NumPy engine, which runs first (``resource.getrusage``; the Dask workers are
separate processes). Targets (issue 25): the world job < 60 s and < 2 GiB on the 2-core
machine, 2 Dask workers at least 1.6x one; Kazakhstan at least 50x Skyfield's throughput.

Run: ``python -m benchmarks.bench_coverage`` (``--quick`` for a 2-hour window,
``--no-dask`` to skip the Dask runs).
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sgp4.api import SatrecArray

from benchmarks.common import SHARED_DATA
from cosmodrome.astro.coverage import frames
from cosmodrome.astro.coverage.analysis import Constellation, CoverageResult, compute_coverage
from cosmodrome.astro.coverage.regions import Region, bounding_box, country_region
from cosmodrome.astro.coverage.sources import constellation_from_file

ACTIVE = SHARED_DATA / "celestrak" / "active-2025-10-03.tle"
START = datetime(2025, 10, 3, tzinfo=UTC)
STEP_S = 30.0
MASK_DEG = 25.0
WORLD = "-70,-180,70,180"
WORLD_RESOLUTION_DEG = 1.0
KAZAKHSTAN_RESOLUTION_DEG = 0.5
SKYFIELD_SATS = 12
SKYFIELD_CELLS = 6


def peak_rss_mib() -> float:
    """Largest resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed_coverage(
    constellation: Constellation,
    region: Region,
    resolution_deg: float,
    duration_s: float,
    **options: Any,
) -> tuple[CoverageResult, float, float]:
    """The coverage result, its wall seconds and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # element sets a few days from the window
        result = compute_coverage(
            constellation,
            region,
            resolution_deg=resolution_deg,
            start_utc=START,
            duration_s=duration_s,
            step_s=STEP_S,
            mask_deg=MASK_DEG,
            **options,
        )
    return result, time.perf_counter() - wall, time.process_time() - cpu


def raw_sgp4_s(constellation: Constellation, n_epochs: int) -> float:
    """Seconds to propagate every satellite at every epoch with SatrecArray, nothing else."""
    whole, fraction = frames.julian_dates(START, STEP_S, n_epochs)
    array = SatrecArray(list(constellation.satrecs))
    started = time.perf_counter()
    for lo in range(0, n_epochs, 120):
        array.sgp4(whole[lo : lo + 120], fraction[lo : lo + 120])
    return time.perf_counter() - started


def skyfield_rate(constellation: Constellation, result: CoverageResult) -> tuple[float, float]:
    """Skyfield's seconds and sat-cell-epochs per second on a subsample of ``result``'s cells."""
    from skyfield.api import EarthSatellite, load, wgs84

    n_epochs = result.window.count
    ts = load.timescale(builtin=True)
    t = ts.utc(2025, 10, 3, 0, 0, np.arange(n_epochs) * STEP_S)
    rng = np.random.default_rng(6)
    sat_pick = rng.choice(len(constellation), SKYFIELD_SATS, replace=False)
    cell_pick = rng.choice(len(result.cells), SKYFIELD_CELLS, replace=False)
    started = time.perf_counter()
    for s in sat_pick:
        sat = EarthSatellite.from_satrec(constellation.satrecs[s], ts)
        for c in cell_pick:
            topos = wgs84.latlon(result.cells.lat_deg[c], result.cells.lon_deg[c])
            (sat - topos).at(t).altaz()
    seconds = time.perf_counter() - started
    return seconds, SKYFIELD_SATS * SKYFIELD_CELLS * n_epochs / seconds


def describe(result: CoverageResult) -> str:
    s = result.summary
    return (
        f"mean {s['mean_visible']:.2f} in view, min {s['min_visible']}, "
        f"fraction with >=1: {s['frac_ge1']:.4f}"
    )


def main() -> None:
    if not ACTIVE.is_file():
        print(f"skipped: frozen mirror not found at {ACTIVE}")
        return
    hours = 2.0 if "--quick" in sys.argv else 24.0
    duration_s = hours * 3600.0
    load_start = time.perf_counter()
    constellation = constellation_from_file(ACTIVE, "starlink", START)
    world, kazakhstan = bounding_box(WORLD), country_region("KZ")
    load_s = time.perf_counter() - load_start

    world_result, world_s, world_cpu_s = timed_coverage(
        constellation, world, WORLD_RESOLUTION_DEG, duration_s
    )
    world_peak_mib = peak_rss_mib()
    n_sats, n_epochs = world_result.satellites, world_result.window.count
    sgp4_s = raw_sgp4_s(constellation, n_epochs)

    print(
        f"\nWorld: {n_sats:,} Starlink x {len(world_result.cells):,} cells "
        f"(70 S to 70 N at {WORLD_RESOLUTION_DEG:g} deg) x {n_epochs:,} epochs "
        f"({hours:g} h at {STEP_S:g} s, mask {MASK_DEG:g} deg) = "
        f"{world_result.nominal_sat_cell_epochs:.3e} sat-cell-epochs"
    )
    print(f"  read elements and outlines (once)              {load_s:8.2f} s")
    print(
        f"  numpy engine                                  {world_s:8.2f} s wall, "
        f"{world_cpu_s:.2f} s CPU; peak memory {world_peak_mib:.0f} MiB"
    )
    print(
        f"  (a) raw SGP4 SatrecArray, all sats x epochs   {sgp4_s:8.2f} s "
        f"({n_sats * n_epochs / sgp4_s:.3e} sat-epochs/s); the world job takes "
        f"{world_s / sgp4_s:.2f}x the time of propagating alone"
    )
    print(
        f"  latitude rows solved                          "
        f"{world_result.evaluated_sat_row_epochs:8.3e} "
        f"({world_result.evaluated_sat_row_epochs / (n_sats * n_epochs):.1f} per sat-epoch)"
    )
    print(f"  world: {describe(world_result)}")
    targets = [
        ("world job < 60 s", world_s < 60.0),
        ("peak memory < 2 GiB", world_peak_mib < 2048.0),
    ]

    if "--no-dask" not in sys.argv:
        dask_s = {}
        for workers in (1, 2):
            spread, seconds, _ = timed_coverage(
                constellation,
                world,
                WORLD_RESOLUTION_DEG,
                duration_s,
                engine="dask",
                dask_workers=workers,
            )
            dask_s[workers] = seconds
            same = spread.summary == world_result.summary
            print(
                f"  dask engine, LocalCluster of {workers} worker(s)       {seconds:8.2f} s wall "
                f"(cluster start included); same summary as numpy: {same}"
            )
        ratio = dask_s[1] / dask_s[2]
        print(f"  dask: 2 workers are {ratio:.2f}x as fast as 1 worker")
        targets.append(("2 Dask workers >= 1.6x one", ratio >= 1.6))

    kz_result, kz_s, kz_cpu_s = timed_coverage(
        constellation, kazakhstan, KAZAKHSTAN_RESOLUTION_DEG, duration_s
    )
    nominal = kz_result.nominal_sat_cell_epochs
    coverage_rate = nominal / kz_result.elapsed_s
    sky_s, sky_rate = skyfield_rate(constellation, kz_result)
    print(
        f"\nKazakhstan: {n_sats:,} Starlink x {len(kz_result.cells):,} cells of "
        f"{KAZAKHSTAN_RESOLUTION_DEG:g} deg x {n_epochs:,} epochs = {nominal:.3e} sat-cell-epochs"
    )
    print(
        f"  numpy engine                                  {kz_s:8.2f} s wall, {kz_cpu_s:.2f} s CPU"
    )
    print(f"  coverage throughput                           {coverage_rate:8.3e} sat-cell-epochs/s")
    print(
        f"  (a) raw SGP4 of all sats x epochs (as above)  {sgp4_s:8.2f} s; Kazakhstan takes "
        f"{kz_s / sgp4_s:.2f}x (pruning propagates only the satellites near it)"
    )
    print(
        f"  (b) Skyfield per satellite, {SKYFIELD_SATS} sats x {SKYFIELD_CELLS} cells  "
        f"{sky_s:8.2f} s ({sky_rate:.3e} sat-cell-epochs/s); coverage is "
        f"{coverage_rate / sky_rate:,.0f}x faster per sat-cell-epoch"
    )
    print(f"  Kazakhstan: {describe(kz_result)}")
    targets.append((">= 50x Skyfield throughput", coverage_rate / sky_rate >= 50.0))
    print("\ntargets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets))


if __name__ == "__main__":
    main()
