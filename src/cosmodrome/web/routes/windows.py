"""``/api/windows``: launch windows from a spaceport (or pad, or coordinates) into the plane
of a satellite from the element store, or of a plane given by RAAN and inclination.

A thin wrapper of :func:`cosmodrome.api.windows_from` (see docs/ORBITS.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cosmodrome import api
from cosmodrome.astro.elements import ElementSet
from cosmodrome.astro.gazetteer import LaunchPoint, resolve_launch_point
from cosmodrome.astro.windows import NoInPlaneTimeError, PlaneTarget
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import isoformat_z
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import moment_param
from cosmodrome.web.routes.elements import (
    answer,
    check_not_modified,
    element_source,
    nearest_set,
)

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
        str | None, Query(max_length=40, description="Epoch of raan_deg, UTC (default start).")
    ] = None,
    start: Annotated[
        str | None,
        Query(max_length=40, description="Start of the period, ISO 8601 UTC (default now)."),
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
    start_utc = start_utc or datetime.now(UTC)
    point = resolve_launch_point(site, pad)
    goal: ElementSet | PlaneTarget
    if raan_deg is not None or inc_deg is not None:
        if raan_deg is None or inc_deg is None:
            raise InputError("a bare target plane needs both raan_deg and inc_deg")
        goal = api.plane_target(raan_deg, inc_deg, moment_param(epoch, field="epoch") or start_utc)
    elif target:
        goal = nearest_set(request, target, start_utc)
    else:
        raise InputError("name a target satellite (target=25544) or a plane (raan_deg, inc_deg)")
    try:
        result = api.windows_from(point, goal, start_utc, days, max_yaw_deg=max_yaw)
    except NoInPlaneTimeError as none:
        # A valid question whose answer is "never" (the site is farther from the equator than
        # the plane reaches): an answer with no windows and the reason, not an error.
        return answer(_body(point, goal, start_utc, days, max_yaw, [], [], str(none)), etag)
    body = _body(
        point,
        goal,
        start_utc,
        days,
        max_yaw,
        list(result.warnings),
        json_records(result.to_frame()),
        None,
        result.target_name,
    )
    return answer(body, etag)


def _body(
    point: LaunchPoint,
    goal: ElementSet | PlaneTarget,
    start_utc: datetime,
    days: float,
    max_yaw: float,
    warnings: list[str],
    data: list[dict[str, Any]],
    none: str | None,
    target_name: str | None = None,
) -> dict[str, Any]:
    """The answer: ``none`` says why there is no window at all when that is the answer."""
    name = target_name or (
        f"{goal.name} ({goal.norad_id})" if isinstance(goal, ElementSet) else goal.name
    )
    return {
        "site": {
            "name": point.name,
            "lat_deg": point.lat_deg,
            "lon_deg": point.lon_deg,
            "height_m": point.height_m,
        },
        "target": {
            "name": name,
            "norad_id": goal.norad_id if isinstance(goal, ElementSet) else None,
            "epoch_utc": isoformat_z(goal.epoch_utc),
        },
        "start_utc": isoformat_z(start_utc),
        "days": days,
        "max_yaw_deg": max_yaw,
        "warnings": warnings,
        "total": len(data),
        "data": data,
        "none": none,
        "source": {"attribution": _source(goal)},
    }


def _source(goal: ElementSet | PlaneTarget) -> str:
    if isinstance(goal, ElementSet):
        return element_source(goal)
    return "A circular plane given by RAAN and inclination"
