"""Launch-vehicle performance: published capacity points and a model fitted through them.

Published capacity points (``data/vehicles.toml``, each with its source) are the truth. The
model interpolates between them so that a vehicle can be asked about any orbit from any of its
sites. Each point is turned into the delta-v it demands from its launch site with
:func:`cosmodrome.capability.geometry.ascent_budget` (Earth's rotation, plane changes and the
fixed loss allowance included). The vehicle is then modelled by the rocket equation of its
*last stage*, with everything below it lumped together::

    payload(dv) = A exp(-dv / ve) - D

``ve`` is the last stage's exhaust speed (its propellant class sets the default: kerolox
3,400 m/s, hydrolox 4,400, hypergolic 3,150, solid 2,900; Sutton & Biblarz table 5-5), ``D``
acts as the last stage's dry mass and ``A`` scales the whole stack. For fixed ``ve`` the
model is linear in ``A`` and ``D``, so fitting is a weighted least-squares solve:

* three or more points: ``ve`` is also searched, within +-30 % of the class default, to
  minimise the relative payload error;
* two points: class ``ve``, ``A`` and ``D`` solved exactly;
* one point: class ``ve`` and the *dry ratio* ``D / (A exp(-9300 / ve))`` (the share of the
  burnout mass at a low-orbit reference delta-v that is stage, not payload) taken from the
  other vehicles with the same last-stage propellant (their median; :func:`class_dry_ratio`),
  so one published figure plus what the family of similar rockets shows fixes the curve.

The demanded delta-v depends on the trajectory (:func:`~cosmodrome.capability.geometry.
trajectory_loss_m_s`): a higher low orbit costs more gravity loss than the ideal climb says,
which is what makes Sun-synchronous figures consistent with low-orbit ones.

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
from typing import Any

import numpy as np
import pandas as pd

from cosmodrome.capability.geometry import (
    ascent_budget,
    gto_inclination_for_residual_deg,
    sso_inclination_deg,
)
from cosmodrome.errors import InputError, UnknownNameError, closest_names
from cosmodrome.spaceports import Spaceport, find_spaceport

#: Exhaust speed (m/s) of the last stage, by propellant class (vacuum, typical engines).
DEFAULT_VE_M_S: dict[str, float] = {
    "kerolox": 3400.0,
    "hydrolox": 4400.0,
    "hypergolic": 3150.0,
    "solid": 2900.0,
    "methalox": 3650.0,
}
#: Dry ratio ``D / (A exp(-REFERENCE_DV_M_S / ve))`` used when no similar vehicle gives one.
DEFAULT_DRY_FRACTION = 0.25
REFERENCE_DV_M_S = 9300.0


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
    lower_bound: bool = False  # a flown mass: capacity is at least this; not used for fitting

    def spaceport(self) -> Spaceport:
        return find_spaceport(self.site)

    def required_dv_m_s(self) -> float:
        """Delta-v this point demands from its site (ideal + plane change + losses - rotation).

        The loss allowance depends on the orbit (``trajectory_loss_m_s``).
        """
        port = self.spaceport()
        return ascent_budget(
            port.lat_deg,
            self.perigee_km,
            self.apogee_km,
            self.inc_deg,
            c3_km2_s2=self.c3_km2_s2,
            height_m=port.height_m,
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
    """Last-stage rocket equation ``payload(dv) = A exp(-dv / ve) - D``; masses in kg."""

    ve_m_s: float
    a_kg: float
    d_kg: float
    points_used: int

    @property
    def dry_ratio(self) -> float:
        """``D / (A exp(-9300 / ve))``: the stage share of the burnout mass at a low orbit."""
        return self.d_kg / (self.a_kg * math.exp(-REFERENCE_DV_M_S / self.ve_m_s))

    def payload_kg(self, dv_m_s: float) -> float:
        """Payload for a demanded delta-v; negative when the vehicle cannot fly it at all."""
        return self.a_kg * math.exp(-dv_m_s / self.ve_m_s) - self.d_kg

    def dv_for_payload_m_s(self, payload_kg: float) -> float:
        """The delta-v the vehicle gives ``payload_kg`` (the inverse of :meth:`payload_kg`)."""
        return -self.ve_m_s * math.log((payload_kg + self.d_kg) / self.a_kg)


@cache
def load_vehicles() -> tuple[Vehicle, ...]:
    """Every vehicle in ``capability/data/vehicles.toml``, in file order."""
    text = (
        resources.files("cosmodrome.capability").joinpath("data/vehicles.toml").read_text("utf-8")
    )
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
    pairs = _fitted_pairs(vehicle)
    dry_ratio = class_dry_ratio(vehicle.upper_stage, vehicle.key) if len(pairs) == 1 else None
    return fit_points(pairs, vehicle.upper_stage, dry_ratio)


def class_dry_ratio(upper_stage: str, exclude_key: str = "") -> float:
    """Median dry ratio of the vehicles (two points or more) whose last stage burns ``upper_stage``.

    ``exclude_key`` leaves one vehicle out (the one being predicted); with no such vehicle the
    median over every propellant class is used, and :data:`DEFAULT_DRY_FRACTION` as a last
    resort.
    """
    return _class_dry_ratio(upper_stage, exclude_key)


@cache
def _class_dry_ratio(upper_stage: str, exclude_key: str) -> float:
    ratios: dict[str, list[float]] = {}
    for other in load_vehicles():
        if other.key == exclude_key or len(_fitted_pairs(other)) < 2:
            continue
        ratios.setdefault(other.upper_stage, []).append(fit_vehicle(other).dry_ratio)
    same = ratios.get(upper_stage)
    pooled = [r for values in ratios.values() for r in values]
    if same:
        return float(np.median(same))
    return float(np.median(pooled)) if pooled else DEFAULT_DRY_FRACTION


def _fitted_pairs(vehicle: Vehicle) -> list[tuple[float, float]]:
    return [(p.required_dv_m_s(), p.payload_kg) for p in vehicle.points if not p.lower_bound]


def fit_points(
    points: Sequence[tuple[float, float]], upper_stage: str, dry_ratio: float | None = None
) -> PerformanceModel:
    """Fit the model to ``(delta_v_m_s, payload_kg)`` pairs (see the module docstring).

    ``dry_ratio`` is used only for a single point (default :data:`DEFAULT_DRY_FRACTION`).
    """
    if not points:
        raise InputError("a performance model needs at least one capacity point")
    ve_default = DEFAULT_VE_M_S.get(upper_stage, 3400.0)
    dv = np.array([p[0] for p in points], dtype=float)
    mass = np.array([p[1] for p in points], dtype=float)
    if len(points) == 1:
        ratio = DEFAULT_DRY_FRACTION if dry_ratio is None else dry_ratio
        reference = math.exp(-REFERENCE_DV_M_S / ve_default)
        # A point beyond the family's reach (a high-energy orbit) would need a negative A:
        # keep at least half of its burnout mass as payload instead.
        ratio = min(ratio, 0.5 * math.exp(-dv[0] / ve_default) / reference)
        a_kg = mass[0] / (math.exp(-dv[0] / ve_default) - ratio * reference)
        return PerformanceModel(ve_default, a_kg, ratio * a_kg * reference, 1)
    trials = (
        np.arange(0.7 * ve_default, 1.3 * ve_default, 10.0) if len(points) >= 3 else [ve_default]
    )
    best: tuple[float, PerformanceModel] | None = None
    for ve in trials:
        a_kg, d_kg = _solve(dv, mass, float(ve))
        model = PerformanceModel(float(ve), a_kg, d_kg, len(points))
        predicted = np.array([model.payload_kg(float(d)) for d in dv])
        if np.any(predicted <= 0):
            continue
        cost = float(np.sum(np.log(predicted / mass) ** 2))
        if best is None or cost < best[0]:
            best = (cost, model)
    if best is None:
        raise InputError("the capacity points admit no rocket-equation fit (check their orbits)")
    return best[1]


def _solve(dv: np.ndarray, mass: np.ndarray, ve: float) -> tuple[float, float]:
    decay = np.exp(-dv / ve)
    a = np.column_stack([decay, -np.ones_like(decay)]) / mass[:, None]  # relative error
    (a_kg, d_kg), *_ = np.linalg.lstsq(a, np.ones_like(mass), rcond=None)
    return float(a_kg), float(d_kg)


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
        site,
        kind,
        perigee,
        apogee,
        inc,
        c3,
        float(entry["payload_kg"]),  # type: ignore[arg-type]
        str(entry["source"]),
        str(entry.get("note", "")),
        bool(entry.get("lower_bound", False)),
    )


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def model_error_table() -> pd.DataFrame:
    """Every published point against the model: in-sample and leave-one-out errors (percent).

    ``fit_error_pct`` compares the point with the model fitted through *all* the vehicle's
    points; ``holdout_error_pct`` with the model fitted through the *other* points only (using
    the defaults of :func:`fit_points` when fewer remain), which is the honest measure of how
    well the model predicts an orbit it was not told about. NaN when the vehicle has one point.
    For a flown mass (``lower_bound``) both columns compare with the full model, and a
    non-negative value means the model agrees that the vehicle could fly it.
    """
    rows: list[dict[str, object]] = []
    for vehicle in load_vehicles():
        pairs = [(p.required_dv_m_s(), p.payload_kg) for p in vehicle.points]
        fitted = [pair for p, pair in zip(vehicle.points, pairs, strict=True) if not p.lower_bound]
        model = fit_vehicle(vehicle)
        for point, (dv, kg) in zip(vehicle.points, pairs, strict=True):
            others = [pair for pair in fitted if pair != (dv, kg)]
            holdout = math.nan
            if point.lower_bound:
                holdout = 100.0 * (model.payload_kg(dv) - kg) / kg
            elif others:
                ratio = class_dry_ratio(vehicle.upper_stage, vehicle.key)
                predicted = fit_points(others, vehicle.upper_stage, ratio).payload_kg(dv)
                holdout = 100.0 * (predicted - kg) / kg
            rows.append(
                {
                    "vehicle": vehicle.name,
                    "site": point.site,
                    "kind": point.kind,
                    "perigee_km": point.perigee_km,
                    "apogee_km": point.apogee_km,
                    "inc_deg": round(point.inc_deg, 2),
                    "required_dv_m_s": round(dv),
                    "published_kg": kg,
                    "model_kg": round(model.payload_kg(dv)),
                    "fit_error_pct": round(100.0 * (model.payload_kg(dv) - kg) / kg, 2),
                    "holdout_error_pct": round(holdout, 2),
                    "lower_bound": point.lower_bound,
                    "points_fitted": len(fitted),
                    "source": point.source,
                }
            )
    return pd.DataFrame(rows)


#: Relative difference (percent) above which a GCAT capacity and ours are called a disagreement.
GCAT_DISAGREEMENT_PCT = 10.0


def gcat_capacity_comparison(connection: Any) -> pd.DataFrame:
    """Our LEO and GTO capacities against GCAT ``lv.tsv`` (the catalog's ``vehicles`` table).

    GCAT gives one LEO and one GTO figure per vehicle without the orbit; we compare them with
    our *published* points of the same kind (the largest LEO point; the GTO point) and with the
    model at a 200 km circular orbit due east from the vehicle's first site. A vehicle matches
    a GCAT row whose ``lv_name`` folds (case, punctuation) to its name or an alias; of several
    variants, the most capable row (GCAT keeps early variants such as Falcon 9 v1.0 too). ``disagrees`` is True when the GCAT figure differs from our
    published one by more than :data:`GCAT_DISAGREEMENT_PCT` percent.
    """
    frame: pd.DataFrame = connection.execute(
        "SELECT lv_name, variant, leo_capacity_kg, gto_capacity_kg FROM vehicles "
        "WHERE leo_capacity_kg IS NOT NULL OR gto_capacity_kg IS NOT NULL "
        "ORDER BY lv_name, coalesce(leo_capacity_kg, gto_capacity_kg) DESC"
    ).df()
    by_name: dict[str, dict[str, Any]] = {}
    for record in frame.to_dict("records"):
        by_name.setdefault(_fold(str(record["lv_name"])), {str(k): v for k, v in record.items()})
    rows: list[dict[str, object]] = []
    for vehicle in load_vehicles():
        match = next(
            (by_name[_fold(n)] for n in (vehicle.name, *vehicle.aliases) if _fold(n) in by_name),
            None,
        )
        if match is None:
            continue
        ours = {
            kind: max(
                (p.payload_kg for p in vehicle.points if p.kind == kind and not p.lower_bound),
                default=math.nan,
            )
            for kind in ("leo", "gto")
        }
        port = find_spaceport(vehicle.sites[0])
        lat = abs(port.lat_deg)
        model = fit_vehicle(vehicle)
        model_leo = model.payload_kg(
            ascent_budget(lat, 200, 200, lat, height_m=port.height_m).total_m_s
        )
        for kind, gcat in (("leo", match["leo_capacity_kg"]), ("gto", match["gto_capacity_kg"])):
            if gcat is None or (isinstance(gcat, float) and math.isnan(gcat)):
                continue
            diff = 100.0 * (float(gcat) - ours[kind]) / ours[kind] if ours[kind] > 0 else math.nan
            rows.append(
                {
                    "vehicle": vehicle.name,
                    "gcat_lv_name": match["lv_name"],
                    "kind": kind,
                    "gcat_kg": float(gcat),
                    "published_kg": ours[kind],
                    "model_200km_due_east_kg": round(model_leo) if kind == "leo" else math.nan,
                    "gcat_vs_published_pct": round(diff, 1),
                    "disagrees": bool(abs(diff) > GCAT_DISAGREEMENT_PCT),
                }
            )
    return pd.DataFrame(rows)
