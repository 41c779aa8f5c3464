"""``/api/passes``: passes of a satellite from the element store over a place.

A thin wrapper of :func:`cosmodrome.api.passes` with a :class:`~cosmodrome.api.PassesRequest`,
as ``cosmodrome passes`` (see docs/ORBITS.md).
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

MAX_DAYS = 10.0


@router.get("/passes", responses=ERROR_RESPONSES, summary="Passes of a satellite over a place")
def passes(
    request: Request,
    sat: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Satellite from the element store: NORAD number (25544) or name.",
        ),
    ],
    at: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Observer: spaceport, city (Almaty, 'Paris, FR') or lat,lon[,height_m].",
        ),
    ],
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
    min_elevation_deg: Annotated[
        float, Query(ge=-5, lt=90, description="Lowest elevation that counts (deg).")
    ] = 10.0,
    visible: Annotated[
        bool,
        Query(description="Only passes seen sunlit against a dark sky (Sun below -6 deg)."),
    ] = False,
) -> JSONResponse:
    """Rise, culmination and set of every pass above ``min_elevation_deg`` in the period,
    in UTC and in the place's local time, with azimuths, range and whether it is visible to
    the eye. ``rise``/``set`` are ``null`` when they fall outside the period.
    """
    start_utc = moment_param(start)
    etag = check_not_modified(request, start_utc is not None)
    found = api.passes(
        api.PassesRequest(
            at,
            api.TargetSpec(satellite=sat),
            start_utc,
            days,
            min_elevation_deg=min_elevation_deg,
            visible_only=visible,
        ),
        request.app.state.home,
    )
    place, target = found.place, found.target
    body: dict[str, Any] = {
        "place": {
            "name": place.name,
            "kind": place.kind,
            "country": place.country,
            "lat_deg": place.lat_deg,
            "lon_deg": place.lon_deg,
            "height_m": place.height_m,
        },
        "target": {
            "name": target.name,
            "norad_id": target.norad_id,
            "epoch_utc": isoformat_z(target.epoch_utc),
        },
        "start_utc": isoformat_z(found.start_utc),
        "days": days,
        "min_elevation_deg": min_elevation_deg,
        "visible_only": visible,
        "time_zone": found.time_zone,
        "warnings": list(found.result.warnings),
        "total": len(found.result.passes),
        "data": json_records(found.result.to_frame()),
        "source": {"attribution": found.source},
    }
    return answer(body, etag)
