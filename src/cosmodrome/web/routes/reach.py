"""``/api/reach``: which site x vehicle options can fly a payload to a target orbit.

Backed by :mod:`cosmodrome.capability.reach` (curated vehicle capacities and spaceport
facts, each with its source); mounted only when that module is installed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.tables import json_safe
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.params import name_list

router = APIRouter(tags=["capability"])
CACHE = {"Cache-Control": "public, max-age=300"}


#: Names a comma-separated filter may hold (its 500 characters allow no more).
MAX_NAMES = 250


def _names(text: str | None) -> list[str]:
    return name_list(text, limit=MAX_NAMES)


def target_of(
    orbit: str | None,
    alt_km: float | None,
    inc_deg: float | None,
    perigee_km: float | None,
    apogee_km: float | None,
    c3_km2_s2: float | None = None,
) -> api.Target:
    """The target orbit from the query, as ``cosmodrome reach`` reads its options."""
    if c3_km2_s2 is not None:
        if orbit or apogee_km is not None:
            raise InputError("c3_km2_s2 takes alt_km (injection altitude) and inc_deg only")
        start = alt_km if alt_km is not None else perigee_km or 200.0
        return api.Target.escape(c3_km2_s2, start, inc_deg)
    if orbit:
        return api.Target.named(orbit, alt_km, inc_deg)
    if perigee_km is not None or apogee_km is not None:
        if perigee_km is None or apogee_km is None:
            raise InputError("give both perigee_km and apogee_km, or alt_km for a circular orbit")
        label = f"{perigee_km:g} x {apogee_km:g} km" + (
            f" x {inc_deg:g} deg" if inc_deg is not None else ""
        )
        return api.Target(perigee_km, apogee_km, inc_deg, label)
    if alt_km is None:
        raise InputError("give alt_km, perigee_km and apogee_km, or orbit=leo|sso|gto|geo")
    return api.Target.circular(alt_km, inc_deg)


Km = Annotated[float | None, Query(ge=0, le=1_000_000)]


@router.get(
    "/reach", responses=ERROR_RESPONSES, summary="Rank site x vehicle options for a payload"
)
def reach_options(
    mass_kg: Annotated[float, Query(gt=0, le=1_000_000, description="Payload mass, kg.")],
    orbit: Annotated[
        Literal["leo", "sso", "gto", "geo"] | None, Query(description="A named orbit.")
    ] = None,
    alt_km: Km = None,
    inc_deg: Annotated[
        float | None, Query(ge=0, le=180, description="Inclination, degrees.")
    ] = None,
    perigee_km: Km = None,
    apogee_km: Km = None,
    c3_km2_s2: Annotated[
        float | None,
        Query(ge=-5, le=200, description="Escape energy C3, km2/s2 (injected at alt_km)."),
    ] = None,
    site: Annotated[
        str | None, Query(max_length=500, description="Sites, comma-separated.")
    ] = None,
    vehicle: Annotated[
        str | None, Query(max_length=500, description="Vehicles, comma-separated.")
    ] = None,
    exclude_state: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Drop these states (ISO or GCAT codes or names, comma-separated).",
        ),
    ] = None,
    only_state: Annotated[
        str | None, Query(max_length=200, description="Keep only these states.")
    ] = None,
    active_only: bool = False,
) -> JSONResponse:
    """Feasible options, best first (direct ascents, then the right-sized vehicle, then
    margin); when nothing fits, ``reason`` and the five nearest misses.

    Each option is one configuration (``configuration``); ``capacity_basis`` is
    ``published`` only for the maker's figure for that configuration, orbit and site, else
    the capacity is the model's with ``capacity_uncertainty_pct``, the vehicle's
    leave-one-out error (``capacity_text``: "6,534 kg ± 18 %")."""
    target = target_of(orbit, alt_km, inc_deg, perigee_km, apogee_km, c3_km2_s2)
    ranking = api.reach(
        target,
        mass_kg,
        sites=_names(site) or None,
        vehicles=_names(vehicle) or None,
        exclude_states=_names(exclude_state),
        only_states=_names(only_state),
        active_only=active_only,
    )
    body: dict[str, Any] = {
        **ranking.as_json(),
        "source": {
            "attribution": "Vehicle capacities and spaceport facts curated in Cosmodrome, "
            "each with its source (nearest_published_source); model error: leave-one-out "
            "table in docs/CAPABILITY.md; see /api/capability/{site}"
        },
    }
    return JSONResponse(body, headers=CACHE)


@router.get("/capability/{site}", responses=ERROR_RESPONSES, summary="What one spaceport can reach")
def site_capability(
    site: Annotated[str, Path(max_length=200, description="Spaceport name, alias or GCAT code.")],
    pad: Annotated[
        str | None,
        Query(max_length=100, description="Only this pad, by any name: LC31, Site 31/6."),
    ] = None,
) -> JSONResponse:
    """Latitude, rotation speed, corridors, reachable inclinations and pads of one spaceport."""
    return JSONResponse(json_safe(api.capability_summary(site, pad or None)), headers=CACHE)
