"""``/api/schedule`` and ``/api/slips``: what is next and how far targets moved.

Both take the filters of ``cosmodrome next`` and ``cosmodrome slips`` (``site``,
``vehicle``, ``provider``, ``from``, ``to``). Their ETag covers the catalog *and* the
schedule store, so a new snapshot is seen at once (the catalog-wide response cache does
not keep these answers).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from cosmodrome import api
from cosmodrome.tables import json_records, json_safe
from cosmodrome.web.context import etag_matches, pool_of
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import FromQuery, SiteQuery, ToQuery, VehicleQuery, period_params

router = APIRouter(tags=["schedule"])


def schedule_filter(
    site: SiteQuery = None,
    vehicle: VehicleQuery = None,
    provider: Annotated[
        str | None, Query(max_length=200, description="Launch provider (part of its name).")
    ] = None,
    start: FromQuery = None,
    end: ToQuery = None,
) -> api.ScheduleFilter:
    first, last = period_params(start, end)
    return api.ScheduleFilter(site=site, vehicle=vehicle, provider=provider, start=first, end=last)


Filter = Annotated[api.ScheduleFilter, Depends(schedule_filter)]


def _etag(request: Request, catalog_etag: str) -> str:
    path = api.schedule_path(request.app.state.home)
    stamp = f"{path.stat().st_mtime_ns}:{path.stat().st_size}" if path.is_file() else "none"
    return '"' + hashlib.sha256(f"{catalog_etag}|{stamp}".encode()).hexdigest()[:20] + '"'


def _answer(request: Request, f: api.ScheduleFilter, build: Any) -> Response:
    with pool_of(request).cursor() as (generation, cursor):
        etag = _etag(request, generation.etag)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        try:
            payload = build(cursor)
        except api.ScheduleMissingError as error:
            payload = _nothing_kept(cursor, f, f"{error} {error.web_hint}".strip())
        return JSONResponse(json_safe(payload), headers=headers)


def _nothing_kept(cursor: Any, f: api.ScheduleFilter, message: str) -> dict[str, Any]:
    """No snapshot kept yet: an empty answer that says how to get one (names are still
    checked against the catalog, so a misspelt site is a 404 as always)."""
    if f.site:
        api.resolve_sites(cursor, f.site)
    if f.vehicle:
        api.resolve_vehicles(cursor, f.vehicle)
    return {
        "snapshot": None,
        "as_of": None,
        "total": 0,
        "rule": api.SLIP_RULE,
        "data": [],
        "history": [],
        "message": message,
    }


@router.get("/schedule", responses=ERROR_RESPONSES)
def schedule(request: Request, f: Filter) -> Response:
    """Upcoming launches as of the latest kept snapshot, each target at its source's
    precision (``target``: "NET 2026", "2025-Q4"; ``target_start_utc``/``_end_utc``: its
    interval). Before any snapshot is kept, ``data`` is empty and ``message`` says how to
    ingest one."""

    def build(con: Any) -> dict[str, Any]:
        frame, note = api.upcoming(con, f, request.app.state.home)
        return {
            "snapshot": note["snapshot"],
            "as_of": note["as_of"],
            "age_days": note["age_days"],
            "total": len(frame),
            "data": json_records(frame),
        }

    return _answer(request, f, build)


@router.get("/slips", responses=ERROR_RESPONSES)
def slips(
    request: Request,
    f: Filter,
    by: Annotated[
        Literal["launch", "vehicle", "site", "provider"],
        Query(description="One row per launch, or per vehicle, site or provider."),
    ] = "launch",
    history: Annotated[
        bool, Query(description="Also the target of each launch per snapshot (for charts).")
    ] = False,
) -> Response:
    """How target dates moved across snapshots and against the GCAT launch."""

    def build(con: Any) -> dict[str, Any]:
        home = request.app.state.home
        frame = api.slips(con, f, by, home)
        payload: dict[str, Any] = {"rule": api.SLIP_RULE, "by": by, "data": json_records(frame)}
        if history:
            payload["history"] = json_records(api.slip_history(con, f, home))
        return payload

    return _answer(request, f, build)
