"""``/api/windows``: launch windows from a spaceport (or pad, or coordinates) into the plane
of a satellite from the element store, or of a plane given by RAAN and inclination.

A thin wrapper of :func:`cosmodrome.api.windows` with a :class:`~cosmodrome.api.WindowsRequest`,
as ``cosmodrome windows`` (see docs/ORBITS.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cosmodrome import api
from cosmodrome.tables import json_records
from cosmodrome.timeutil import isoformat_z
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import DATE_PATTERN, moment_param
from cosmodrome.web.routes.elements import answer, check_not_modified

router = APIRouter(tags=["orbits"])

MAX_DAYS = 31.0


@router.get(
    "/windows", responses=ERROR_RESPONSES, summary="Launch windows into a target's orbital plane"
)
def windows(
    request: Request,
    site: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Spaceport (Baikonur, Kourou) or lat,lon[,height_m].",
        ),
    ],
    pad: Annotated[
        str | None, Query(max_length=100, description="A pad of the spaceport (Site 31/6).")
    ] = None,
    target: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Target satellite from the element store: NORAD number (25544) or name.",
        ),
    ] = None,
    raan_deg: Annotated[
        float | None,
        Query(ge=-360, le=360, description="Or a bare plane: RAAN at epoch (deg), with inc_deg."),
    ] = None,
    inc_deg: Annotated[
        float | None, Query(ge=0, le=180, description="Inclination of the bare plane (deg).")
    ] = None,
    epoch: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="Epoch of raan_deg, UTC (default start).",
        ),
    ] = None,
    start: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="Start of the period, ISO 8601 UTC (default now).",
        ),
    ] = None,
    days: Annotated[
        float, Query(gt=0, le=MAX_DAYS, description="Length of the period, days.")
    ] = 1.0,
    max_yaw: Annotated[
        float,
        Query(ge=0, lt=90, description="Yaw-steering allowance: window half-width (deg)."),
    ] = 1.0,
) -> JSONResponse:
    """Every time the launch point passes through the target's orbital plane in the period,
    northbound and southbound, with the launch azimuth, the window opening and closing
    within ``max_yaw`` degrees of the plane, the phase angle to the target and flags
    (``southbound``, ``outside corridor``).

    The target is a satellite of the element store (``target``) or a plane given by
    ``raan_deg`` and ``inc_deg`` at ``epoch``.
    """
    start_utc = moment_param(start)
    etag = check_not_modified(request, start_utc is not None)
    spec = api.TargetSpec(
        satellite=target,
        raan_deg=raan_deg,
        inclination_deg=inc_deg,
        epoch_utc=moment_param(epoch, field="epoch"),
    )
    found = api.windows(
        api.WindowsRequest(site, spec, pad, start_utc, days, max_yaw), request.app.state.home
    )
    body: dict[str, Any] = {
        "site": {
            "name": found.point.name,
            "lat_deg": found.point.lat_deg,
            "lon_deg": found.point.lon_deg,
            "height_m": found.point.height_m,
        },
        "target": {
            "name": found.result.target_name,
            "norad_id": found.norad_id,
            "epoch_utc": isoformat_z(found.target.epoch_utc),
        },
        "start_utc": isoformat_z(found.start_utc),
        "days": days,
        "max_yaw_deg": max_yaw,
        "warnings": list(found.result.warnings),
        "total": len(found.result.windows),
        "data": json_records(found.result.to_frame()) if found.result.windows else [],
        # a valid question whose answer is "never" (the site is farther from the equator than
        # the plane reaches): no windows and the reason, an answer rather than an error
        "none": found.none,
        "source": {"attribution": found.source},
    }
    return answer(body, etag)
