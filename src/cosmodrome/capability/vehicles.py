"""Launch-vehicle performance: published capacity points and a model fitted through them.

Published capacity points (``data/vehicles.toml``, each with its source) are the truth. The
model interpolates between them so that a vehicle can be asked about any orbit from any of its
sites. Each point is turned into the delta-v it demands from its launch site with
:func:`cosmodrome.capability.geometry.ascent_budget` (which includes Earth's rotation, plane
changes and the fixed loss allowance), and the vehicle is then modelled as one *equivalent
single stage*::

    delta_v(m) = ve * ln((m0 + m) / (mb + m))

with an effective exhaust speed ``ve``, an effective lift-off mass ``m0`` and burnout mass
``mb`` (kg). The three numbers are not the rocket's real masses: they are the curve through the
published points. For a fixed ``ve`` the curve is *linear* in ``m0`` and ``mb``
(``m0 - R mb = (R - 1) m`` with ``R = exp(delta_v / ve)``), so fitting is a small least-squares
problem per trial ``ve``:

* three or more points: ``ve`` is searched on a grid, ``m0`` and ``mb`` solved by least squares
  on relative payload error;
* two points: ``ve`` is the default for the upper stage's propellant class, ``m0`` and ``mb``
  solved exactly;
* one point: default ``ve`` and a default burnout fraction ``mb / m0``.

>>> falcon = find_vehicle("Falcon 9")
>>> model = fit_vehicle(falcon)
>>> round(model.payload_kg(model.dv_for_payload_m_s(5000.0)))
5000
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from cosmodrome.capability.geometry import (
    ascent_budget,
    gto_inclination_for_residual_deg,
    sso_inclination_deg,
)
from cosmodrome.errors import InputError, UnknownNameError, closest_names
from cosmodrome.spaceports import Spaceport, find_spaceport

#: Default effective exhaust speed (m/s) of the equivalent single stage, by the propellant of
#: the vehicle's last stage. Calibrated on the vehicles with three or more published points
#: (see docs/CAPABILITY.md); used when a vehicle has fewer points than parameters.
DEFAULT_VE_M_S: dict[str, float] = {
    "kerolox": 3600.0,
    "hydrolox": 4300.0,
    "hypergolic": 3500.0,
    "solid": 3300.0,
    "methalox": 3800.0,
}
#: Default burnout fraction ``mb / m0`` for single-point vehicles.
DEFAULT_BURNOUT_FRACTION = 0.06
_VE_GRID_M_S = np.arange(2000.0, 8001.0, 20.0)


@dataclass(frozen=True)
class CapacityPoint:
    """One published capacity: ``payload_kg`` from ``site`` to an orbit, with its source."""

    site: str  # spaceport key
    kind: str  # leo, sso, gto, geo, escape, orbit
    perigee_km: float
    apogee_km: float
    inc_deg: float
    c3_km2_s2: float | None
    payload_kg: float
    source: str
    note: str

    def spaceport(self) -> Spaceport:
        return find_spaceport(self.site)

    def required_dv_m_s(self) -> float:
        """Delta-v this point demands from its site (ideal + plane change + losses - rotation)."""
        port = self.spaceport()
        return ascent_budget(
            port.lat_deg, self.perigee_km, self.apogee_km, self.inc_deg,
            c3_km2_s2=self.c3_km2_s2, height_m=port.height_m,
        ).total_m_s


@dataclass(frozen=True)
class Vehicle:
    key: str
    name: str
    aliases: tuple[str, ...]
    state: str  # ISO alpha-2 state of the provider
    provider: str
    status: str  # active, planned, retired
    sites: tuple[str, ...]  # spaceport keys it flies from
    upper_stage: str
    sources: tuple[str, ...]
    points: tuple[CapacityPoint, ...]


@dataclass(frozen=True)
class PerformanceModel:
    """Equivalent single stage ``delta_v(m) = ve ln((m0 + m) / (mb + m))``; masses in kg."""

    ve_m_s: float
    m0_kg: float
    mb_kg: float
    points_used: int

    def dv_for_payload_m_s(self, payload_kg: float) -> float:
        return self.ve_m_s * math.log((self.m0_kg + payload_kg) / (self.mb_kg + payload_kg))

    def payload_kg(self, dv_m_s: float) -> float:
        """Payload for a demanded delta-v; negative when the vehicle cannot fly it at all."""
        ratio = math.exp(dv_m_s / self.ve_m_s)
        return (self.m0_kg - ratio * self.mb_kg) / (ratio - 1.0)


@cache
def load_vehicles() -> tuple[Vehicle, ...]:
    """Every vehicle in ``capability/data/vehicles.toml``, in file order."""
    text = resources.files("cosmodrome.capability").joinpath("data/vehicles.toml").read_text("utf-8")
    return tuple(_vehicle(key, entry) for key, entry in tomllib.loads(text)["vehicle"].items())


def find_vehicle(name: str) -> Vehicle:
    """The vehicle called ``name`` (key, name or alias; any case, ``-``/``.``/space alike)."""
    wanted = _fold(name)
    names: list[str] = []
    for vehicle in load_vehicles():
        if wanted in {_fold(s) for s in (vehicle.key, vehicle.name, *vehicle.aliases)}:
            return vehicle
        names.extend((vehicle.name, *vehicle.aliases))
    raise UnknownNameError("launch vehicle", name, closest_names(name, names))


@cache
def fit_vehicle(vehicle: Vehicle) -> PerformanceModel:
    """The performance model through all of ``vehicle``'s published points."""
    return fit_points(
        [(p.required_dv_m_s(), p.payload_kg) for p in vehicle.points], vehicle.upper_stage
    )


def fit_points(points: Sequence[tuple[float, float]], upper_stage: str) -> PerformanceModel:
    """Fit the equivalent single stage to ``(delta_v_m_s, payload_kg)`` pairs (see module doc)."""
    if not points:
        raise InputError("a performance model needs at least one capacity point")
    ve_default = DEFAULT_VE_M_S.get(upper_stage, 3600.0)
    dv = np.array([p[0] for p in points])
    mass = np.array([p[1] for p in points])
    if len(points) == 1:
        ratio = math.exp(dv[0] / ve_default)
        m0 = (ratio - 1.0) * mass[0] / (1.0 - ratio * DEFAULT_BURNOUT_FRACTION)
        return PerformanceModel(ve_default, m0, DEFAULT_BURNOUT_FRACTION * m0, 1)
    if len(points) == 2:
        solved = _solve(dv, mass, ve_default)
        if solved is not None:
            return PerformanceModel(ve_default, solved[0], solved[1], 2)
    best: tuple[float, PerformanceModel] | None = None
    for ve in _VE_GRID_M_S:
        solved = _solve(dv, mass, float(ve))
        if solved is None:
            continue
        model = PerformanceModel(float(ve), solved[0], solved[1], len(points))
        predicted = np.array([model.payload_kg(float(d)) for d in dv])
        if np.any(predicted <= 0):
            continue
        cost = float(np.sum(np.log(predicted / mass) ** 2))
        if best is None or cost < best[0]:
            best = (cost, model)
    if best is None:
        raise InputError("the capacity points admit no rocket-equation fit (check their orbits)")
    return best[1]


def _solve(dv: np.ndarray, mass: np.ndarray, ve: float) -> tuple[float, float] | None:
    ratio = np.exp(dv / ve)
    weight = 1.0 / mass  # relative error
    a = np.column_stack([np.ones_like(ratio), -ratio]) * weight[:, None]
    b = (ratio - 1.0) * mass * weight
    (m0, mb), *_ = np.linalg.lstsq(a, b, rcond=None)
    if not (m0 > mb > 0.0):
        return None
    return float(m0), float(mb)


def _vehicle(key: str, entry: dict[str, object]) -> Vehicle:
    points = tuple(_point(p) for p in entry.get("points", []))  # type: ignore[attr-defined]
    return Vehicle(
        key=key,
        name=str(entry["name"]),
        aliases=tuple(entry.get("aliases", ())),  # type: ignore[arg-type]
        state=str(entry["state"]),
        provider=str(entry.get("provider", "")),
        status=str(entry.get("status", "active")),
        sites=tuple(entry.get("sites", ())),  # type: ignore[arg-type]
        upper_stage=str(entry.get("upper_stage", "kerolox")),
        sources=tuple(entry.get("sources", ())),  # type: ignore[arg-type]
        points=points,
    )


def _point(entry: dict[str, object]) -> CapacityPoint:
    site = str(entry["site"])
    kind = str(entry["kind"])
    perigee = float(entry["perigee_km"])  # type: ignore[arg-type]
    apogee = float(entry["apogee_km"])  # type: ignore[arg-type]
    c3 = float(entry["c3_km2_s2"]) if "c3_km2_s2" in entry else None  # type: ignore[arg-type]
    if "inc_deg" in entry:
        inc = float(entry["inc_deg"])  # type: ignore[arg-type]
    elif kind == "sso":
        inc = sso_inclination_deg(perigee)
    elif "gto_residual_m_s" in entry:
        inc = gto_inclination_for_residual_deg(float(entry["gto_residual_m_s"]), perigee)  # type: ignore[arg-type]
    else:
        inc = abs(find_spaceport(site).lat_deg)
    return CapacityPoint(
        site, kind, perigee, apogee, inc, c3, float(entry["payload_kg"]),  # type: ignore[arg-type]
        str(entry["source"]), str(entry.get("note", "")),
    )


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())
