"""Which site x vehicle options can put a payload of a given mass on a target orbit.

>>> ranking = reach(Target.circular(400, 51.6), 7000, exclude_states=("RU",))
>>> bool(ranking.options.empty)
False
>>> "Baikonur" in set(ranking.options["site"])
False
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from cosmodrome.capability.geometry import (
    GEO_ALTITUDE_KM,
    ascent_budget,
    check_request,
    circular_speed_m_s,
    gto_to_geo_m_s,
    inclination_from_azimuth_deg,
    rotation_speed_m_s,
    sso_inclination_deg,
)
from cosmodrome.capability.vehicles import (
    CapacityPoint,
    Vehicle,
    capacity_basis,
    find_vehicle,
    fit_vehicle,
    load_vehicles,
)
from cosmodrome.errors import InputError
from cosmodrome.spaceports import Spaceport, find_spaceport
from cosmodrome.tables import json_records

ORBITS = ("leo", "sso", "gto", "geo")
#: How an option's notes begin the configuration its capacity is for.
CONFIGURATION_NOTE = "capacity as published: "
#: Perigee of ``--orbit gto`` unless ``--alt`` says otherwise (km).
GTO_PERIGEE_KM = 185.0

#: Sovereign state used by the state filters when it differs from the host territory.
_SOVEREIGN = {"GF": "FR"}


@dataclass(frozen=True)
class Target:
    """A target orbit. ``inc_deg`` None means 'whatever suits each site best' (due east)."""

    perigee_km: float
    apogee_km: float
    inc_deg: float | None
    label: str

    @classmethod
    def circular(cls, altitude_km: float, inc_deg: float | None) -> Target:
        label = f"{altitude_km:g} km" + (f" x {inc_deg:g} deg" if inc_deg is not None else "")
        return cls(altitude_km, altitude_km, inc_deg, label)

    @classmethod
    def named(
        cls, orbit: str, altitude_km: float | None = None, inc_deg: float | None = None
    ) -> Target:
        """``leo`` (default 400 km), ``sso`` (default 550 km), ``gto`` (185 x 35786), ``geo``."""
        orbit = orbit.strip().casefold()
        if orbit == "leo":
            return cls.circular(altitude_km or 400.0, inc_deg)
        if orbit == "sso":
            alt = altitude_km or 550.0
            return cls(alt, alt, sso_inclination_deg(alt), f"SSO {alt:g} km")
        if orbit == "gto":
            label = "GTO" + (
                f" x {inc_deg:g} deg" if inc_deg is not None else " (each site's own inclination)"
            )
            return cls(altitude_km or GTO_PERIGEE_KM, GEO_ALTITUDE_KM, inc_deg, label)
        if orbit == "geo":
            return cls(GEO_ALTITUDE_KM, GEO_ALTITUDE_KM, 0.0, "GEO")
        raise InputError(f"unknown orbit {orbit!r}; choose one of {', '.join(ORBITS)}")

    @property
    def is_gto(self) -> bool:
        """A transfer orbit: perigee below 10,000 km, apogee above (GEO cost shown separately)."""
        return self.apogee_km > 10_000.0 > self.perigee_km

    def check(self, mass_kg: float) -> None:
        check_request(self.perigee_km, 0.0 if self.inc_deg is None else self.inc_deg, mass_kg)
        if self.apogee_km < self.perigee_km:
            raise InputError(
                f"apogee {self.apogee_km:g} km is below perigee {self.perigee_km:g} km"
            )


@dataclass(frozen=True)
class Ranking:
    """Feasible options, best first; when there are none, ``reason`` and the near misses.

    ``notes`` say what the ranking compares: capacities are the published configuration's
    (column ``configuration``: Falcon 9's are expendable figures), and options to a GTO may
    reach GTOs of different inclinations (columns ``gto_inc_deg``, ``gto_to_geo_m_s``).
    """

    target: Target
    mass_kg: float
    options: pd.DataFrame
    near_misses: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason: str = ""
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The ranking as JSON values: target, mass, options, reason, near misses, notes
        (the CLI's ``--format json`` and ``/api/reach`` answer with it)."""
        return {
            "target": {
                "perigee_km": self.target.perigee_km,
                "apogee_km": self.target.apogee_km,
                "inc_deg": self.target.inc_deg,
                "label": self.target.label,
            },
            "mass_kg": self.mass_kg,
            "options": json_records(self.options),
            "reason": self.reason or None,
            "near_misses": json_records(self.near_misses),
            "notes": list(self.notes),
        }


def corridor_inclinations(port: Spaceport, altitude_km: float = 400.0) -> list[tuple[float, float]]:
    """``(inclination_deg, ground_azimuth_deg)`` pairs the site's corridors allow (0.5 deg steps).

    Corridors are ground-relative; the inertial azimuth adds Earth's rotation to a velocity of
    the circular speed at ``altitude_km``. A site without corridors allows every azimuth.
    """
    return [pair for track in _corridor_tracks(port, altitude_km) for pair in track]


@cache
def _corridor_tracks(
    port: Spaceport, altitude_km: float
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Per corridor, ``(inclination, ground azimuth)`` every 0.5 deg of azimuth; computed
    once per site and altitude (a ranking asks again for every vehicle flying from it)."""
    v = circular_speed_m_s(altitude_km)
    v_rot = rotation_speed_m_s(port.lat_deg, port.height_m)
    spans = [(c.min_az_deg, (c.max_az_deg - c.min_az_deg) % 360.0) for c in port.corridors]
    if not spans:
        spans = [(0.0, 359.5)]
    tracks: list[tuple[tuple[float, float], ...]] = []
    for start, span in spans:
        track: list[tuple[float, float]] = []
        for ground in np.linspace(start, start + span, max(2, int(span / 0.5) + 1)):
            east = v * math.sin(math.radians(ground)) + v_rot
            north = v * math.cos(math.radians(ground))
            inertial = math.degrees(math.atan2(east, north))
            track.append(
                (inclination_from_azimuth_deg(port.lat_deg, inertial), float(ground % 360.0))
            )
        tracks.append(tuple(track))
    return tuple(tracks)


def best_launch(
    port: Spaceport, target_inc_deg: float, altitude_km: float
) -> tuple[float, float, bool]:
    """Launch inclination nearest the target that a corridor allows, its ground azimuth, and
    whether that is on target (the target lies within a corridor's continuous range)."""
    tracks = _corridor_tracks(port, altitude_km)
    for track in tracks:
        for (inc_a, az_a), (inc_b, az_b) in pairwise(track):
            low, high = min(inc_a, inc_b), max(inc_a, inc_b)
            if low - 1e-9 <= target_inc_deg <= high + 1e-9:
                share = 0.0 if high == low else (target_inc_deg - inc_a) / (inc_b - inc_a)
                span = (az_b - az_a + 180.0) % 360.0 - 180.0
                return target_inc_deg, (az_a + share * span) % 360.0, True
    pairs = [pair for track in tracks for pair in track]
    inc, azimuth = min(pairs, key=lambda p: (round(abs(p[0] - target_inc_deg), 6), p[0]))
    return inc, azimuth, False


def evaluate(
    port: Spaceport, vehicle: Vehicle, target: Target, mass_kg: float
) -> dict[str, object]:
    """One site x vehicle option as a row: azimuth, delta-v, capacity, margin and notes.

    ``configuration`` says which configuration the capacity is for (as published: Falcon 9's
    figures are expendable). For a GTO target, ``gto_inc_deg`` is the inclination of the GTO
    this option reaches (the site's nearest allowed one when the target gives none) and
    ``gto_to_geo_m_s`` the delta-v still needed from it to GEO; both are None otherwise.
    """
    wanted_inc = abs(port.lat_deg) if target.inc_deg is None else target.inc_deg
    is_gto = target.is_gto
    launch_inc, ground_az, on_target = best_launch(port, wanted_inc, target.perigee_km)
    if is_gto and target.inc_deg is None:
        on_target = True  # a GTO accepts the site's own inclination; GEO cost shown separately
        wanted_inc = launch_inc
    budget = ascent_budget(
        port.lat_deg,
        target.perigee_km,
        target.apogee_km,
        wanted_inc,
        launch_inc_deg=launch_inc,
        height_m=port.height_m,
    )
    model = fit_vehicle(vehicle)
    capacity = max(0.0, model.payload_kg(budget.total_m_s))
    basis, nearest = capacity_basis(vehicle, port.key, budget.total_m_s)
    notes: list[str] = []
    if on_target:
        notes.append("direct")
    elif abs(port.lat_deg) > wanted_inc or wanted_inc > 180.0 - abs(port.lat_deg):
        notes.append(
            f"dog-leg: {wanted_inc:.1f} deg is outside the direct range from latitude {port.lat_deg:.1f}"
        )
    else:
        notes.append(f"corridor-limited: nearest allowed launch inclination {launch_inc:.1f} deg")
    if vehicle.status != "active":
        notes.append(f"vehicle {vehicle.status}")
    if port.status != "active":
        notes.append(f"site {port.status}")
    pad_statuses = {p.status for p in port.pads if vehicle.name in p.vehicles}
    if pad_statuses and "active" not in pad_statuses:
        notes.append(f"pad {'/'.join(sorted(pad_statuses))}")
    gto_to_geo = gto_to_geo_m_s(wanted_inc, target.perigee_km) if is_gto else None
    if gto_to_geo is not None:
        notes.append(f"GTO at {wanted_inc:.1f} deg needs {gto_to_geo:.0f} m/s to GEO")
    if all(p.site != port.key for p in vehicle.points):
        notes.append("capacity transferred from another site by the model")
    notes.append(CONFIGURATION_NOTE + vehicle.configuration_text)
    plane_change_deg = abs(wanted_inc - launch_inc)
    return {
        "site": port.name,
        "site_country": port.country,
        "vehicle": vehicle.name,
        "vehicle_state": vehicle.state,
        "vehicle_status": vehicle.status,
        "configuration": vehicle.configuration,
        "launch_inc_deg": round(launch_inc, 2),
        "launch_azimuth_deg": round(ground_az, 1),
        "plane_change_deg": round(plane_change_deg, 2),
        "delta_v_m_s": round(budget.total_m_s),
        "rotation_gain_m_s": round(budget.rotation_gain_m_s),
        "capacity_kg": round(capacity),
        "capacity_basis": basis,
        "nearest_published": _point_text(nearest),
        "nearest_published_source": nearest.source,
        "margin_kg": round(capacity - mass_kg),
        "margin_pct": round(100.0 * (capacity - mass_kg) / mass_kg, 1) if mass_kg > 0 else math.inf,
        "direct": on_target,
        "gto_inc_deg": round(wanted_inc, 2) if is_gto else None,
        "gto_to_geo_m_s": round(gto_to_geo) if gto_to_geo is not None else None,
        "notes": "; ".join(notes),
    }


def _point_text(point: CapacityPoint) -> str:
    """``7,020 kg to 200 x 200 km at 51.6 deg from Baikonur``: a published point in words."""
    if point.c3_km2_s2 is not None:
        orbit = f"C3 {point.c3_km2_s2:g} km2/s2"
    else:
        orbit = f"{point.perigee_km:g} x {point.apogee_km:g} km at {point.inc_deg:.1f} deg"
    return f"{point.payload_kg:,.0f} kg to {orbit} from {find_spaceport(point.site).name}"


def reach(
    target: Target,
    mass_kg: float,
    *,
    sites: Sequence[str] | None = None,
    vehicles: Sequence[str] | None = None,
    exclude_states: Iterable[str] = (),
    only_states: Iterable[str] = (),
    active_only: bool = False,
) -> Ranking:
    """Rank the site x vehicle options that can fly ``mass_kg`` to ``target``.

    Filters: ``sites`` and ``vehicles`` by name or alias; ``exclude_states`` drops an option
    when its vehicle's state *or* its site's country (or sovereign, Kourou counts as FR) is
    listed; ``only_states`` keeps an option only when both are listed; ``active_only`` drops
    planned or retired vehicles, sites and pads. Options are ranked direct first, then by the
    smallest capacity that fits (the right-sized vehicle), then by margin. When nothing fits,
    ``options`` is empty and ``near_misses`` holds the five closest with their shortfall.
    """
    target.check(mass_kg)
    excluded = {s.strip().upper() for s in exclude_states if s.strip()}
    only = {s.strip().upper() for s in only_states if s.strip()}
    wanted_sites = {find_spaceport(s).key for s in sites} if sites else None
    wanted_vehicles = {find_vehicle(v).key for v in vehicles} if vehicles else None
    rows: list[dict[str, object]] = []
    for vehicle in load_vehicles():
        if wanted_vehicles is not None and vehicle.key not in wanted_vehicles:
            continue
        if active_only and vehicle.status != "active":
            continue
        for key in vehicle.sites:
            port = find_spaceport(key)
            if wanted_sites is not None and port.key not in wanted_sites:
                continue
            states = {vehicle.state, port.country, _SOVEREIGN.get(port.country, port.country)}
            site_states = {port.country, _SOVEREIGN.get(port.country, port.country)}
            if excluded & states:
                continue
            if only and (vehicle.state not in only or not (site_states & only)):
                continue
            if active_only and port.status != "active":
                continue
            row = evaluate(port, vehicle, target, mass_kg)
            if active_only and "pad " in str(row["notes"]):
                continue
            rows.append(row)
    columns = _COLUMNS if target.is_gto else [c for c in _COLUMNS if not c.startswith("gto_")]
    frame = pd.DataFrame(rows, columns=columns)
    notes = _ranking_notes(target, frame)
    feasible = frame[frame["margin_kg"] >= 0].sort_values(
        ["direct", "capacity_kg", "margin_kg"], ascending=[False, True, False]
    )
    if not feasible.empty:
        return Ranking(target, mass_kg, feasible.reset_index(drop=True), notes=notes)
    misses = frame.sort_values("margin_kg", ascending=False).head(5).reset_index(drop=True)
    if frame.empty:
        reason = "no site x vehicle option passes the filters"
    else:
        misses = misses.assign(
            reason=[f"{-int(m):,} kg short of {mass_kg:,.0f} kg" for m in misses["margin_kg"]]
        )
        best = misses.iloc[0]
        reason = (
            f"no option can fly {mass_kg:,.0f} kg to {target.label}; nearest miss: {best['vehicle']} "
            f"from {best['site']} ({int(best['capacity_kg']):,} kg)"
        )
    return Ranking(target, mass_kg, frame.iloc[0:0], misses, reason, notes)


def _ranking_notes(target: Target, frame: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    if not frame.empty:
        kinds = sorted(set(frame["configuration"]))
        notes.append(
            "capacities are the published figures for the configuration in column "
            f"configuration ({', '.join(kinds)}); a vehicle flown otherwise carries a "
            "different mass (each option's notes say more)"
        )
    if target.is_gto and not frame.empty and frame["gto_inc_deg"].nunique() > 1:
        notes.append(
            "the options reach GTOs of different inclinations (gto_inc_deg: "
            + ("each site's nearest allowed one" if target.inc_deg is None else "after dog-legs")
            + "), so the delta-v still needed to reach GEO differs (gto_to_geo_m_s); "
            "compare capacities with it in mind"
        )
    return tuple(notes)


def capability_summary(port: Spaceport | str) -> dict[str, object]:
    """What a site can reach: latitude, rotation speed, corridors, inclinations, vehicles.

    Plain values only, ready for JSON; used by ``cosmodrome site NAME --capability``.
    """
    if isinstance(port, str):
        port = find_spaceport(port)
    corridors = []
    for corridor in port.corridors:
        single = Spaceport(**{**port.__dict__, "corridors": (corridor,)})
        incs = [inc for inc, _az in corridor_inclinations(single)]
        corridors.append(
            {
                "min_az_deg": corridor.min_az_deg,
                "max_az_deg": corridor.max_az_deg,
                "min_inc_deg": round(min(incs), 2),
                "max_inc_deg": round(max(incs), 2),
                "note": corridor.note,
                "source": corridor.source,
            }
        )
    vehicles = [v.name for v in load_vehicles() if port.key in v.sites]
    sso_550 = sso_inclination_deg(550.0)
    allowed = [inc for inc, _az in corridor_inclinations(port)]
    # the lowest inclination a corridor allows into a GTO of 185 km perigee, as reach() takes it
    at_gto = [inc for inc, _az in corridor_inclinations(port, GTO_PERIGEE_KM)]
    gto_inc = max(abs(port.lat_deg), min(at_gto, default=0.0))
    return {
        "site": port.name,
        "country": port.country,
        "status": port.status,
        "lat_deg": port.lat_deg,
        "lon_deg": port.lon_deg,
        "rotation_speed_m_s": round(rotation_speed_m_s(port.lat_deg, port.height_m), 1),
        "min_direct_inc_deg": round(abs(port.lat_deg), 2),
        "max_direct_inc_deg": round(180.0 - abs(port.lat_deg), 2),
        "corridor_inc_range_deg": [round(min(allowed), 2), round(max(allowed), 2)]
        if allowed
        else None,
        "sso_550_km_in_corridor": any(abs(inc - sso_550) <= 0.5 for inc in allowed),
        "gto_inc_deg": round(gto_inc, 2),
        "gto_to_geo_m_s": round(gto_to_geo_m_s(gto_inc)),
        "corridors": corridors,
        "vehicles": vehicles,
        "sources": list(port.sources),
    }


_COLUMNS = [
    "site",
    "site_country",
    "vehicle",
    "vehicle_state",
    "vehicle_status",
    "configuration",
    "launch_inc_deg",
    "launch_azimuth_deg",
    "plane_change_deg",
    "delta_v_m_s",
    "rotation_gain_m_s",
    "capacity_kg",
    "capacity_basis",
    "margin_kg",
    "margin_pct",
    "direct",
    "gto_inc_deg",
    "gto_to_geo_m_s",
    "notes",
    "nearest_published",
    "nearest_published_source",
]
