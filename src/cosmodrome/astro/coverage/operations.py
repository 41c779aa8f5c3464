"""Coverage as the façade offers it (:mod:`cosmodrome.api`): one request type, a plan, a run.

The CLI computes at once; the web checks a job against its limits before queueing it. Both
need the region, the constellation and the time window resolved the same way, so
:func:`plan_coverage` does that for both and :func:`run_coverage` computes a plan.

Importing this module is cheap: NumPy, SGP4 and pandas load when a plan is made.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cosmodrome.errors import InputError

if TYPE_CHECKING:
    from cosmodrome.astro.coverage.analysis import Constellation, CoverageResult
    from cosmodrome.astro.coverage.engine import Window
    from cosmodrome.astro.coverage.estimate import WorkEstimate
    from cosmodrome.astro.coverage.regions import Region

#: ``engine`` choices (as :data:`cosmodrome.astro.coverage.analysis.ENGINES`, which loads NumPy).
ENGINES = ("numpy", "dask")


@dataclass(frozen=True)
class WalkerPattern:
    """A Walker-delta constellation of circular orbits, for what-if questions."""

    planes: int = 6
    per_plane: int = 11
    altitude_km: float = 550.0
    inclination_deg: float = 53.0
    phasing: int = 1


@dataclass(frozen=True)
class CoverageRequest:
    """Coverage of a region (``region``: country code, box ``S,W,N,E``, or with
    ``files_allowed`` a GeoJSON file) or of one place (``point``) by a constellation: a
    group of the element store (``group``), an element file (``tle``, optionally narrowed
    to ``group``) or a Walker pattern (``walker``)."""

    start_utc: datetime
    region: str | None = None
    point: str | None = None
    group: str | None = None
    tle: Path | None = None
    walker: WalkerPattern | None = None
    duration_s: float = 86400.0
    step_s: float = 30.0
    mask_deg: float = 25.0
    resolution_deg: float = 0.5
    min_sats: int = 1
    engine: str = "numpy"
    scheduler: str | None = None
    max_age_days: float = 7.0
    #: The web never reads a file on the server: a region there is a country or a box.
    files_allowed: bool = True


@dataclass(frozen=True)
class CoveragePlan:
    """A request with its region, constellation and time window resolved."""

    request: CoverageRequest
    region: Region
    constellation: Constellation
    window: Window

    @property
    def is_point(self) -> bool:
        return self.request.point is not None

    def cells(self) -> int:
        """Grid cells of the region at the request's resolution (builds the grid)."""
        return len(self.region.grid(self.request.resolution_deg))


def check_request(request: CoverageRequest) -> None:
    """Refuse a request that names too much or too little, before anything is loaded."""
    if request.engine not in ENGINES:
        raise InputError(f"unknown engine {request.engine!r}; choose one of {', '.join(ENGINES)}")
    if request.scheduler is not None and request.engine != "dask":
        raise InputError("a Dask scheduler needs the dask engine").with_hints(
            cli="(the --scheduler option needs --engine dask)"
        )
    if (request.region is None) == (request.point is None):
        raise InputError(
            "give exactly one of a region (country, box or GeoJSON) or a point"
        ).with_hints(cli="(--region or --point)")
    if request.group is None and request.tle is None and request.walker is None:
        raise InputError("give a group of the element store, an element file or a Walker pattern")


def region_of(request: CoverageRequest) -> Region:
    """The request's region: a place, a country, a box, or (where allowed) a GeoJSON file."""
    from cosmodrome.astro.coverage.regions import bounding_box, country_region, parse_region

    if request.point is not None:
        from cosmodrome.astro.coverage.regions import point_region
        from cosmodrome.astro.gazetteer import resolve_location

        place = resolve_location(request.point)
        return point_region(place.lat_deg, place.lon_deg, place.name, place.height_m)
    text = (request.region or "").strip()
    if request.files_allowed:
        return parse_region(text)
    return bounding_box(text) if text.count(",") == 3 else country_region(text, "50m")


def window_of(request: CoverageRequest) -> Window:
    """The time steps of the window (the end excluded); checks step and duration."""
    from cosmodrome.astro.coverage.engine import Window

    return Window.from_duration(request.start_utc, request.duration_s, request.step_s)


def constellation_of(request: CoverageRequest, home: Path | None = None) -> Constellation:
    """The satellites: from the element file, the store's group, or the Walker pattern."""
    from cosmodrome.astro.coverage.analysis import walker_constellation
    from cosmodrome.astro.coverage.sources import constellation_from_file, constellation_from_store
    from cosmodrome.astro.store import elements_path
    from cosmodrome.timeutil import require_utc

    start = require_utc(request.start_utc)
    if request.tle is not None:
        return constellation_from_file(request.tle, request.group, start)
    group = (request.group or "").strip()
    if group:
        return constellation_from_store(group, start, elements_path(home))
    walker = request.walker or WalkerPattern()
    return walker_constellation(
        planes=walker.planes,
        per_plane=walker.per_plane,
        altitude_km=walker.altitude_km,
        inclination_deg=walker.inclination_deg,
        epoch_utc=start,
        phasing=walker.phasing,
    )


def plan_coverage(
    request: CoverageRequest,
    home: Path | None = None,
    *,
    check_region: Callable[[Region], None] | None = None,
) -> CoveragePlan:
    """Resolve the request: window first (cheap checks), then region, then satellites.
    ``check_region`` may refuse the region before the satellites are read (the web's
    bounding-box limit)."""
    check_request(request)
    window = window_of(request)
    region = region_of(request)
    if check_region is not None:
        check_region(region)
    return CoveragePlan(request, region, constellation_of(request, home), window)


def estimate_coverage(plan: CoveragePlan) -> WorkEstimate:
    """The elevation tests the plan's job would evaluate after the engine's pruning
    (:mod:`cosmodrome.astro.coverage.estimate`): what a server limits, not the satellites."""
    from cosmodrome.astro.coverage.estimate import estimate_work

    request = plan.request
    return estimate_work(
        plan.constellation.satrecs,
        plan.region,
        resolution_deg=request.resolution_deg,
        start_utc=request.start_utc,
        duration_s=request.duration_s,
        step_s=request.step_s,
        mask_deg=request.mask_deg,
    )


def run_coverage(
    plan: CoveragePlan, progress: Callable[[int], None] | None = None
) -> CoverageResult:
    """Compute a plan. Stale element sets are reported in ``result.notes``, not as
    warnings; ``progress`` is called with the number of time steps done."""
    from cosmodrome.astro.coverage.analysis import compute_coverage
    from cosmodrome.astro.coverage.engine import StaleElementsWarning

    request = plan.request
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)  # also in result.notes
        return compute_coverage(
            plan.constellation,
            plan.region,
            resolution_deg=request.resolution_deg,
            start_utc=request.start_utc,
            duration_s=request.duration_s,
            step_s=request.step_s,
            mask_deg=request.mask_deg,
            min_sats=request.min_sats,
            engine=request.engine,
            scheduler=request.scheduler,
            max_age_days=request.max_age_days,
            progress=progress,
            keep_counts=plan.is_point,
        )
