"""``/api/cadence``, ``/api/share`` and ``/api/sites/{name}/profile``: the market analytics.

Thin wrappers of :func:`cosmodrome.api.cadence`, :func:`~cosmodrome.api.share`,
:func:`~cosmodrome.api.site_profile` and :func:`~cosmodrome.api.foreign_customers` (see
docs/ANALYTICS.md for the definitions); answers carry the catalog ETag like every catalog
route, so they are cached per catalog version.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows, json_records, json_safe
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import (
    FormatQuery,
    FromQuery,
    MissionQuery,
    OrbitQuery,
    SectorQuery,
    ToQuery,
    name_list,
    period_params,
)

router = APIRouter(tags=["analytics"])

Dimension = Literal[
    "site",
    "provider",
    "agency",
    "provider-state",
    "vehicle-family",
    "owner-state",
    "owner-sector",
    "mission",
    "orbit-regime",
]
Period = Literal["year", "quarter", "month"]
MAX_EVENTS = 10
#: Rows a JSON answer may hold; more asks the caller to narrow the question (CSV: 10x).
MAX_ROWS = 20_000

ByQuery = Annotated[
    Dimension,
    Query(
        description="Group by launch site, provider (the organisation: United Launch "
        "Alliance one provider, CASC with its academies), agency (GCAT's launch agency codes "
        "apart), provider state, vehicle family, payload owner state (a rideshare is shared between its owner states), or "
        "the payload's sector, mission or orbit regime (a launch counts in its primary "
        "payload's group)."
    ),
]
PeriodQuery = Annotated[Period, Query(description="UTC calendar periods.")]
OnlyQuery = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Keep these groups, comma-separated, as people write them "
        "(Baikonur,Vostochny or RU,US or SpaceX).",
    ),
]
TopQuery = Annotated[
    int | None,
    Query(ge=1, le=30, description="Keep the N busiest groups; the rest become '(other)'."),
]


def _bounded(frame: Rows, format: str) -> Rows:
    limit = MAX_ROWS * (10 if format == "csv" else 1)
    if len(frame) > limit:
        raise InputError(
            f"{len(frame):,} rows is more than {limit:,}; narrow the question with top, only, "
            "a longer period (year) or from/to"
        )
    return frame


def launch_where(
    site: str | None = None,
    sector: str | None = None,
    mission: str | None = None,
    orbit: str | None = None,
) -> api.LaunchFilter:
    """The launches a grouped answer counts (an empty field filters nothing)."""
    return api.LaunchFilter(
        site=site or None, sector=sector or None, mission=mission or None, orbit=orbit or None
    )


@router.get(
    "/cadence",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Launches and payloads per period and group",
)
def launch_cadence(
    ctx: Ctx,
    by: ByQuery = "site",
    period: PeriodQuery = "year",
    only: OnlyQuery = None,
    start: FromQuery = None,
    end: ToQuery = None,
    top: TopQuery = None,
    site: Annotated[
        str | None,
        Query(max_length=200, description="Count only launches from this site (any name)."),
    ] = None,
    sector: SectorQuery = None,
    mission: MissionQuery = None,
    orbit: OrbitQuery = None,
    format: FormatQuery = "json",
) -> Any:
    """Launches (one per GCAT launch tag) and payloads per UTC period and group, with zeros
    for quiet periods, from ``from`` (else the first launch counted) to ``to`` (else the
    data date).

    ``GET /api/cadence?by=site&only=Baikonur&from=2012&to=2024`` gives Baikonur's
    launches per year, 2012 to 2024.
    """
    first, last = period_params(start, end)
    frame = api.cadence(
        ctx.cursor,
        by,
        period,
        only=name_list(only) or None,
        start=first,
        end=last,
        where=launch_where(site, sector, mission, orbit),
        top=top,
    )
    return _grouped_answer(ctx, "cadence", frame, format, by, period, first, last)


@router.get(
    "/share",
    dependencies=[FIELDS],
    responses=ERROR_RESPONSES,
    summary="Each group's share of the world's launches and payloads per period",
)
def market_share(
    ctx: Ctx,
    by: ByQuery = "provider-state",
    period: PeriodQuery = "year",
    only: OnlyQuery = None,
    start: FromQuery = None,
    end: ToQuery = None,
    top: TopQuery = None,
    sector: SectorQuery = None,
    mission: MissionQuery = None,
    orbit: OrbitQuery = None,
    format: FormatQuery = "json",
) -> Any:
    """The rows of ``/api/cadence`` plus the world totals of each period and
    ``launch_share`` and ``payload_share`` (fractions between 0 and 1). Without ``only``
    the shares of a period sum to 1; a period without any launch has ``null`` shares.
    """
    first, last = period_params(start, end)
    frame = api.share(
        ctx.cursor,
        by,
        period,
        only=name_list(only) or None,
        start=first,
        end=last,
        where=launch_where(None, sector, mission, orbit),
        top=top,
    )
    return _grouped_answer(ctx, "share", frame, format, by, period, first, last)


def _grouped_answer(
    ctx: Ctx,
    kind: str,
    frame: Rows,
    format: str,
    by: str,
    period: str,
    first: date | None,
    last: date | None,
) -> Any:
    """The answer of ``/api/cadence`` and ``/api/share``: CSV, or JSON with its query."""
    frame = _bounded(frame, format)
    if format == "csv":
        return ctx.csv(frame.to_frame(), f"{kind}-by-{by}-{period}.csv")
    return {
        "source": ctx.source(),
        "query": {"by": by, "period": period, "from": json_safe(first), "to": json_safe(last)},
        "total": len(frame),
        "data": json_records(frame),
    }


def _events(texts: list[str] | None, defaults: bool) -> list[api.Event]:
    chosen = texts or []
    if len(chosen) > MAX_EVENTS:
        raise InputError(f"give at most {MAX_EVENTS} events, got {len(chosen)}")
    if any(len(text) > 200 for text in chosen):
        raise InputError("an event is DATE=LABEL with at most 200 characters")
    return api.events_from(chosen, defaults=defaults)


@router.get(
    "/sites/{name}/profile",
    responses=ERROR_RESPONSES,
    summary="A site's events (before/after), vehicles and foreign customers",
)
def site_profile_extras(
    name: Annotated[
        str, Path(max_length=200, description="Site name or code: Baikonur, Tyuratam, GIK-5.")
    ],
    ctx: Ctx,
    start: FromQuery = None,
    end: ToQuery = None,
    event: Annotated[
        list[str] | None,
        Query(
            description="Extra events, DATE=LABEL (2019-01-01=New rule; 2014-03 is the first "
            f"of the month); repeatable, at most {MAX_EVENTS}."
        ),
    ] = None,
    default_events: Annotated[
        bool, Query(description="Include the default events (USSR dissolved, ...).")
    ] = True,
    window: Annotated[
        int, Query(ge=1, le=20, description="Years compared before and after each event.")
    ] = 5,
) -> dict[str, Any]:
    """The analytics half of a site profile (``/api/sites/{name}`` has names and pads):

    * ``events`` to mark on the cadence chart and ``event_effects``: the mean yearly launch
      rate ``window`` years before and after each event, with exact 95 % Poisson intervals
      and the rate ratio;
    * ``vehicles``: launches per vehicle family between ``from`` and ``to``, and
      ``vehicles_all_time`` with successes, failures, first and last launch;
    * ``providers`` (all time), ``customers``: foreign customers (payload owner state not
      the provider state) between ``from`` and ``to``, and ``customers_by_era``: foreign
      customers in each period between the events.
    """
    first, last = period_params(start, end)
    events = _events(event, default_events)
    profile = api.site_profile(ctx.cursor, name, events=events, window_years=window)
    vehicles = api.cadence(
        ctx.cursor,
        "vehicle-family",
        "year",
        start=first,
        end=last,
        where=api.LaunchFilter(site=name),
    )
    per_family = _per_family(vehicles)
    return {
        "source": ctx.source(),
        "query": name,
        "name": profile.name,
        "sites": profile.sites,
        "data_date": json_safe(profile.data_date),
        "period": {"from": json_safe(first), "to": json_safe(last)},
        "events": [{"day": e.day.isoformat(), "label": e.label} for e in profile.events],
        "event_effects": json_records(profile.event_effects),
        "window_years": window,
        "vehicles": per_family,
        "vehicles_all_time": json_records(profile.by_family),
        "providers": json_records(profile.by_provider),
        "customers": json_records(api.foreign_customers(ctx.cursor, name, first, last)),
        "customers_by_era": json_records(profile.foreign_customers),
        "busiest_years": json_records(profile.busiest_years),
    }


def _per_family(vehicles: Rows) -> list[dict[str, Any]]:
    """Launches and payloads per vehicle family over every period of ``vehicles`` (cadence
    rows by family), busiest first; families without a launch left out."""
    totals: dict[tuple[str, str], list[float]] = {}
    for row in vehicles.records():
        sums = totals.setdefault((row["group"], row["label"]), [0, 0])
        sums[0] += row["launches"]
        sums[1] += row["payloads"]
    return [
        {"vehicle_family_code": group, "vehicle_family": label, "launches": n, "payloads": p}
        for (group, label), (n, p) in sorted(totals.items(), key=lambda t: (-t[1][0], t[0][1]))
        if n > 0
    ]
