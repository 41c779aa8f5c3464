"""``/api/launch-orbits``: a launch's GCAT payloads followed to their stored orbits.

A thin wrapper of :func:`cosmodrome.api.launch_orbits` (see docs/ORBITS.md). The answer
depends on the catalog and on the element store, so its ETag covers both; the catalog-only
response cache never holds it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cosmodrome import api
from cosmodrome.web.context import Ctx, etag_matches
from cosmodrome.web.errors import ERROR_RESPONSES, NotModified
from cosmodrome.web.params import DATE_PATTERN, moment_param
from cosmodrome.web.routes.elements import CACHE_CONTROL, store_etag

router = APIRouter(tags=["orbits"])


@router.get(
    "/launch-orbits",
    responses=ERROR_RESPONSES,
    summary="A launch's payloads and their orbits from the element store",
)
def launch_orbits(
    request: Request,
    ctx: Ctx,
    launch: Annotated[
        str,
        Query(
            min_length=1,
            max_length=20,
            description="International designator: a launch (2023-198) or a piece (2023-198A).",
        ),
    ],
    at: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="Sets nearest this time, ISO 8601 UTC (default newest).",
        ),
    ] = None,
) -> JSONResponse:
    """GCAT payloads of the launch, each with its newest stored element set (linked by
    international designator, or by catalog number for 1957-1962 pieces): SGP4 mean
    perigee and apogee heights above a 6378.135 km sphere (about +/- 20 km), inclination,
    period, and GCAT's own orbit for comparison. A payload without a set keeps its row."""
    store_tag = store_etag(request)
    etag = f'"{ctx.generation.etag.strip(chr(34))}-{(store_tag or "none").strip(chr(34))}"'
    if etag_matches(request.headers.get("if-none-match"), etag):
        raise NotModified(etag, CACHE_CONTROL)
    when = moment_param(at)
    rows = api.launch_orbit_rows(ctx.cursor, launch, when_utc=when, home=request.app.state.home)
    body: dict[str, Any] = {
        "launch": launch.strip().upper(),
        "source": ctx.source()
        | {"elements": "CelesTrak GP data in the element store; heights are SGP4 mean elements"},
        "data": rows.records(),
    }
    return JSONResponse(body, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
