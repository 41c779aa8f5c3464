"""``/api/value`` and ``/api/prices``: launch value per period and group, and the dated,
sourced price points it rests on (docs/VALUE.md). Thin wrappers of :func:`cosmodrome.api.
launch_value`, :func:`~cosmodrome.api.value_per_kg` and :func:`~cosmodrome.api.prices`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from cosmodrome import api
from cosmodrome.tables import Rows, json_safe
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import (
    FormatQuery,
    FromQuery,
    OrbitQuery,
    SectorQuery,
    ToQuery,
    VehicleQuery,
    period_params,
)

router = APIRouter(tags=["value"])

ValueBy = Literal[
    "provider", "agency", "provider-state", "vehicle", "vehicle-family", "site", "sector", "market"
]


def _answer(ctx: Ctx, rows: Rows, format: str, filename: str, query: dict[str, Any]) -> Any:
    if format == "csv":
        return ctx.csv(rows.to_frame(), filename)
    return {
        "source": ctx.source(),
        "query": {k: json_safe(v) for k, v in query.items()},
        "total": len(rows),
        "data": rows.records(),
    }


@router.get(
    "/value",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Launch value per period and group",
)
def launch_value(
    ctx: Ctx,
    by: Annotated[
        ValueBy,
        Query(
            description="Group by provider (the organisation), agency (GCAT's codes apart), "
            "provider state, vehicle, vehicle family, launch "
            "site, the primary payload's customer sector, or market (commercial, government, "
            "captive, other)."
        ),
    ] = "provider",
    period: Annotated[Literal["year", "quarter"], Query(description="UTC periods.")] = "year",
    start: FromQuery = None,
    end: ToQuery = None,
    sector: SectorQuery = None,
    orbit: OrbitQuery = None,
    per_kg: Annotated[
        bool,
        Query(description="Dollars per kg to `orbit` (default LEO) per vehicle instead."),
    ] = False,
    captive: Annotated[
        bool, Query(description="Include captive launches (rows with captive: true).")
    ] = True,
    format: FormatQuery = "json",
) -> Any:
    """What launches were worth, in millions of constant dollars of ``dollar_year``: rows of
    ``period``, ``group``, ``label``, ``captive`` (the provider launching its own payload:
    never summed into market revenue), ``launches``, ``launches_valued``, ``valued_share``,
    ``value_musd``, ``low_musd``, ``high_musd``. With ``per_kg``: per vehicle,
    ``price_musd``, ``capacity_kg``, ``usd_per_kg_capacity`` and ``usd_per_kg_flown``.

    ``GET /api/value?by=provider&from=2015&to=2023`` gives each provider's launch value per
    year with its range.
    """
    first, last = period_params(start, end)
    where = api.LaunchFilter(sector=sector or None, orbit=orbit or None)
    if per_kg:
        rows = api.value_per_kg(
            ctx.cursor, orbit or "LEO", period, start=first, end=last, where=where
        )
    else:
        rows = api.launch_value(
            ctx.cursor, by, period, start=first, end=last, where=where, captive=captive
        )
    query = {"by": by, "period": period, "from": first, "to": last, "per_kg": per_kg}
    return _answer(ctx, rows, format, f"value-by-{by}-{period}.csv", query)


@router.get(
    "/prices",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Dated, sourced launch prices",
)
def launch_prices(ctx: Ctx, vehicle: VehicleQuery = None, format: FormatQuery = "json") -> Any:
    """Every price point (or those of ``vehicle``, any spelling): the vehicle as its source
    writes it, ``configurations`` (the GCAT vehicles it covers), ``scope``, ``year``,
    ``amount``, ``amount_high``, ``currency``, ``kind`` (list price, contract value,
    estimate), ``musd`` in constant dollars of ``dollar_year``, and ``source`` with
    ``source_file`` and ``source_line``."""
    rows = api.prices(ctx.cursor, vehicle or None)
    return _answer(ctx, rows, format, "prices.csv", {"vehicle": vehicle})
