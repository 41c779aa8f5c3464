"""``/api/coverage/jobs``: coverage of a country (or box) by a constellation, run as a job.

Coverage over a country takes seconds to minutes, so ``POST /api/coverage/jobs`` checks the
request against the limits, queues it and answers ``202`` with the job; ``GET
/api/coverage/jobs/{id}`` shows its progress and, when done, the per-cell statistics and the
area-weighted summary. Backed by :mod:`cosmodrome.astro.coverage.analysis`.

The constellation is a group of the server's element store (``group``: starlink, oneweb,
stations, each satellite with its set nearest the start) or a Walker-delta pattern given by
its parameters (planes, satellites per plane, altitude, inclination).
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from cosmodrome.astro.coverage.analysis import (
    Constellation,
    compute_coverage,
    walker_constellation,
)
from cosmodrome.astro.coverage.engine import StaleElementsWarning, Window
from cosmodrome.astro.coverage.estimate import WorkEstimate, estimate_work
from cosmodrome.astro.coverage.regions import Region, bounding_box, country_region
from cosmodrome.astro.coverage.sources import constellation_from_store
from cosmodrome.astro.store import elements_path
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import FIRST_YEAR, LAST_YEAR, isoformat_z, require_utc
from cosmodrome.web.errors import ERROR_RESPONSES, JobLimitError
from cosmodrome.web.jobs import JobManager, JobProgress

router = APIRouter(tags=["coverage"])

MAX_CELLS = 4000
MAX_EPOCHS = 1500
#: Elevation tests (satellite x cell x epoch pairs left after pruning) a job may evaluate.
#: The engine evaluates about 6 million a second on one core, propagation included (Starlink
#: over Russia at 1 deg, 60 steps: 7.3 million in 1.1 s), so this is about a minute, inside
#: the jobs' 120 s time limit.
MAX_WORK = 400_000_000
NO_STORE = {"Cache-Control": "no-store"}


class WalkerSpec(BaseModel):
    planes: int = Field(default=6, ge=1, le=100, description="Orbital planes.")
    per_plane: int = Field(default=11, ge=1, le=100, description="Satellites per plane.")
    altitude_km: float = Field(
        default=550.0, ge=160, le=40000, description="Circular altitude, km."
    )
    inclination_deg: float = Field(default=53.0, ge=0, le=180, description="Inclination, degrees.")
    phasing: int = Field(default=1, ge=0, le=100, description="Walker phasing factor F.")


class CoverageRequest(BaseModel):
    region: str = Field(
        default="KZ",
        min_length=1,
        max_length=60,
        description="ISO country code (KZ, FR) or a box 'S,W,N,E' in degrees.",
    )
    resolution_deg: float = Field(
        default=1.0, ge=0.1, le=10, description="Grid cell size, degrees."
    )
    start_utc: datetime = Field(description="Start of the window, ISO 8601 with offset (Z).")
    duration_s: float = Field(
        default=3600, gt=0, le=86400, description="Window length, s (at most one day)."
    )
    step_s: float = Field(default=60, ge=1, le=3600, description="Time step, s.")
    mask_deg: float = Field(default=25, ge=0, le=90, description="Minimum elevation, degrees.")
    min_sats: int = Field(default=1, ge=1, le=50, description="Satellites needed for service.")
    constellation: WalkerSpec = Field(default_factory=WalkerSpec)
    group: str | None = Field(
        default=None,
        max_length=60,
        description="A group of the element store (starlink, oneweb, stations: satellites "
        "whose names start so), each with its set nearest start_utc; replaces the Walker "
        "constellation.",
    )

    @field_validator("start_utc")
    @classmethod
    def start_has_an_offset(cls, value: datetime) -> datetime:
        """A time without an offset is refused at submission (422), not when the job runs."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "start_utc needs a UTC offset, e.g. 2025-10-03T00:00:00Z "
                "(a time without one could be any time zone)"
            )
        return value


def region_of(text: str) -> Region:
    """A country code or a bounding box; never a file on the server."""
    stripped = text.strip()
    return bounding_box(stripped) if stripped.count(",") == 3 else country_region(stripped, "50m")


def epochs_of(request: CoverageRequest) -> int:
    """Time steps of the window, counted as the CLI counts them (the end excluded)."""
    return Window.from_duration(request.start_utc, request.duration_s, request.step_s).count


def check_limits(request: CoverageRequest, cells: int, work: WorkEstimate) -> int:
    """Refuse a job by what it would cost: grid cells and time steps (memory: the per-cell
    statistics and each chunk's counts grow with them) and the elevation tests the engine
    would evaluate after pruning (time). A constellation's size is no limit of its own: the
    engine skips the satellites that are nowhere near the region."""
    epochs = epochs_of(request)
    problems = []
    if cells > MAX_CELLS:
        problems.append(
            f"the grid has {cells:,} cells (limit {MAX_CELLS:,}): use a coarser resolution_deg"
        )
    if epochs > MAX_EPOCHS:
        problems.append(
            f"the window has {epochs:,} time steps (limit {MAX_EPOCHS:,}): shorten duration_s or raise step_s"
        )
    if not problems and work.sat_cell_epochs > MAX_WORK:
        problems.append(
            f"it would evaluate about {millions(work.sat_cell_epochs)} satellite-cell-steps "
            f"after pruning ({work.satellites:,} satellites, {cells:,} cells, {epochs:,} steps; "
            f"limit {millions(MAX_WORK)}): use a coarser grid, a shorter window or a "
            "larger step"
        )
    if problems:
        raise JobLimitError("coverage job past its limits: " + "; ".join(problems))
    return epochs


def millions(count: int) -> str:
    """A count of elevation tests for a person: ``"2,000 million"``."""
    return f"{count / 1e6:,.0f} million" if count >= 10_000_000 else f"{count:,}"


def walker_of(request: CoverageRequest) -> Constellation:
    c = request.constellation
    return walker_constellation(
        planes=c.planes,
        per_plane=c.per_plane,
        altitude_km=c.altitude_km,
        inclination_deg=c.inclination_deg,
        epoch_utc=require_utc(request.start_utc),
        phasing=c.phasing,
    )


def coverage_job(request: CoverageRequest, region: Region, sats: Constellation) -> Any:
    def work(progress: JobProgress) -> dict[str, Any]:
        start = require_utc(request.start_utc)
        epochs = epochs_of(request)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            progress(done / epochs, f"{done:,} of {epochs:,} time steps")

        progress(0.0, "propagating")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StaleElementsWarning)  # also in result.notes
            result = compute_coverage(
                sats,
                region,
                resolution_deg=request.resolution_deg,
                start_utc=start,
                duration_s=request.duration_s,
                step_s=request.step_s,
                mask_deg=request.mask_deg,
                min_sats=request.min_sats,
                progress=advance,
            )
        return {
            "region": region.name,
            "summary": result.summary,
            "cells": json_records(result.cells),
            "resolution_deg": result.resolution_deg,
            "satellites": result.satellites,
            "group": request.group.strip() if request.group and request.group.strip() else None,
            "element_epochs_utc": [isoformat_z(t) for t in result.epoch_range_utc or ()],
            "mask_deg": result.mask_deg,
            "evaluated_sat_cell_epochs": result.evaluated_sat_cell_epochs,
            "notes": result.notes,
            "elapsed_s": round(result.elapsed_s, 3),
            "source": result.source,
        }

    return work


def jobs_of(request: Request) -> JobManager:
    manager: JobManager = request.app.state.jobs
    return manager


@router.post(
    "/coverage/jobs",
    status_code=202,
    responses={**ERROR_RESPONSES, 202: {"description": "The job, queued."}},
    summary="Start a coverage computation",
)
def start_coverage(body: CoverageRequest, request: Request) -> JSONResponse:
    """Check the limits (grid cells, time steps, satellites), queue the job, answer its id.

    Poll ``Location`` (``GET /api/coverage/jobs/{id}``) for progress and the result.
    """
    start = require_utc(body.start_utc)
    if not FIRST_YEAR <= start.year <= LAST_YEAR:  # as every other date parameter
        raise InputError(f"start_utc: {start.year} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    region = region_of(body.region)
    south, west, north, east = region.bounds
    box_cells = ((north - south) / body.resolution_deg + 1) * (
        (east - west) / body.resolution_deg + 1
    )
    if box_cells > 50 * MAX_CELLS:  # refuse before building a huge grid
        raise JobLimitError(
            f"the region's bounding box holds about {box_cells:,.0f} cells at "
            f"{body.resolution_deg:g} deg (limit {MAX_CELLS:,}): use a coarser resolution_deg"
        )
    cells = len(region.grid(body.resolution_deg))
    if body.group and body.group.strip():
        home: FilePath | None = request.app.state.home
        sats = constellation_from_store(
            body.group.strip(), require_utc(body.start_utc), elements_path(home)
        )
    else:
        sats = walker_of(body)
    work = estimate_work(
        sats.satrecs,
        region,
        resolution_deg=body.resolution_deg,
        start_utc=require_utc(body.start_utc),
        duration_s=body.duration_s,
        step_s=body.step_s,
        mask_deg=body.mask_deg,
    )
    epochs = check_limits(body, cells, work)
    params = {
        **body.model_dump(mode="json"),
        "cells": cells,
        "epochs": epochs,
        "satellites": len(sats),
        "estimated_sat_cell_epochs": work.sat_cell_epochs,
    }
    client = request.client.host if request.client else ""
    job = jobs_of(request).submit(
        "coverage", params, coverage_job(body, region, sats), client=client
    )
    url = f"/api/coverage/jobs/{job.id}"
    return JSONResponse(job.view(), status_code=202, headers={**NO_STORE, "Location": url})


@router.get(
    "/coverage/jobs/{job_id}",
    responses=ERROR_RESPONSES,
    summary="A coverage job's progress and result",
)
def coverage_status(job_id: Annotated[str, Path(max_length=64)], request: Request) -> JSONResponse:
    """``status`` is queued, running, done or failed; ``progress`` runs from 0 to 1;
    ``result`` holds the cells and summary once done, ``error`` the reason if failed."""
    return JSONResponse(jobs_of(request).get(job_id).view(), headers=NO_STORE)


@router.get("/coverage/limits", summary="Limits of coverage jobs")
def coverage_limits() -> dict[str, Any]:
    return {
        "max_cells": MAX_CELLS,
        "max_epochs": MAX_EPOCHS,
        "max_satellite_cell_epochs": MAX_WORK,
        "max_duration_s": 86400,
    }
