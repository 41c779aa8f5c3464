"""``/api/payloads`` and ``/api/mass``: payloads by name, owner, sector, mission and orbit, and
mass to orbit; paginated and filtered like ``/api/launches``, with the same filter names."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from cosmodrome import api
from cosmodrome.tables import Rows
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import (
    FacetQuery,
    FormatQuery,
    FromQuery,
    MissionQuery,
    OrbitQuery,
    RowFields,
    SectorQuery,
    ToQuery,
    UpdatedSinceQuery,
    name_list,
    period_params,
)
from cosmodrome.web.routes.analytics import (
    ByQuery,
    OnlyQuery,
    PeriodQuery,
    launch_where,
)
from cosmodrome.web.routes.launches import (
    MAX_CSV_ROWS,
    LimitQuery,
    OffsetQuery,
    OrderQuery,
    Page,
    api_facets,
    catalog_older_than,
    matched,
    no_facets,
    page_answer,
    page_size,
)

router = APIRouter(tags=["payloads"])
NO_ROWS = Rows([], [])

SortKey = Literal["launch_time_utc", "piece", "name", "mass_kg", "perigee_km", "apogee_km"]
assert set(SortKey.__args__) == api.PAYLOAD_SORT_KEYS  # type: ignore[attr-defined]


async def payload_filter(
    fields: RowFields,
    search: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Payload name, any spelling GCAT records; case, spaces and "
            "punctuation do not matter (Arktika-M, 'starlink 31').",
        ),
    ] = None,
) -> api.PayloadFilter:
    # async: it only parses, so it runs on the event loop, not through a worker thread
    return api.PayloadFilter(**fields, search=search or None)


Filters = Annotated[api.PayloadFilter, Depends(payload_filter)]


@router.get(
    "/payloads",
    dependencies=[FIELDS],
    response_model=Page,
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {"text/csv": {}},
            "description": "A page of payloads (JSON) or all of them (CSV).",
        },
    },
    summary="Payloads, filtered, sorted and paginated",
)
def list_payloads(
    request: Request,
    ctx: Ctx,
    filters: Filters,
    sort: Annotated[SortKey, Query(description="Column to sort by.")] = "launch_time_utc",
    order: OrderQuery = "asc",
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    format: FormatQuery = "json",
    facet: FacetQuery = None,
    updated_since: UpdatedSinceQuery = None,
) -> Response | dict[str, Any]:
    """Payloads matching every given filter, in launch order unless ``sort``/``order`` say.

    Each carries its launch (tag, time, site, vehicle, provider), owner, sector, mission,
    orbit regime with the orbit it rests on (``orbit_source``), mass (``null`` when
    unknown, never 0) and whether it is its launch's primary payload. A name that matches
    no payload answers 404 with the closest names. ``facet=state,year`` adds the counts of
    every match by those facets (a payload's state is its owner's); ``updated_since`` gives
    no rows when the catalog is older.
    """
    descending = order == "desc"
    facets = api_facets(name_list(facet))
    stale = catalog_older_than(ctx, updated_since)
    if format == "csv":
        frame = api.payloads(
            ctx.cursor,
            filters,
            limit=0 if stale else limit if limit is not None else MAX_CSV_ROWS,
            offset=offset,
            sort=sort,
            descending=descending,
        )
        return ctx.csv(frame, "payloads.csv")
    page = page_size(limit)
    # names resolved once; plain rows and the total from one query
    total, rows = (0, NO_ROWS) if stale else api.payload_page(
        ctx.cursor, filters, limit=page, offset=offset, sort=sort, descending=descending
    )  # fmt: skip
    answer = page_answer(request, ctx, total, page, offset, sort, order, rows.records())
    answer["matched"] = matched(ctx, filters)
    if facets:
        answer["facets"] = (
            no_facets(facets) if stale else api.payload_facets(ctx.cursor, filters, facets)
        )
    return answer


@router.get(
    "/mass",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Mass to orbit per period and group",
)
def mass_to_orbit(
    ctx: Ctx,
    by: ByQuery = "provider-state",
    period: PeriodQuery = "year",
    only: OnlyQuery = None,
    start: FromQuery = None,
    end: ToQuery = None,
    sector: SectorQuery = None,
    mission: MissionQuery = None,
    orbit: OrbitQuery = None,
) -> dict[str, Any]:
    """Known mass launched to orbit (successful launches) per period and group, with the
    payloads that have and lack a mass; ``mass_kg`` is ``null`` where none is known."""
    first, last = period_params(start, end)
    rows = api.mass_to_orbit(
        ctx.cursor,
        by,
        period,
        only=name_list(only) or None,
        start=first,
        end=last,
        where=launch_where(sector=sector, mission=mission, orbit=orbit),
    )
    return {
        "source": ctx.source(),
        "coverage": api.mass_coverage(ctx.cursor),
        "total": len(rows),
        "data": rows.records(),
    }
