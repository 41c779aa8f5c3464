"""``/api/vehicles`` and ``/api/organisations``: the catalog's reference tables with totals.

These are plain listings of catalog tables (no analysis): the launch vehicles flown and the
launch providers, each with its launch count, so the dashboard can offer them in filters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cosmodrome import api
from cosmodrome.tables import json_records
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS

router = APIRouter(tags=["catalog"])

_PROVIDERS_SQL = """
    SELECT agency, any_value(agency_name) AS agency_name, any_value(provider_state) AS provider_state,
           count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes,
           min(time_utc)::DATE AS first_launch, max(time_utc)::DATE AS last_launch
    FROM launches
    WHERE agency IS NOT NULL AND (? IS NULL OR list_contains(?, split_part(agency, '/', 1))
                                  OR list_contains(?, agency))
    GROUP BY agency ORDER BY launches DESC, agency
"""


@router.get(
    "/vehicles",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Launch vehicles flown, with totals",
)
def list_vehicles(
    ctx: Ctx,
    name: Annotated[
        str | None, Query(max_length=200, description="Vehicle, family or prefix (Soyuz-2).")
    ] = None,
) -> dict[str, Any]:
    """Every vehicle in the launch log with its launches, successes, first and last flight and
    (from GCAT ``lv.tsv``) its manufacturer and capacity to LEO and GTO in kg."""
    chosen = api.resolve_vehicles(ctx.cursor, name) if name else None
    rows = api.vehicle_totals(ctx.cursor, chosen)
    return {"source": ctx.source(), "total": len(rows), "data": rows.records()}


@router.get(
    "/organisations",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Launch providers, with totals",
)
def list_organisations(
    ctx: Ctx,
    name: Annotated[
        str | None, Query(max_length=200, description="Provider name or code (SpaceX, RVSN).")
    ] = None,
) -> dict[str, Any]:
    """Launch providers (GCAT ``Agency``) with their launch totals, busiest first."""
    chosen = api.resolve_agencies(ctx.cursor, name) if name else None
    frame = ctx.cursor.execute(_PROVIDERS_SQL, [chosen, chosen, chosen]).df()
    frame = api.with_state_names(frame, "provider_state")
    frame.insert(
        2,
        "label",
        [
            api.organisation_label(n, s)
            for n, s in zip(frame["agency_name"], frame["provider_state"], strict=True)
        ],
    )
    return {"source": ctx.source(), "total": len(frame), "data": json_records(frame)}
