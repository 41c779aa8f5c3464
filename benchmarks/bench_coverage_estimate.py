"""Coverage work estimate against the work the engine counts, on small jobs.

The web refuses a coverage job by :func:`~cosmodrome.astro.coverage.estimate.estimate_work`
(``max_operations``). For each job below this prints the estimate over the counted work of
each kind: satellite-epochs propagated (``propagated_sat_epochs``), latitude rows solved
(``evaluated_sat_row_epochs``) and the operations in all. Counts, not time: the ratios are
the same on a busy machine. Walker patterns are built in code; the Starlink job reads the
frozen CelesTrak file (skipped when the mirror is absent).

Run: ``python -m benchmarks.bench_coverage_estimate``.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

from benchmarks.common import SHARED_DATA
from cosmodrome.astro.coverage.analysis import compute_coverage, walker_constellation
from cosmodrome.astro.coverage.estimate import PROPAGATION_COST, estimate_work
from cosmodrome.astro.coverage.regions import bounding_box, country_region
from cosmodrome.astro.coverage.sources import constellation_from_file

START = datetime(2025, 10, 3, tzinfo=UTC)
STARLINK = SHARED_DATA / "celestrak" / "starlink-2025-05-24.omm.json"
STARLINK_AT = datetime(2025, 5, 24, 12, tzinfo=UTC)


def jobs() -> list[tuple[str, Any, Any, dict[str, Any]]]:
    """(name, constellation, region, window and grid) of each small job."""
    small = walker_constellation(
        planes=6, per_plane=11, altitude_km=550.0, inclination_deg=53.0, epoch_utc=START
    )
    shell = walker_constellation(
        planes=24, per_plane=22, altitude_km=550.0, inclination_deg=53.0, epoch_utc=START
    )
    polar = walker_constellation(
        planes=12, per_plane=10, altitude_km=1200.0, inclination_deg=87.9, epoch_utc=START
    )
    run = {"start_utc": START, "step_s": 60.0, "mask_deg": 25.0}
    found = [
        ("66 Walker, 4x4 deg box, 1 h", small, bounding_box("40,60,44,64"),
         {**run, "resolution_deg": 1.0, "duration_s": 3600.0}),
        ("66 Walker, 18x38 deg box, 3 h, mask 10", small, bounding_box("38,50,56,88"),
         {**run, "resolution_deg": 3.0, "duration_s": 3 * 3600.0, "mask_deg": 10.0}),
        ("528 Walker, Kazakhstan 1 deg, 2 h", shell, country_region("KZ"),
         {**run, "resolution_deg": 1.0, "duration_s": 2 * 3600.0}),
        ("120 polar, 10x10 deg box 0.5 deg, 6 h", polar, bounding_box("60,10,70,20"),
         {**run, "resolution_deg": 0.5, "duration_s": 6 * 3600.0, "step_s": 120.0,
          "mask_deg": 30.0}),
    ]  # fmt: skip
    if STARLINK.is_file():
        starlink = constellation_from_file(STARLINK, None, STARLINK_AT)
        found.append(
            ("Starlink, Kazakhstan 1 deg, 30 min", starlink, country_region("KZ"),
             {**run, "start_utc": STARLINK_AT, "resolution_deg": 1.0, "duration_s": 1800.0})
        )  # fmt: skip
    return found


def main() -> None:
    print(f"\n  {'job':<40} {'propagated':>10} {'rows':>7} {'operations':>10}")
    print(f"  {'':<40} {'estimate / counted':>29}")
    for name, sats, region, job in jobs():
        estimate = estimate_work(sats.satrecs, region, **job)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # element-set age: beside the point here
            result = compute_coverage(sats, region, **job)
        counted = (
            PROPAGATION_COST * result.propagated_sat_epochs
            + result.evaluated_sat_row_epochs
            + estimate.cells_summed
        )
        print(
            f"  {name:<40} {estimate.propagated / result.propagated_sat_epochs:>10.3f}"
            f" {estimate.rows_solved / result.evaluated_sat_row_epochs:>7.3f}"
            f" {estimate.operations / counted:>10.3f}"
        )


if __name__ == "__main__":
    main()
