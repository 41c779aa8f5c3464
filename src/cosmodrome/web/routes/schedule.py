"""``/api/schedule`` and ``/api/slips``: what is next and how far targets moved;
``/api/schedule.ics`` (the calendar of ``cosmodrome schedule ics``), and ``/api/changes``
with its Atom feed ``/api/changes.atom`` (``cosmodrome changes``).

They take the filters of ``cosmodrome next`` and ``cosmodrome slips`` (``site``,
``vehicle``, ``provider``, ``from``, ``to``; changes: ``since``, ``until``, ``kind``). Their
ETag covers the catalog *and* the schedule store, so a new snapshot is seen at once (the
catalog-wide response cache does not keep these answers).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from cosmodrome import api
from cosmodrome.tables import Rows, json_records, json_safe
from cosmodrome.web.context import etag_matches, pool_of
from cosmodrome.web.errors import ERROR_RESPONSES, InvalidChoiceError
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import (
    DATE_PATTERN,
    FromQuery,
    KindQuery,
    ProviderQuery,
    SinceQuery,
    SiteQuery,
    ToQuery,
    UntilQuery,
    UpdatedSinceQuery,
    VehicleQuery,
    day_param,
    moment_param,
    name_list,
    period_params,
)

router = APIRouter(tags=["schedule"])


def schedule_filter(
    site: SiteQuery = None,
    vehicle: VehicleQuery = None,
    provider: ProviderQuery = None,
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
    def as_json(con: Any) -> Response:
        try:
            payload = build(con)
        except api.ScheduleMissingError as error:
            payload = _nothing_kept(con, f, f"{error} {error.web_hint}".strip())
        return JSONResponse(json_safe(payload))

    return _conditional(request, as_json)


def _conditional(request: Request, respond: Any) -> Response:
    """``respond(cursor)``'s answer with the schedule's ETag, or 304 when the client's copy
    is current."""
    with pool_of(request).cursor() as (generation, cursor):
        etag = _etag(request, generation.etag)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        response: Response = respond(cursor)
        response.headers.update(headers)
        return response


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


@router.get("/schedule", dependencies=[FIELDS], responses=ERROR_RESPONSES)
def schedule(
    request: Request,
    f: Filter,
    updated_since: UpdatedSinceQuery = None,
    by: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="p_by is P(flown by this UTC day); default: the end of the quarter.",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="Use only the snapshots and flights known on this UTC day.",
        ),
    ] = None,
) -> Response:
    """Upcoming launches as of the latest kept snapshot, each target at its source's
    precision (``target``: "NET 2026", "2025-Q4"; ``target_start_utc``/``_end_utc``: its
    interval), with ``p_by`` (the probability it has flown by ``by``) and ``median_date``
    from the time-to-launch model (docs/FORECASTS.md) and ``p_by_rests_on``; where that
    history is too thin, ``p_by_refused`` says why. Before any snapshot is kept, ``data``
    is empty and ``message`` says how to ingest one. ``updated_since``: no launches unless
    that snapshot is as of that time or later (``/api/changes?since=`` lists what changed)."""
    since = moment_param(updated_since, field="updated_since")
    by_day = day_param(by, end=True, field="by")
    as_of_day = day_param(as_of, field="as_of")

    def build(con: Any) -> dict[str, Any]:
        frame, note = api.next_rows(con, f, by_day, as_of_day, request.app.state.home)
        if since is not None and pd.Timestamp(str(note["as_of"])) < since:
            frame = Rows(frame.columns, [])
        return {
            "snapshot": note["snapshot"],
            "as_of": note["as_of"],
            "age_days": note["age_days"],
            "by": note.get("by"),
            "p_by_rests_on": note.get("p_by_rests_on"),
            "p_by_refused": note.get("p_by_refused"),
            "total": len(frame),
            "data": json_records(frame),
        }

    return _answer(request, f, build)


@router.get("/slips", dependencies=[FIELDS], responses=ERROR_RESPONSES)
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
        frame = api.slip_rows(con, f, by, home)
        payload: dict[str, Any] = {"rule": api.SLIP_RULE, "by": by, "data": json_records(frame)}
        if history:
            payload["history"] = json_records(api.slip_history(con, f, home))
        return payload

    return _answer(request, f, build)


CALENDAR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) file."},
}


@router.get("/schedule.ics", response_class=Response, responses=CALENDAR_RESPONSES)
def schedule_calendar(request: Request, f: Filter) -> Response:
    """The upcoming launches as an iCalendar feed a calendar can subscribe to: the same
    events as ``cosmodrome schedule ics`` (all-day or month-long events for imprecise
    dates, the launch window as the duration, the pad or site as GEO; TBD dates left out).
    """
    home = request.app.state.home

    def calendar(con: Any) -> Response:
        try:
            feed = api.schedule_ics(con, f, home)
        except api.ScheduleMissingError as error:
            feed = api.empty_calendar(f"{error} {error.web_hint}".strip())
        return Response(
            feed,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'inline; filename="launches.ics"'},
        )

    return _conditional(request, calendar)


async def change_filter(
    since: SinceQuery = None,
    until: UntilQuery = None,
    kind: KindQuery = None,
    site: SiteQuery = None,
    vehicle: VehicleQuery = None,
    provider: ProviderQuery = None,
) -> api.ChangeFilter:
    first, last = period_params(since, until, names=("since", "until"))
    kinds = tuple(name_list(kind))
    unknown = [k for k in kinds if k not in api.CHANGE_KINDS]
    if unknown:
        raise InvalidChoiceError(
            f"kind: unknown change kind {unknown[0]!r}", list(api.CHANGE_KINDS)
        )
    return api.ChangeFilter(
        since=first, until=last, kinds=kinds, site=site, vehicle=vehicle, provider=provider
    )


ChangesFilter = Annotated[api.ChangeFilter, Depends(change_filter)]


@router.get("/changes", dependencies=[FIELDS], responses=ERROR_RESPONSES)
def changes(request: Request, f: ChangesFilter) -> Response:
    """What changed between consecutive schedule snapshots, newest first: launches
    ``new``, ``moved`` (``old_target``, ``new_target``, ``slip_days`` between the ends of
    the two targets), ``renamed`` (``old_payload``), ``flown`` (``flown_tag``: the GCAT
    launch) or ``removed``. ``since`` picks the changes seen from a time (as Launch Library
    2's ``last_updated__gte``); ``change_key`` identifies a change across updates."""
    home = request.app.state.home

    def listing(con: Any) -> Response:
        try:
            frame = api.change_rows(con, f, home)
        except api.ScheduleMissingError as error:
            empty = {"total": 0, "data": [], "message": f"{error} {error.web_hint}".strip()}
            return JSONResponse(empty)
        return JSONResponse(json_safe({"total": len(frame), "data": json_records(frame)}))

    return _conditional(request, listing)


FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    200: {"content": {"application/atom+xml": {}}, "description": "An Atom (RFC 4287) feed."},
}


@router.get("/changes.atom", response_class=Response, responses=FEED_RESPONSES)
def changes_feed(request: Request, f: ChangesFilter) -> Response:
    """The change records of ``/api/changes`` (same filters) as an Atom feed, newest first,
    for a feed reader: one entry per change, its id stable across updates."""
    home = request.app.state.home

    def feed(con: Any) -> Response:
        try:
            frame = api.changes(con, f, home)
        except api.ScheduleMissingError:
            frame = api.no_changes()  # an empty feed: a reader's subscription keeps working
        document = api.changes_atom(frame, self_url=str(request.url), title=_feed_title(f))
        return Response(document, media_type="application/atom+xml; charset=utf-8")

    return _conditional(request, feed)


def _feed_title(f: api.ChangeFilter) -> str:
    """``Cosmodrome: schedule changes (Baikonur, moved, flown)``."""
    parts = [p for p in (f.site, f.vehicle, f.provider) if p] + list(f.kinds)
    title = "Cosmodrome: schedule changes" + (f" ({', '.join(parts)})" if parts else "")
    return "".join(ch for ch in title if ch.isprintable())  # XML takes no control characters
