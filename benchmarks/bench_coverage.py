"""Coverage benchmark: Starlink over Kazakhstan, 0.5 degree grid, 24 h at 30 s, mask 25 deg.

The ~8,400 Starlink element sets of the frozen CelesTrak ``active`` file (2025-10-03) cover
Kazakhstan's ~1,300 cells at 2,880 epochs: about 3.2e10 satellite-cell-epochs. In the same run
it measures two baselines:

(a) raw SGP4: ``SatrecArray.sgp4`` of every satellite at every epoch (positions only, in time
    chunks so memory stays small) — the cost of merely propagating, with no geometry;
(b) Skyfield, one satellite and one place at a time, ``(sat - topos).at(t).altaz()`` over all
    epochs, on a subsample of satellites and cells — the straightforward way.

Throughput is satellite-cell-epochs per second, counting every (satellite, cell, epoch) the
answer covers. Peak memory is the process's maximum resident set size after the coverage run
(``resource.getrusage``). Targets (issue 6): whole job < 60 s and < 2 GiB on the 2-core
machine, and at least 50x Skyfield's throughput.

Run: ``python -m benchmarks.bench_coverage`` (``--quick`` for a 2-hour window).
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from datetime import UTC, datetime

import numpy as np
from sgp4.api import SatrecArray

from benchmarks.common import SHARED_DATA
from cosmodrome.astro.coverage import frames
from cosmodrome.astro.coverage.analysis import compute_coverage
from cosmodrome.astro.coverage.regions import country_region
from cosmodrome.astro.coverage.sources import constellation_from_file

ACTIVE = SHARED_DATA / "celestrak" / "active-2025-10-03.tle"
START = datetime(2025, 10, 3, tzinfo=UTC)
STEP_S = 30.0
MASK_DEG = 25.0
RESOLUTION_DEG = 0.5
SKYFIELD_SATS = 12
SKYFIELD_CELLS = 6


def peak_rss_mib() -> float:
    """Largest resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    if not ACTIVE.is_file():
        print(f"skipped: frozen mirror not found at {ACTIVE}")
        return
    hours = 2.0 if "--quick" in sys.argv else 24.0
    duration_s = hours * 3600.0

    job_start = time.perf_counter()
    cpu_start = time.process_time()
    constellation = constellation_from_file(ACTIVE, "starlink", START)
    region = country_region("KZ")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compute_coverage(
            constellation,
            region,
            resolution_deg=RESOLUTION_DEG,
            start_utc=START,
            duration_s=duration_s,
            step_s=STEP_S,
            mask_deg=MASK_DEG,
        )
    job_s = time.perf_counter() - job_start
    job_cpu_s = time.process_time() - cpu_start
    peak_mib = peak_rss_mib()
    n_sats, n_cells, n_epochs = result.satellites, len(result.cells), result.window.count
    nominal = result.nominal_sat_cell_epochs
    coverage_rate = nominal / result.elapsed_s

    # (a) raw SGP4 propagation of the same satellites and epochs
    whole, fraction = frames.julian_dates(START, STEP_S, n_epochs)
    array = SatrecArray(list(constellation.satrecs))
    sgp4_start = time.perf_counter()
    for lo in range(0, n_epochs, 120):
        array.sgp4(whole[lo : lo + 120], fraction[lo : lo + 120])
    sgp4_s = time.perf_counter() - sgp4_start

    # (b) Skyfield, per satellite and per place, on a subsample
    from skyfield.api import EarthSatellite, load, wgs84

    ts = load.timescale(builtin=True)
    t = ts.utc(2025, 10, 3, 0, 0, np.arange(n_epochs) * STEP_S)
    rng = np.random.default_rng(6)
    sat_pick = rng.choice(n_sats, SKYFIELD_SATS, replace=False)
    cell_pick = rng.choice(n_cells, SKYFIELD_CELLS, replace=False)
    sky_start = time.perf_counter()
    for s in sat_pick:
        sat = EarthSatellite.from_satrec(constellation.satrecs[s], ts)
        for c in cell_pick:
            topos = wgs84.latlon(result.cells.lat_deg[c], result.cells.lon_deg[c])
            (sat - topos).at(t).altaz()
    sky_s = time.perf_counter() - sky_start
    sky_rate = SKYFIELD_SATS * SKYFIELD_CELLS * n_epochs / sky_s

    print(
        f"\nCoverage: {n_sats:,} Starlink x {n_cells:,} cells of Kazakhstan x {n_epochs:,} epochs "
        f"({hours:g} h at {STEP_S:g} s, mask {MASK_DEG:g} deg) = {nominal:.3e} sat-cell-epochs"
    )
    print(
        f"  whole job (read elements, outline, compute)   {job_s:8.2f} s wall, {job_cpu_s:.2f} s CPU"
    )
    print(f"  coverage computation                          {result.elapsed_s:8.2f} s")
    print(f"  peak memory (max RSS of the process)          {peak_mib:8.0f} MiB")
    print(f"  coverage throughput                           {coverage_rate:8.3e} sat-cell-epochs/s")
    print(
        f"  pairs evaluated after pruning                 {result.evaluated_sat_cell_epochs:8.3e}"
        f" ({result.evaluated_sat_cell_epochs / nominal:.1%} of all)"
    )
    print(
        f"  (a) raw SGP4 SatrecArray, all sats x epochs   {sgp4_s:8.2f} s "
        f"({n_sats * n_epochs / sgp4_s:.3e} sat-epochs/s); coverage takes "
        f"{result.elapsed_s / sgp4_s:.2f}x the time of propagating alone"
    )
    print(
        f"  (b) Skyfield per satellite, {SKYFIELD_SATS} sats x {SKYFIELD_CELLS} cells  "
        f"{sky_s:8.2f} s ({sky_rate:.3e} sat-cell-epochs/s); coverage is "
        f"{coverage_rate / sky_rate:,.0f}x faster per sat-cell-epoch"
    )
    print(
        f"  region: mean {result.summary['mean_visible']:.1f} satellites in view, "
        f"min {result.summary['min_visible']}, fraction with >=1: {result.summary['frac_ge1']:.4f}"
    )
    targets = [
        ("whole job < 60 s", job_s < 60.0),
        ("peak memory < 2 GiB", peak_mib < 2048.0),
        (">= 50x Skyfield throughput", coverage_rate / sky_rate >= 50.0),
    ]
    print("  targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets))


if __name__ == "__main__":
    main()
