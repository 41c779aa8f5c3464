"""Which site x vehicle options can put a payload of a given mass on a target orbit.

>>> ranking = reach(Target.circular(400, 51.6), 7000, exclude_states=("RU",))
>>> bool(ranking.options.empty)
False
>>> "Baikonur" in set(ranking.options["site"])
False

At a published orbit the configuration that flew it answers the published figure; the other
configuration is a separate option, with the model's figure and its uncertainty:

>>> soyuz5 = reach(Target.circular(200, 51.6), 15000, vehicles=["Soyuz-5"]).options
>>> for row in soyuz5.itertuples():
...     print(f"{row.configuration}: {row.capacity_text.split(' (')[0]}, {row.capacity_basis}")
expendable, without Blok DM-03: 17,000 kg, published
expendable, with Blok DM-03: 19,923 kg ± 2 %, extrapolated 3,090 m/s
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cosmodrome.capability.geometry import (
    EARTH_RADIUS_KM,
    GEO_ALTITUDE_KM,
    MU_EARTH_M3_S2,
    check_request,
    gto_to_geo_m_s,
    rotation_speed_m_s,
    sso_inclination_deg,
)
from cosmodrome.capability.launch import best_launch, corridor_inclinations, site_budget
from cosmodrome.capability.loo import vehicle_accuracy
from cosmodrome.capability.vehicles import (
    Capacity,
    CapacityPoint,
    Vehicle,
    capacity_at,
    find_vehicle,
    load_vehicles,
)
from cosmodrome.errors import InputError
from cosmodrome.spaceports import Spaceport, find_spaceport
from cosmodrome.states import iso_state, resolve_states, within
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    import pandas as pd

ORBITS = ("leo", "sso", "gto", "geo")
#: How an option's notes begin the configuration its capacity is for.
CONFIGURATION_NOTE = "capacity as published: "
#: Perigee of ``--orbit gto`` unless ``--alt`` says otherwise (km).
GTO_PERIGEE_KM = 185.0


#: The orbits a target may be named by (:meth:`Target.named`), in words.
NAMED_ORBITS = {
    "leo": "LEO (circular, 400 km unless given)",
    "sso": "SSO (sun-synchronous, 550 km unless given)",
    "gto": "GTO (185 x 35,786 km)",
    "geo": "GEO (35,786 km, equatorial)",
}


@dataclass(frozen=True)
class Target:
    """A target orbit. ``inc_deg`` None means 'whatever suits each site best' (due east).

    With ``c3_km2_s2`` the target is an escape (C3 > 0) or lunar-transfer (C3 near -2)
    trajectory injected at ``perigee_km``; ``apogee_km`` then equals the perigee.
    """

    perigee_km: float
    apogee_km: float
    inc_deg: float | None
    label: str
    c3_km2_s2: float | None = None

    @classmethod
    def escape(
        cls, c3_km2_s2: float, perigee_km: float = 200.0, inc_deg: float | None = None
    ) -> Target:
        """An escape or lunar-transfer trajectory of energy ``c3_km2_s2`` from ``perigee_km``."""
        label = f"C3 {c3_km2_s2:g} km2/s2 from {perigee_km:g} km" + (
            f" x {inc_deg:g} deg" if inc_deg is not None else ""
        )
        return cls(perigee_km, perigee_km, inc_deg, label, c3_km2_s2)

    @classmethod
    def circular(cls, altitude_km: float, inc_deg: float | None) -> Target:
        label = f"{altitude_km:g} km" + (f" x {inc_deg:g} deg" if inc_deg is not None else "")
        return cls(altitude_km, altitude_km, inc_deg, label)

    @classmethod
    def named(
        cls, orbit: str, altitude_km: float | None = None, inc_deg: float | None = None
    ) -> Target:
        """``leo`` (default 400 km), ``sso`` (default 550 km), ``gto`` (185 x 35786), ``geo``.

        A named orbit is never mixed with elements it fixes: an altitude with ``gto`` or
        ``geo``, an inclination with ``sso`` or ``geo``, or a retrograde GTO is refused.
        """
        orbit = orbit.strip().casefold()
        fixed = {"gto": ("altitude",), "geo": ("altitude", "inclination"), "sso": ("inclination",)}
        given = {"altitude": altitude_km, "inclination": inc_deg}
        clashes = [name for name in fixed.get(orbit, ()) if given[name] is not None]
        if clashes:
            raise InputError(
                f"orbit {orbit} fixes its {' and '.join(clashes)}; leave "
                f"{' and '.join(clashes)} out, or describe the orbit by its elements instead"
            )
        if orbit == "gto" and inc_deg is not None and inc_deg >= 90:
            raise InputError(
                f"a GTO is prograde: inclination {inc_deg:g} deg is retrograde; give one below 90"
            )
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
        return self.c3_km2_s2 is None and self.apogee_km > 10_000.0 > self.perigee_km

    def check(self, mass_kg: float) -> None:
        check_request(self.perigee_km, 0.0 if self.inc_deg is None else self.inc_deg, mass_kg)
        if self.apogee_km < self.perigee_km:
            raise InputError(
                f"apogee {self.apogee_km:g} km is below perigee {self.perigee_km:g} km"
            )
        if self.c3_km2_s2 is not None:
            circular = -MU_EARTH_M3_S2 / ((EARTH_RADIUS_KM + self.perigee_km) * 1e3) / 1e6
            if self.c3_km2_s2 < circular:
                raise InputError(
                    f"C3 {self.c3_km2_s2:g} km2/s2 is below that of a circular orbit at "
                    f"{self.perigee_km:g} km ({circular:.1f} km2/s2)"
                )


@dataclass(frozen=True)
class Ranking:
    """Feasible options, best first; when there are none, ``reason`` and the near misses.

    ``notes`` say what the ranking compares: each option is one configuration (column
    ``configuration``: Falcon 9's figures are expendable, Proton-M flies with or without
    Briz-M), a capacity is ``published`` only as the maker's figure for it and otherwise
    carries its leave-one-out uncertainty, and options to a GTO may reach GTOs of different
    inclinations (columns ``gto_inc_deg``, ``gto_to_geo_m_s``).

    ``option_rows`` and ``miss_rows`` are the tables as plain rows (what the CLI and the web
    show); ``options`` and ``near_misses`` give them as DataFrames to Python users.
    """

    target: Target
    mass_kg: float
    option_rows: Rows
    miss_rows: Rows = field(default_factory=lambda: Rows([], []))
    reason: str = ""
    notes: tuple[str, ...] = ()

    @property
    def options(self) -> pd.DataFrame:
        """The feasible options as a DataFrame (loads pandas)."""
        return self.option_rows.to_frame()

    @property
    def near_misses(self) -> pd.DataFrame:
        """The near misses as a DataFrame (loads pandas)."""
        return self.miss_rows.to_frame()

    def as_json(self) -> dict[str, Any]:
        """The ranking as JSON values: target, mass, options, reason, near misses, notes
        (the CLI's ``--format json`` and ``/api/reach`` answer with it)."""
        return {
            "target": {
                "perigee_km": self.target.perigee_km,
                "apogee_km": self.target.apogee_km,
                "inc_deg": self.target.inc_deg,
                "c3_km2_s2": self.target.c3_km2_s2,
                "label": self.target.label,
            },
            "mass_kg": self.mass_kg,
            "options": self.option_rows.records(),
            "reason": self.reason or None,
            "near_misses": self.miss_rows.records(),
            "notes": list(self.notes),
        }


def evaluate(
    port: Spaceport, vehicle: Vehicle, target: Target, mass_kg: float
) -> list[dict[str, Any]]:
    """The site x vehicle options as rows, one per configuration the vehicle flies in:
    azimuth, delta-v, capacity with its basis and uncertainty, margin and notes.

    ``configuration`` names the configuration (``expendable, with Briz-M``); a vehicle with
    an optional upper stage gives one row with it and one without, each with its own basis.
    ``capacity_kg`` is the published figure, to the kg, where the target is a published
    orbit from this site for this configuration (``capacity_basis`` "published",
    ``capacity_uncertainty_pct`` None); otherwise the model's figure with the vehicle's
    leave-one-out error as ``capacity_uncertainty_pct`` (``capacity_text``: "6,534 kg ± 18 %").
    For a GTO target, ``gto_inc_deg`` is the inclination of the GTO this option reaches (the
    site's nearest allowed one when the target gives none) and ``gto_to_geo_m_s`` the
    delta-v still needed from it to GEO; both are None otherwise.
    """
    wanted_inc = abs(port.lat_deg) if target.inc_deg is None else target.inc_deg
    is_gto = target.is_gto
    if is_gto and target.inc_deg is None:
        # a GTO accepts the site's own inclination; the GEO cost is shown separately
        wanted_inc = best_launch(port, wanted_inc, target.perigee_km)[0]
    launch = site_budget(port, target.perigee_km, target.apogee_km, wanted_inc, target.c3_km2_s2)
    budget = launch.budget
    launch_inc = budget.launch_inc_deg
    on_target = launch.on_target or (is_gto and target.inc_deg is None)
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
    orbit = (target.perigee_km, target.apogee_km, wanted_inc, target.c3_km2_s2)
    common: dict[str, Any] = {
        "site": port.name,
        "site_country": port.country,
        "site_country_name": iso_state(port.country).name,
        "vehicle": vehicle.name,
        "vehicle_state": vehicle.state,
        "vehicle_state_name": iso_state(vehicle.state).name,
        "vehicle_status": vehicle.status,
        "launch_inc_deg": round(launch_inc, 2),
        "launch_azimuth_deg": round(launch.ground_azimuth_deg, 1),
        "plane_change_deg": round(abs(wanted_inc - launch_inc), 2),
        "delta_v_m_s": round(budget.total_m_s),
        "rotation_gain_m_s": round(budget.rotation_gain_m_s),
    }
    rows = []
    for optional_stages in vehicle.configurations:
        capacity = capacity_at(vehicle, port.key, orbit, budget.total_m_s, optional_stages)
        rows.append(
            common
            | _capacity_fields(vehicle, capacity, mass_kg)
            | {
                "direct": on_target,
                "gto_inc_deg": round(wanted_inc, 2) if is_gto else None,
                "gto_to_geo_m_s": round(gto_to_geo) if gto_to_geo is not None else None,
                "notes": "; ".join(notes + _capacity_notes(capacity)),
            }
        )
    return rows


def _capacity_fields(vehicle: Vehicle, capacity: Capacity, mass_kg: float) -> dict[str, Any]:
    """Configuration, capacity with its basis, uncertainty and source, and the margin."""
    kg = round(max(0.0, capacity.kg))
    accuracy = vehicle_accuracy(vehicle.key)
    modelled = capacity.basis == "interpolated" or capacity.basis.startswith("extrapolated")
    gap = capacity.extrapolated_m_s
    uncertainty = accuracy.uncertainty_at_pct(gap) if modelled else None
    if capacity.is_published:
        text = f"{kg:,} kg (published)"
    elif uncertainty is not None:
        text = f"{kg:,} kg {accuracy.text(gap)}"
    else:
        text = f"{kg:,} kg (flown there: a lower bound)"
    return {
        "configuration": vehicle.configuration_label(capacity.optional_stages),
        "capacity_kg": kg,
        "capacity_basis": capacity.basis,
        "capacity_uncertainty_pct": uncertainty,
        "capacity_text": text,
        "model_error": accuracy.basis_text() if modelled else None,
        "margin_kg": round(kg - mass_kg),
        "margin_pct": round(100.0 * (kg - mass_kg) / mass_kg, 1) if mass_kg > 0 else math.inf,
        "nearest_published": _point_text(capacity.point),
        "nearest_published_source": capacity.point.source,
        "flown_mass": _flown_text(capacity.flown) if capacity.flown is not None else None,
    }


def _capacity_notes(capacity: Capacity) -> list[str]:
    notes = []
    if capacity.is_published and capacity.point.reference_orbit:
        notes.append(
            "the published figure is for a direct ascent to this reference orbit, which the "
            "site's curated corridors do not allow"
        )
    if capacity.flown is not None:
        notes.append(_flown_text(capacity.flown))
    return notes


def _flown_text(point: CapacityPoint) -> str:
    return f"{point.payload_kg:,.0f} kg flown to this orbit: a lower bound, not a capacity"


def _point_text(point: CapacityPoint) -> str:
    """``7,020 kg to 200 x 200 km at 51.6 deg from Baikonur``: a published point in words."""
    return (
        f"{point.payload_kg:,.0f} kg to {point.orbit_text()} from {find_spaceport(point.site).name}"
    )


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
    ``options`` is empty and ``near_misses`` holds the five closest with their shortfall
    (options that cannot reach the orbit at all, 0 kg, are none).
    """
    target.check(mass_kg)
    excluded = resolve_states(exclude_states)
    only = resolve_states(only_states)
    wanted_sites = {find_spaceport(s).key for s in sites} if sites else None
    wanted_vehicles = {find_vehicle(v).key for v in vehicles} if vehicles else None
    rows: list[dict[str, Any]] = []
    for vehicle in load_vehicles():
        if wanted_vehicles is not None and vehicle.key not in wanted_vehicles:
            continue
        if active_only and vehicle.status != "active":
            continue
        for key in vehicle.sites:
            port = find_spaceport(key)
            if wanted_sites is not None and port.key not in wanted_sites:
                continue
            maker, host = iso_state(vehicle.state), iso_state(port.country)
            if any(within(maker, s) or within(host, s) for s in excluded):
                continue
            if only and not (
                any(within(maker, s) for s in only) and any(within(host, s) for s in only)
            ):
                continue
            if active_only and port.status != "active":
                continue
            for row in evaluate(port, vehicle, target, mass_kg):
                if active_only and "pad " in str(row["notes"]):
                    continue
                rows.append(row)
    columns = _COLUMNS if target.is_gto else [c for c in _COLUMNS if not c.startswith("gto_")]
    notes = _ranking_notes(target, rows)
    # Direct first, then the right-sized vehicle (the smallest capacity that fits), then the
    # margin; sorted() is stable, so ties keep the order the options were evaluated in.
    feasible = sorted(
        (row for row in rows if row["margin_kg"] >= 0),
        key=lambda row: (not row["direct"], row["capacity_kg"], -row["margin_kg"]),
    )
    if feasible:
        return Ranking(target, mass_kg, _rows(columns, feasible), notes=notes)
    # A vehicle that cannot reach the orbit at all (0 kg) is no near miss of a mass.
    reachable = [row for row in rows if row["capacity_kg"] > 0]
    misses = sorted(reachable, key=lambda row: -row["margin_kg"])[:5]
    miss_columns = columns
    if not rows:
        reason = "no site x vehicle option passes the filters"
    elif not reachable:
        reason = f"no option of these filters can reach {target.label} at all"
    else:
        for miss in misses:
            miss["reason"] = f"{-int(miss['margin_kg']):,} kg short of {mass_kg:,.0f} kg"
        miss_columns = [*columns, "reason"]
        best = misses[0]
        reason = (
            f"no option can fly {mass_kg:,.0f} kg to {target.label}; nearest miss: {best['vehicle']} "
            f"from {best['site']} ({int(best['capacity_kg']):,} kg)"
        )
    misses_rows = _rows(miss_columns, misses)
    return Ranking(target, mass_kg, Rows(columns, []), misses_rows, reason, notes)


def _rows(columns: list[str], records: list[dict[str, Any]]) -> Rows:
    return Rows(columns, [tuple(record.get(c) for c in columns) for record in records])


def _ranking_notes(target: Target, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    notes = []
    if rows:
        kinds = sorted({str(row["configuration"]) for row in rows})
        notes.append(
            "each option is one configuration (column configuration: "
            f"{', '.join(kinds)}); a capacity is 'published' only where it is the maker's "
            "figure for that configuration to that orbit from that site, else it is the "
            "model's, with the vehicle's leave-one-out error as its uncertainty (± %)"
        )
    if target.is_gto and len({row["gto_inc_deg"] for row in rows}) > 1:
        notes.append(
            "the options reach GTOs of different inclinations (gto_inc_deg: "
            + ("each site's nearest allowed one" if target.inc_deg is None else "after dog-legs")
            + "), so the delta-v still needed to reach GEO differs (gto_to_geo_m_s); "
            "compare capacities with it in mind"
        )
    return tuple(notes)


def capability_summary(port: Spaceport | str, pad: str | None = None) -> dict[str, Any]:
    """What a site can reach: latitude, rotation speed, corridors, inclinations, vehicles,
    and its pads (each by every name: ``Site 1/5 (Gagarin's Start, LC1)``).

    ``pad`` (any of a pad's names, :meth:`Spaceport.pad`) keeps that pad only; an unknown one
    raises with the closest pads of the site. Plain values only, ready for JSON; used by
    ``cosmodrome site NAME --capability``.
    """
    if isinstance(port, str):
        port = find_spaceport(port)
    chosen = [port.pad(pad)] if pad else list(port.pads)
    pads = [
        {
            "pad": p.name,
            "pad_name": p.label,
            "gcat_pads": list(p.gcat_pads),
            "status": p.status,
            "lat_deg": p.lat_deg,
            "lon_deg": p.lon_deg,
            "vehicles": list(p.vehicles),
            "source": p.source,
        }
        for p in chosen
    ]
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
        "country_name": iso_state(port.country).name,
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
        "pads": pads,
        "sources": list(port.sources),
    }


_COLUMNS = [
    "site",
    "site_country",
    "site_country_name",
    "vehicle",
    "vehicle_state",
    "vehicle_state_name",
    "vehicle_status",
    "configuration",
    "launch_inc_deg",
    "launch_azimuth_deg",
    "plane_change_deg",
    "delta_v_m_s",
    "rotation_gain_m_s",
    "capacity_kg",
    "capacity_basis",
    "capacity_uncertainty_pct",
    "capacity_text",
    "model_error",
    "margin_kg",
    "margin_pct",
    "direct",
    "gto_inc_deg",
    "gto_to_geo_m_s",
    "notes",
    "nearest_published",
    "nearest_published_source",
    "flown_mass",
]
