"""``/api/migration``: where the customers of a set of launch providers went after a cutoff.

A thin wrapper of :func:`cosmodrome.api.customer_migration` (definitions in
docs/ANALYTICS.md): the customers table, the flows per provider before and after, and
flow-diagram data (``diagram.nodes``, ``diagram.links``) ready for d3-sankey.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records, json_safe
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import DATE_PATTERN, day_param, name_list

router = APIRouter(tags=["analytics"])

Names = Annotated[str | None, Query(max_length=500)]


@router.get(
    "/migration",
    responses=ERROR_RESPONSES,
    summary="Customers of some providers before a cutoff, and who launched them after",
)
def migration(
    ctx: Ctx,
    provider_state: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Provider states, comma-separated (RU, Russia, France): launches the state provides "
            "or whose vehicle it builds.",
        ),
    ] = None,
    provider: Annotated[
        str | None, Query(max_length=500, description="Providers (Roskosmos, Starsem).")
    ] = None,
    site: Annotated[str | None, Query(max_length=500, description="Sites (Baikonur).")] = None,
    vehicle: Annotated[str | None, Query(max_length=500, description="Vehicles (Soyuz).")] = None,
    cutoff: Annotated[
        str,
        Query(
            max_length=40,
            pattern=DATE_PATTERN,
            description="First UTC day after the change (2022-02-24).",
        ),
    ] = "2022-02-24",
    window: Annotated[
        int, Query(ge=1, le=30, description="Years before the cutoff whose customers count.")
    ] = 5,
    max_customers: Annotated[
        int,
        Query(ge=1, le=60, description="Customers in the flow diagram (most payloads first)."),
    ] = 12,
) -> dict[str, Any]:
    """Launches are selected by ``provider_state``, ``provider``, ``site`` and ``vehicle``
    (criteria AND, names within one criterion OR; at least one is needed). Every customer
    with a payload on them in the ``window`` years before ``cutoff`` is followed to the data
    date: ``status`` is ``moved`` (no later payload on the selected launches), ``split``,
    ``stayed`` or ``none since``.

    ``GET /api/migration?provider_state=RU&cutoff=2022-02-24`` lists One Web (``ONEWEB``)
    as ``moved``, to SpaceX (US) and NewSpace India (IN).
    """
    day = day_param(cutoff, field="cutoff")
    if day is None:
        raise InputError("give a cutoff date, e.g. 2022-02-24")
    result = api.customer_migration(
        ctx.cursor,
        day,
        provider_states=[s.upper() for s in name_list(provider_state)],
        providers=name_list(provider),
        sites=name_list(site),
        vehicles=name_list(vehicle),
        window_years=window,
    )
    statuses = result.customers.column("status")
    counts = {s: statuses.count(s) for s in sorted(set(statuses), key=statuses.count, reverse=True)}
    return {
        "source": ctx.source(),
        "selection": result.selection,
        "cutoff": json_safe(result.cutoff),
        "window_from": json_safe(result.window_from),
        "data_date": json_safe(result.data_date),
        "status_counts": {str(k): int(v) for k, v in counts.items()},
        "customers": json_records(result.customers),
        "flows_before": json_records(result.flows_before),
        "flows_after": json_records(result.flows),
        "diagram": json_safe(result.diagram(max_customers)),
    }
