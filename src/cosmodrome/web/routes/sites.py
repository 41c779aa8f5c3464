"""``/api/sites``: spaceports with launch totals, and one site's profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from cosmodrome import api
from cosmodrome.tables import json_records, json_safe
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import FromQuery, ToQuery, period_params

router = APIRouter(tags=["sites"])

SiteName = Annotated[
    str, Path(max_length=200, description="Site name or code: Baikonur, Tyuratam, GIK-5.")
]


@router.get(
    "/sites",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Launch sites, busiest first",
)
def list_sites(
    ctx: Ctx,
    country: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Host country or operator state: ISO code, GCAT code or name (KZ, FR, F, France).",
        ),
    ] = None,
) -> dict[str, Any]:
    """Every canonical launch site that has launches, with coordinates and totals."""
    frame = api.sites(ctx.cursor, country or None)
    return {"source": ctx.source(), "total": len(frame), "data": json_records(frame)}


@router.get(
    "/sites/{name}",
    responses=ERROR_RESPONSES,
    summary="One site: names, pads, totals, launches per year",
)
def site_profile(
    name: SiteName,
    ctx: Ctx,
    start: FromQuery = None,
    end: ToQuery = None,
) -> dict[str, Any]:
    """A site's names over time, pads, coordinates, all-time launch totals, and launches per
    UTC year (with successes and failures) between ``from`` and ``to``.

    An unknown name answers 404 with the closest site names in ``error.suggestions``.
    """
    detail = api.site_detail(ctx.cursor, name)
    first, last = period_params(start, end)
    period = api.LaunchFilter(site=name, start=first, end=last)
    per_year = api.launches_per_year(ctx.cursor, period)
    return {
        "source": ctx.source(),
        "query": name,
        "sites": detail["sites"],
        "name": detail["name"],
        "lat_deg": detail["lat_deg"],
        "lon_deg": detail["lon_deg"],
        "totals": json_safe(detail["totals"]),
        "history": json_records(detail["history"]),
        "pads": json_records(detail["pads"]),
        "period": {"from": json_safe(period.start), "to": json_safe(period.end)},
        "launches_per_year": json_records(per_year),
    }
