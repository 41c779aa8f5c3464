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

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import FIRST_YEAR, LAST_YEAR, isoformat_z, require_utc
from cosmodrome.web.errors import ERROR_RESPONSES, JobLimitError
from cosmodrome.web.jobs import JobManager, JobProgress

router = APIRouter(tags=["coverage"])

MAX_CELLS = 4000
MAX_EPOCHS = 1500
#: Engine operations a job may take after pruning (satellite-epochs propagated, latitude
#: rows solved, lattice cells summed: :mod:`cosmodrome.astro.coverage.estimate`). On two
#: busy cores the engine does 1.4 to 4 million a second (Starlink over the world at 4 deg,
#: 2 h: 9.8 million in 7 s), so a job at the limit ends inside the jobs' 120 s time limit.
MAX_WORK = 150_000_000
NO_STORE = {"Cache-Control": "no-store"}


class WalkerSpec(BaseModel):
    planes: int = Field(default=6, ge=1, le=100, description="Orbital planes.")
    per_plane: int = Field(default=11, ge=1, le=100, description="Satellites per plane.")
    altitude_km: float = Field(
        default=550.0, ge=160, le=40000, description="Circular altitude, km."
    )
    inclination_deg: float = Field(default=53.0, ge=0, le=180, description="Inclination, degrees.")
    phasing: int = Field(
        default=1, ge=0, le=100, strict=True, description="Walker phasing factor F (an integer)."
    )


class CoverageJob(BaseModel):
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


def request_of(body: CoverageJob) -> api.CoverageRequest:
    """The façade's request for a job: a country or a box (never a file on the server), and
    the store's group or else the Walker pattern."""
    c = body.constellation
    group = (body.group or "").strip() or None
    return api.CoverageRequest(
        start_utc=require_utc(body.start_utc),
        region=body.region,
        group=group,
        walker=None
        if group
        else api.WalkerPattern(c.planes, c.per_plane, c.altitude_km, c.inclination_deg, c.phasing),
        duration_s=body.duration_s,
        step_s=body.step_s,
        mask_deg=body.mask_deg,
        resolution_deg=body.resolution_deg,
        min_sats=body.min_sats,
        files_allowed=False,
    )


def check_limits(plan: api.CoveragePlan, cells: int, work: api.WorkEstimate) -> int:
    """Refuse a job by what it would cost: grid cells and time steps (memory: the per-cell
    statistics and each chunk's counts grow with them) and the elevation tests the engine
    would evaluate after pruning (time). A constellation's size is no limit of its own: the
    engine skips the satellites that are nowhere near the region."""
    epochs = plan.window.count
    problems = []
    if cells > MAX_CELLS:
        problems.append(
            f"the grid has {cells:,} cells (limit {MAX_CELLS:,}): use a coarser resolution_deg"
        )
    if epochs > MAX_EPOCHS:
        problems.append(
            f"the window has {epochs:,} time steps (limit {MAX_EPOCHS:,}): shorten duration_s or raise step_s"
        )
    if not problems and work.operations > MAX_WORK:
        problems.append(
            f"it would take about {millions(work.operations)} engine operations after pruning "
            f"({work.satellites:,} satellites, {cells:,} cells, {epochs:,} steps; limit "
            f"{millions(MAX_WORK)}): use a coarser grid, a shorter window or a larger step"
        )
    if problems:
        raise JobLimitError("coverage job past its limits: " + "; ".join(problems))
    return epochs


def millions(count: int) -> str:
    """A count of elevation tests for a person: ``"2,000 million"``."""
    return f"{count / 1e6:,.0f} million" if count >= 10_000_000 else f"{count:,}"


def coverage_job(plan: api.CoveragePlan) -> Any:
    def work(progress: JobProgress) -> dict[str, Any]:
        epochs = plan.window.count
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            progress(done / epochs, f"{done:,} of {epochs:,} time steps")

        progress(0.0, "propagating")
        result = api.run_coverage(plan, advance)
        return {
            "region": plan.region.name,
            "summary": result.summary,
            "cells": json_records(result.cells),
            "resolution_deg": result.resolution_deg,
            "satellites": result.satellites,
            "group": plan.request.group,
            "element_epochs_utc": [isoformat_z(t) for t in result.epoch_range_utc or ()],
            "mask_deg": result.mask_deg,
            "evaluated_sat_row_epochs": result.evaluated_sat_row_epochs,
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
def start_coverage(body: CoverageJob, request: Request) -> JSONResponse:
    """Check the limits (grid cells, time steps, the estimated work after pruning), queue the job, answer its id.

    Poll ``Location`` (``GET /api/coverage/jobs/{id}``) for progress and the result.
    """
    start = require_utc(body.start_utc)
    if not FIRST_YEAR <= start.year <= LAST_YEAR:  # as every other date parameter
        raise InputError(f"start_utc: {start.year} is outside the years {FIRST_YEAR}-{LAST_YEAR}")

    def check_box(region: api.Region) -> None:
        south, west, north, east = region.bounds
        box_cells = ((north - south) / body.resolution_deg + 1) * (
            (east - west) / body.resolution_deg + 1
        )
        if box_cells > 50 * MAX_CELLS:  # refuse before building a huge grid
            raise JobLimitError(
                f"the region's bounding box holds about {box_cells:,.0f} cells at "
                f"{body.resolution_deg:g} deg (limit {MAX_CELLS:,}): use a coarser resolution_deg"
            )

    plan = api.plan_coverage(request_of(body), request.app.state.home, check_region=check_box)
    cells = plan.cells()
    work = api.estimate_coverage(plan)
    epochs = check_limits(plan, cells, work)
    params = {
        **body.model_dump(mode="json"),
        "cells": cells,
        "epochs": epochs,
        "satellites": work.satellites,
        "estimated_operations": work.operations,
    }
    client = request.client.host if request.client else ""
    job = jobs_of(request).submit("coverage", params, coverage_job(plan), client=client)
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
        "max_operations": MAX_WORK,
        "max_duration_s": 86400,
    }
