"""``/api/reliability`` and ``/api/forecast``: what ``cosmodrome reliability`` and
``cosmodrome forecast`` answer (models and backtests in docs/FORECASTS.md); ``p_by`` on
``/api/schedule`` is in :mod:`.schedule`.

A forecast with too thin a history answers 400 with a message saying what it lacks.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from cosmodrome import api
from cosmodrome.tables import json_safe
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import DATE_PATTERN, day_param, name_list

router = APIRouter(tags=["forecasts"])

AsOf = Annotated[
    str | None,
    Query(
        max_length=40,
        pattern=DATE_PATTERN,
        description="Use only what was known before this UTC day (a backtest).",
    ),
]


@router.get(
    "/reliability",
    responses=ERROR_RESPONSES,
    summary="Launch success probability with a credible interval",
)
def reliability(
    ctx: Ctx,
    by: Annotated[
        Literal["vehicle", "family", "provider"], Query(description="What to group on.")
    ] = "vehicle",
    vehicle: Annotated[
        str | None, Query(max_length=200, description="Only this vehicle or family.")
    ] = None,
    provider: Annotated[
        str | None, Query(max_length=200, description="Only this launch provider.")
    ] = None,
    start: Annotated[
        str | None,
        Query(alias="from", max_length=40, pattern=DATE_PATTERN, description="Flights from."),
    ] = None,
    as_of: AsOf = None,
    interval: Annotated[float, Query(ge=0.5, lt=1.0, description="Credible interval.")] = 0.9,
) -> dict[str, Any]:
    """Per vehicle, family or provider: ``flights``, ``successes``, ``failures``,
    ``partial_failures``, ``since_last_failure`` and the Beta-binomial posterior's
    ``p_success`` with ``p_low``-``p_high`` (``interval``); the prior pools a vehicle with its
    family. ``GET /api/reliability?vehicle=Soyuz-2.1b``."""
    request = api.ReliabilityRequest(
        by=by,
        vehicle=vehicle,
        provider=provider,
        start=day_param(start, field="from"),
        as_of=day_param(as_of, field="as_of"),
        interval=interval,
    )
    answer = api.reliability(ctx.cursor, request)
    return {
        "source": ctx.source(),
        "by": answer.by,
        "interval": answer.interval,
        "rests_on": json_safe(answer.rests_on),
        "data": json_safe(answer.rows),
    }


@router.get(
    "/forecast",
    responses=ERROR_RESPONSES,
    summary="Launches in a coming year with 80 % and 95 % intervals",
)
def forecast(
    ctx: Ctx,
    request: Request,
    by: Annotated[
        Literal["provider-state", "provider", "site", "family"],
        Query(description="What to group on."),
    ] = "provider-state",
    year: Annotated[
        int | None, Query(ge=1958, le=2200, description="Year to forecast (default: next).")
    ] = None,
    sites: Annotated[
        str | None, Query(max_length=500, description="Only these sites (with by=site).")
    ] = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """Per group: ``mean``, ``median``, ``low_80``-``high_80`` and ``low_95``-``high_95``
    launches in ``year``, the yearly ``history`` it rests on, and the scheduled flights of
    new vehicle families it adds (``manifest_new_vehicles``, ``manifest_expected``).
    ``GET /api/forecast?by=site&sites=Baikonur,Vostochny&year=2025``."""
    cadence_request = api.CadenceRequest(
        by=by,
        year=year,
        sites=tuple(name_list(sites)),
        as_of=day_param(as_of, field="as_of"),
    )
    answer = api.cadence_forecast(ctx.cursor, cadence_request, request.app.state.home)
    return {
        "source": ctx.source(),
        "by": answer.by,
        "year": answer.year,
        "rests_on": json_safe(answer.rests_on),
        "data": json_safe(answer.rows),
    }
