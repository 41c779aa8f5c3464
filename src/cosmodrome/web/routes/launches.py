"""``/api/launches``: the launch log with every catalog filter, sorting and pagination."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from cosmodrome import api
from cosmodrome.tables import json_records
from cosmodrome.web.context import CatalogContext, Ctx
from cosmodrome.web.errors import ERROR_RESPONSES, InvalidChoiceError
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import (
    FacetQuery,
    FormatQuery,
    RowFields,
    UpdatedSinceQuery,
    moment_param,
    name_list,
    outcome_names,
    outcome_param,
)

router = APIRouter(tags=["launches"])

MAX_PAGE = 1000
DEFAULT_PAGE = 50
MAX_CSV_ROWS = 100_000
SortKey = Literal["time_utc", "launch_tag", "vehicle", "site", "agency", "payload_count", "outcome"]
assert set(SortKey.__args__) == api.LAUNCH_SORT_KEYS  # type: ignore[attr-defined]


class Source(BaseModel):
    attribution: str
    catalog_version: str
    data_date: str = Field(description="Date of the latest launch in the catalog (YYYY-MM-DD).")


class Page(BaseModel):
    """One page of a paginated listing (launches, payloads), as :func:`page_answer` gives it."""

    total: int = Field(description="Rows matching the filters, over all pages.")
    limit: int
    offset: int
    sort: str
    order: str
    next: str | None = Field(description="URL of the next page, or null on the last page.")
    previous: str | None
    source: Source
    facets: dict[str, Any] | None = Field(
        default=None,
        description="With facet=: per facet, its values (value, label, count), busiest "
        "first, and whether more were left out (truncated).",
    )
    matched: list[str] = Field(
        default=[],
        description="What each typed name (vehicle, site, pad, provider, owner) matched, where "
        "that is "
        "not plain: 'Proton-M: 4 configurations (...); 115 launches', the lines the CLI "
        "prints under its table.",
    )
    data: list[dict[str, Any]]


def matched(ctx: CatalogContext, filters: api.RowFilter, pad: str | None = None) -> list[str]:
    """The ``matched`` lines of a listing's answer for ``filters``' typed names (and a pad,
    which only launches take)."""
    return api.matched_notes(
        ctx.cursor,
        vehicle=filters.vehicle,
        site=filters.site,
        agency=filters.agency,
        owner=filters.owner,
        pad=pad,
    )


async def launch_filter(
    fields: RowFields,
    pad: Annotated[
        str | None,
        Query(max_length=200, description="Pad by any name: LC31, Site 31/6, Gagarin's Start."),
    ] = None,
    outcome: Annotated[
        str | None,
        Query(
            max_length=40,
            description="One of "
            + ", ".join(outcome_names())
            + " (as the CLI's --outcome; _ works as -): success and failure include partial "
            "outcomes, full-* exclude them.",
        ),
    ] = None,
    orbit_class: Annotated[Literal["orbital", "deep_space", "other"] | None, Query()] = None,
) -> api.LaunchFilter:
    # async: it only parses, so it runs on the event loop, not through a worker thread
    return api.LaunchFilter(
        **fields, pad=pad or None, outcome=outcome_param(outcome), orbit_class=orbit_class
    )


Filters = Annotated[api.LaunchFilter, Depends(launch_filter)]


# How every paginated listing (launches, payloads) is asked for a page or a CSV download.
OrderQuery = Annotated[Literal["asc", "desc"], Query()]
LimitQuery = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_CSV_ROWS,
        description=f"Page size; JSON default {DEFAULT_PAGE}, at most {MAX_PAGE}. "
        "CSV default: every match.",
    ),
]
OffsetQuery = Annotated[int, Query(ge=0, le=10_000_000)]


def page_size(limit: int | None) -> int:
    """The JSON page size served for a requested ``limit``: the default, capped."""
    return DEFAULT_PAGE if limit is None else min(limit, MAX_PAGE)


def catalog_older_than(ctx: CatalogContext, updated_since: str | None) -> bool:
    """Whether ``updated_since`` asks for rows newer than the catalog (then none are)."""
    since = moment_param(updated_since, field="updated_since")
    if since is None:
        return False
    built = ctx.generation.meta.get("built_at_utc")
    return built is None or datetime.fromisoformat(built) < since


def page_answer(
    request: Request,
    ctx: CatalogContext,
    total: int,
    page: int,
    offset: int,
    sort: str,
    order: str,
    records: list[dict[str, Any]],
) -> dict[str, Any]:
    """One JSON page of a paginated listing, with its ``next``/``previous`` links."""
    return {
        "total": total,
        "limit": page,
        "offset": offset,
        "sort": sort,
        "order": order,
        "next": _page_url(request, offset + page, page) if page and offset + page < total else None,
        "previous": _page_url(request, max(0, offset - page), page) if page and offset else None,
        "source": ctx.source(),
        "data": records,
    }


def _page_url(request: Request, offset: int, limit: int) -> str:
    """The URL of another page: same filters, the page size actually served (a ``limit``
    above the cap is written as the cap), and ``offset``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit")]
    params += [("limit", str(limit)), ("offset", str(offset))]
    return f"{request.url.path}?{urlencode(params)}"


@router.get(
    "/launches/per-year",
    responses=ERROR_RESPONSES,
    summary="Launches per year, by outcome, for the launch filters",
)
def launches_per_year(ctx: Ctx, filters: Filters) -> dict[str, Any]:
    """The launches ``/api/launches`` lists for the same filters, counted per UTC year and
    outcome (``success``, ``partial_success``, ``partial_failure``, ``failure``), every year
    of the period included; the Launches page draws them above its table."""
    return {
        "source": ctx.source(),
        "data": json_records(api.launches_per_year(ctx.cursor, filters)),
    }


@router.get(
    "/launches",
    dependencies=[FIELDS],
    response_model=Page,
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {"text/csv": {}},
            "description": "A page of launches (JSON) or all of them (CSV).",
        },
    },
    summary="Launches, filtered, sorted and paginated",
)
def list_launches(
    request: Request,
    ctx: Ctx,
    filters: Filters,
    sort: Annotated[SortKey, Query(description="Column to sort by.")] = "time_utc",
    order: OrderQuery = "asc",
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    format: FormatQuery = "json",
    facet: FacetQuery = None,
    updated_since: UpdatedSinceQuery = None,
) -> Response | dict[str, Any]:
    """Launches matching every given filter, oldest first unless ``order=desc``.

    Names are resolved the way people write them (``Baikonur``, ``Tyuratam`` and ``GIK-5``
    are one site); an unknown name answers 404 with the closest names. The JSON answer is a
    page with the ``total`` count and ``next``/``previous`` links; ``format=csv`` downloads
    every match (or ``limit`` rows from ``offset``). ``facet=site,year`` adds the counts of
    every match by those facets; ``updated_since`` gives no rows when the catalog is older.
    """
    descending = order == "desc"
    facets = api_facets(name_list(facet))
    stale = catalog_older_than(ctx, updated_since)
    if format == "csv":
        frame = api.launches(
            ctx.cursor,
            filters,
            limit=0 if stale else limit if limit is not None else MAX_CSV_ROWS,
            offset=offset,
            sort=sort,
            descending=descending,
        )
        return ctx.csv(frame, "launches.csv")
    page = page_size(limit)
    # plain rows, not a DataFrame, and the total from the same query
    total, rows = api.launch_page(
        ctx.cursor, filters, limit=0 if stale else page, offset=offset, sort=sort,
        descending=descending,
    )  # fmt: skip
    answer = page_answer(
        request, ctx, 0 if stale else total, page, offset, sort, order, rows.records()
    )
    answer["matched"] = matched(ctx, filters, filters.pad)
    if facets:
        answer["facets"] = (
            no_facets(facets) if stale else api.launch_facets(ctx.cursor, filters, facets)
        )
    return answer


def no_facets(names: list[str]) -> dict[str, Any]:
    """The facets of no rows."""
    return {name: {"values": [], "truncated": False} for name in names}


def api_facets(names: list[str]) -> list[str]:
    """``names`` checked: each a facet, else 422 with the facets there are."""
    unknown = [name for name in names if name not in api.FACETS]
    if unknown:
        raise InvalidChoiceError(f"facet: unknown facet {unknown[0]!r}", list(api.FACETS))
    return names
