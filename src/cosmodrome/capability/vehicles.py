"""Launch-vehicle performance: published capacity points and a staged rocket-equation model.

Published capacity points (``data/vehicles.toml``, each with its source) are the truth. The
model interpolates between them so that a vehicle can be asked about any orbit from any of its
sites. Each point is turned into the delta-v it demands from its launch site with
:func:`cosmodrome.capability.geometry.ascent_budget` (Earth's rotation, plane changes and the
trajectory-dependent loss allowance included).

The *shape* of payload against delta-v comes from physics: every vehicle carries its stages
(propellant and dry mass, vacuum and sea-level specific impulse, each with its source) and its
fairing, and the ideal delta-v the stack gives a payload ``m_p`` is the staged rocket
equation (:func:`stack_delta_v_m_s`)::

    dv_stack(m_p) = sum_k  g0 Isp_k ln(m0_k / (m0_k - mprop_k))

where ``m0_k`` is everything still attached when stage ``k`` lights (payload included).
Simplifications, documented in docs/CAPABILITY.md:

* a ground-lit stage (the first, and boosters) uses the mean of its sea-level and vacuum
  ``Isp``; every later stage its vacuum ``Isp``;
* parallel boosters burn together with the core: that phase burns the boosters' propellant
  plus the share ``core_burn_fraction`` of the core's (from burn times), with the
  propellant-weighted mean ``Isp`` (equal to the thrust-weighted one), then drop the boosters'
  dry mass; the core burns the rest of its propellant alone;
* the fairing is dropped when the first (core) stage separates;
* an ``optional`` stage (Briz-M on Proton-M or Angara-A5, Blok DM on Soyuz-5) may be left
  off; points say whether it flew (``optional_stages``) and the model takes the better of the
  two configurations for any other orbit.

The vehicle's one fitted parameter is ``extra_loss_m_s``: the delta-v the real vehicle falls
short of its ideal stack beyond the geometry's loss allowance (steering, throttling, reserves,
recovery propellant of a reusable stage, errors in the stage figures). Payload for a required
delta-v solves ``dv_stack(m_p) = dv_required + extra_loss``. One published point fixes it;
with several it minimises the squared log payload error. That curve then bends through every
published point (:class:`PerformanceModel`, ``corrections``): the model returns the maker's own
figure at the maker's orbit, interpolates between figures and fades back to the curve beyond
them. Leave-one-out rebuilds the model from the other points of the vehicle (or, for a vehicle
with one point, uses the bare curve with the median loss of the other vehicles).

>>> falcon = find_vehicle("Falcon 9")
>>> round(fit_vehicle(falcon).payload_kg(falcon.points[0].required_dv_m_s()))  # published LEO
22800
>>> model = fit_vehicle(falcon)
>>> round(model.payload_kg(model.dv_for_payload_m_s(5000.0)))
5000
"""

from __future__ import annotations

import math
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any

from cosmodrome.capability.geometry import (
    ascent_budget,
    gto_inclination_for_residual_deg,
    sso_inclination_deg,
)
from cosmodrome.capability.launch import site_budget
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.naming import closest_names, fold
from cosmodrome.spaceports import Spaceport, find_spaceport

if TYPE_CHECKING:
    import pandas as pd

#: Standard gravity (m/s^2) converting specific impulse (s) into exhaust speed.
G0_M_S2 = 9.80665
#: Payload (kg) is solved to this tolerance.
PAYLOAD_TOLERANCE_KG = 0.01
#: Delta-v (m/s) beyond the first or last published point over which its correction fades out.
#: Chosen by the pooled leave-one-out error (docs/CAPABILITY.md): constant corrections 28 of
#: 55 held-out points within 10 %, fading over 500 m/s 29, 1,000 m/s 30, 1,500 m/s 31.
CORRECTION_FADE_M_S = 1000.0


@dataclass(frozen=True)
class Stage:
    """One stage (or ``count`` identical boosters) of a launch vehicle; masses in kg per unit.

    ``parallel`` boosters burn alongside the next stage, which burns ``core_burn_fraction`` of
    its propellant before they separate. ``isp_sl_s`` is ``None`` for air-lit stages.
    ``verified`` is True only where the figures were checked against the cited page (the note
    says which); ``estimated`` marks figures derived (e.g. from a launch mass), not read.
    """

    name: str
    propellant_kg: float
    dry_kg: float
    isp_vac_s: float
    isp_sl_s: float | None
    count: int
    parallel: bool
    core_burn_fraction: float
    optional: bool
    estimated: bool
    source: str
    note: str
    verified: bool = False

    def isp_s(self, ground_lit: bool) -> float:
        """Mean of sea-level and vacuum ``Isp`` when lit on the ground, else vacuum ``Isp``."""
        if ground_lit and self.isp_sl_s is not None:
            return 0.5 * (self.isp_sl_s + self.isp_vac_s)
        return self.isp_vac_s


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
    optional_stages: bool = True  # whether the vehicle's optional upper stage flew
    verified: bool = False  # the mass (and the orbit, where stated) checked against the source
    #: The figure is for a direct ascent to a reference orbit that the site's curated
    #: corridors do not allow (Long March 6A's 45 deg from Taiyuan): its delta-v is the direct
    #: one, and ``reach`` says so when asked for that orbit.
    reference_orbit: bool = False

    def spaceport(self) -> Spaceport:
        return find_spaceport(self.site)

    def required_dv_m_s(self) -> float:
        """Delta-v this point demands from its site (ideal + plane change + losses - rotation).

        The very budget ``reach`` computes for this orbit from this site
        (:func:`cosmodrome.capability.launch.site_budget`, corridors included), so that the
        model fitted here returns the published figure when ``reach`` is asked for the orbit.
        The loss allowance depends on the orbit (``trajectory_loss_m_s``).
        """
        return self._required_dv_m_s

    @cached_property
    def _required_dv_m_s(self) -> float:
        # Computed once per point: the fits, the leave-one-out table and every option of a
        # ranking ask for it again.
        port = self.spaceport()
        if self.reference_orbit:
            return ascent_budget(
                port.lat_deg,
                self.perigee_km,
                self.apogee_km,
                self.inc_deg,
                c3_km2_s2=self.c3_km2_s2,
                height_m=port.height_m,
            ).total_m_s
        launch = site_budget(port, self.perigee_km, self.apogee_km, self.inc_deg, self.c3_km2_s2)
        return launch.budget.total_m_s

    def is_orbit(
        self,
        site: str,
        perigee_km: float,
        apogee_km: float,
        inc_deg: float,
        c3_km2_s2: float | None = None,
    ) -> bool:
        """Whether this point's orbit and site are the given ones (to
        :data:`SAME_ORBIT_KM` and :data:`SAME_ORBIT_DEG`; C3 to 0.05 km2/s2)."""
        if site != self.site or (c3_km2_s2 is None) != (self.c3_km2_s2 is None):
            return False
        if c3_km2_s2 is not None and abs(c3_km2_s2 - (self.c3_km2_s2 or 0.0)) > 0.05:
            return False
        apogees_agree = c3_km2_s2 is not None or abs(apogee_km - self.apogee_km) <= SAME_ORBIT_KM
        return (
            apogees_agree
            and abs(perigee_km - self.perigee_km) <= SAME_ORBIT_KM
            and abs(inc_deg - self.inc_deg) <= SAME_ORBIT_DEG
        )

    def orbit_text(self) -> str:
        """``200 x 200 km at 51.6 deg`` (or ``C3 12 km2/s2 from 200 km``): the orbit in words."""
        if self.c3_km2_s2 is not None:
            return f"C3 {self.c3_km2_s2:g} km2/s2 from {self.perigee_km:g} km"
        return f"{self.perigee_km:g} x {self.apogee_km:g} km at {self.inc_deg:.1f} deg"


#: A target within this of a published point's perigee and apogee (km) and inclination (deg),
#: from the same site, *is* that point's orbit: published orbits are stated to a km and to a
#: tenth of a degree at best, and a user typing 98.7 deg means the 98.69 deg SSO at 820 km.
SAME_ORBIT_KM = 0.5
SAME_ORBIT_DEG = 0.05


@dataclass(frozen=True)
class Vehicle:
    key: str
    name: str
    aliases: tuple[str, ...]
    state: str  # ISO alpha-2 state of the provider
    provider: str
    status: str  # active, planned, retired
    sites: tuple[str, ...]  # spaceport keys it flies from
    upper_stage: str  # propellant class of the last stage (descriptive)
    sources: tuple[str, ...]
    points: tuple[CapacityPoint, ...]
    stages: tuple[Stage, ...] = ()
    fairing_kg: float = 0.0
    fairing_source: str = ""
    #: The configuration the published capacities are for, one of :data:`CONFIGURATIONS`
    #: (Falcon 9's are expendable figures), and what that means where it also flies otherwise.
    configuration: str = "expendable"
    configuration_note: str = ""

    @property
    def configuration_text(self) -> str:
        """``configuration``, with ``configuration_note`` in brackets when there is one.

        >>> find_vehicle("Falcon 9").configuration_text.split(" (")[0]
        'expendable'
        """
        note = f" ({self.configuration_note})" if self.configuration_note else ""
        return self.configuration + note

    @property
    def optional_stage(self) -> str:
        """The optional upper stage's short name (``Briz-M``), or ``""`` without one."""
        names = [s.name.split(" (")[0] for s in self.stages if s.optional]
        return " + ".join(names)

    @property
    def configurations(self) -> tuple[bool, ...]:
        """``(True,)``, or ``(False, True)`` (without, with) when a stage may be left off."""
        return (False, True) if self.optional_stage else (True,)

    def configuration_label(self, optional_stages: bool) -> str:
        """The configuration in words: ``expendable``, ``expendable, with Briz-M``.

        >>> proton = find_vehicle("Proton-M")
        >>> [proton.configuration_label(c) for c in proton.configurations]
        ['expendable, without Briz-M', 'expendable, with Briz-M']
        """
        if not self.optional_stage:
            return self.configuration
        word = "with" if optional_stages else "without"
        return f"{self.configuration}, {word} {self.optional_stage}"

    def published_points(self, optional_stages: bool | None = None) -> list[CapacityPoint]:
        """The published capacities (not flown masses), of one configuration if given."""
        return [
            p
            for p in self.points
            if not p.lower_bound
            and (optional_stages is None or p.optional_stages == optional_stages)
        ]


@dataclass(frozen=True)
class Stack:
    """One configuration's stages ready for the rocket equation (the module's
    simplifications): per phase, the exhaust speed, the propellant burned, the mass dropped
    after it and the fairing dropped with it.

    Prepared once per configuration, not at each of the tens of thousands of evaluations a
    fit makes; the arithmetic, and so every figure, is the one the stages give directly.
    """

    phases: tuple[tuple[float, float, float, float], ...]  # m/s, kg burned, kg, kg fairing
    fairing_kg: float
    fuelled_kg: float  # every active stage with its propellant, fairing and payload left out
    floor_kg: float  # the lowest "payload": 90 % of the last stage's dry mass eaten into

    @classmethod
    def of(cls, stages: Sequence[Stage], fairing_kg: float, optional_stages: bool = True) -> Stack:
        active = [s for s in stages if optional_stages or not s.optional]
        if not active:
            raise InputError("a performance model needs at least one stage")
        phases: list[tuple[float, float, float, float]] = []
        fairing_on = fairing_kg > 0.0
        burned_share = 0.0  # share of the current stage's propellant burned with its boosters
        ground_lit = True
        index = 0
        while index < len(active):
            stage = active[index]
            if stage.parallel and index + 1 < len(active):
                core = active[index + 1]
                booster_prop = stage.count * stage.propellant_kg
                core_prop = core.count * core.propellant_kg * stage.core_burn_fraction
                burned = booster_prop + core_prop
                isp = (
                    booster_prop * stage.isp_s(ground_lit) + core_prop * core.isp_s(ground_lit)
                ) / burned
                phases.append((G0_M_S2 * isp, burned, burned + stage.count * stage.dry_kg, 0.0))
                burned_share = stage.core_burn_fraction
            else:
                burned = stage.count * stage.propellant_kg * (1.0 - burned_share)
                dropped = burned + stage.count * stage.dry_kg
                fairing = fairing_kg if fairing_on else 0.0
                phases.append((G0_M_S2 * stage.isp_s(ground_lit), burned, dropped, fairing))
                fairing_on = False
                burned_share = 0.0
            ground_lit = False
            index += 1
        return cls(
            tuple(phases),
            fairing_kg,
            sum(s.count * (s.propellant_kg + s.dry_kg) for s in active),
            -0.9 * active[-1].count * active[-1].dry_kg,
        )

    def delta_v_m_s(self, payload_kg: float) -> float:
        """Ideal delta-v (m/s) the stack gives ``payload_kg``."""
        mass = payload_kg + self.fairing_kg + self.fuelled_kg
        dv = 0.0
        for exhaust_m_s, burned, dropped, fairing in self.phases:
            if burned > 0.0:
                dv += exhaust_m_s * math.log(mass / (mass - burned))
            mass -= dropped
            mass -= fairing
        return dv

    def payload_kg(self, dv_m_s: float, near_kg: float | None = None) -> float:
        """Payload (kg) for which :meth:`delta_v_m_s` equals ``dv_m_s`` (bisection to
        :data:`PAYLOAD_TOLERANCE_KG`); :attr:`floor_kg` when even that falls short.

        ``near_kg``, a payload thought close (the answer to a nearby ``dv_m_s``), only
        speeds the search up: the answer is the same with or without it.
        """
        low = self.floor_kg
        if self.delta_v_m_s(low) <= dv_m_s:
            return low
        high = max(1000.0, self.fuelled_kg)
        while self.delta_v_m_s(high) > dv_m_s:
            high *= 2.0
        start = low if near_kg is None else min(max(near_kg, low), high)
        crossing = self._crossing_kg(dv_m_s, start)
        return _where_falling(self.delta_v_m_s, dv_m_s, low, high, PAYLOAD_TOLERANCE_KG, crossing)

    def _crossing_kg(self, dv_m_s: float, start_kg: float) -> float | None:
        """Where :meth:`delta_v_m_s` falls to ``dv_m_s``, by Newton's method from
        ``start_kg``; ``None`` if it does not settle.

        Delta-v falls with the payload and is convex in it: from any start the first step
        lands short of the crossing (never below :attr:`floor_kg`, which is short of it
        too), and every later one closes in from there without overshooting.
        """
        payload = start_kg
        for _ in range(60):
            dv, slope = self._delta_v_and_slope(payload)
            if not slope < 0.0:
                return None
            step = (dv - dv_m_s) / -slope
            payload = max(payload + step, self.floor_kg)
            if abs(step) < 1e-7:
                return payload
        return None

    def _delta_v_and_slope(self, payload_kg: float) -> tuple[float, float]:
        """:meth:`delta_v_m_s` and its derivative in the payload (m/s per kg)."""
        mass = payload_kg + self.fairing_kg + self.fuelled_kg
        dv = slope = 0.0
        for exhaust_m_s, burned, dropped, fairing in self.phases:
            if burned > 0.0:
                dv += exhaust_m_s * math.log(mass / (mass - burned))
                slope += exhaust_m_s * (1.0 / mass - 1.0 / (mass - burned))
            mass -= dropped
            mass -= fairing
        return dv, slope


def stack_delta_v_m_s(
    stages: Sequence[Stage], fairing_kg: float, payload_kg: float, optional_stages: bool = True
) -> float:
    """Ideal delta-v (m/s) the staged stack gives ``payload_kg`` (the module's simplifications).

    >>> one = Stage("s", 9000.0, 1000.0, 300.0, None, 1, False, 0.0, False, False, "", "")
    >>> round(stack_delta_v_m_s([one], 0.0, 0.0))  # 300 s * g0 * ln(10)
    6774
    """
    return Stack.of(stages, fairing_kg, optional_stages).delta_v_m_s(payload_kg)


def stack_payload_kg(
    stages: Sequence[Stage], fairing_kg: float, dv_m_s: float, optional_stages: bool = True
) -> float:
    """Payload (kg) for which :func:`stack_delta_v_m_s` equals ``dv_m_s`` (bisection).

    Negative when even no payload falls short: the "payload" then eats into the last stage's
    dry mass (down to 90 % of it), which keeps the answer continuous and says how far off the
    vehicle is.
    """
    return Stack.of(stages, fairing_kg, optional_stages).payload_kg(dv_m_s)


def _interpolate(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """Piecewise-linear ``y`` at ``x`` through the points (``xs`` ascending), the end values
    beyond them: ``numpy.interp`` of one value, to the bit, without loading NumPy."""
    if x < xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    j = bisect_right(xs, x) - 1  # xs[j] <= x < xs[j + 1]
    if xs[j] == x:
        return ys[j]
    slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
    return slope * (x - xs[j]) + ys[j]


#: How far (kg) a bisection step must lie from a crossing found by Newton's method for the
#: crossing to decide the step without evaluating the stack. Rounding moves the computed
#: delta-v by ~1e-11 m/s, its crossing so by under 1e-6 kg even where the stack's delta-v
#: falls slowest (~1e-4 m/s per kg, at twice its fuelled mass); Newton's settles to 1e-7 kg.
CROSSING_MARGIN_KG = 1e-4


def _where_falling(
    f: Callable[[float], float],
    level: float,
    low: float,
    high: float,
    tol: float,
    crossing: float | None = None,
) -> float:
    """The ``x`` in ``[low, high]`` where the falling function ``f`` crosses ``level``
    (bisection to ``tol``).

    With ``crossing`` (that point, known to :data:`CROSSING_MARGIN_KG`), a step farther
    from it than the margin goes the side it says without evaluating ``f``; the rest are
    evaluated. The answer is the one plain bisection gives, to the bit (so every figure the
    fits make stays what it was), for a few evaluations instead of some thirty.
    """
    while high - low > tol:
        middle = 0.5 * (low + high)
        if crossing is not None and abs(middle - crossing) > CROSSING_MARGIN_KG:
            falls_short = middle < crossing
        else:
            falls_short = f(middle) > level
        if falls_short:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


@dataclass(frozen=True)
class PerformanceModel:
    """A vehicle's staged rocket equation, fitted ``extra_loss_m_s`` and point corrections.

    ``corrections`` are ``(required delta-v m/s, log(published / curve), optional stages
    flown)`` triples, one per fitted published point, sorted by delta-v. A configuration's
    physical curve is multiplied by :meth:`correction_factor` built from *its own* points
    only, so the model returns every published figure at its own orbit for the configuration
    that flew it, bends smoothly between them and is the bare curve far from all of them (an
    optional upper stage's figures never scale the vehicle flown without it). Masses in kg.
    """

    stages: tuple[Stage, ...]
    fairing_kg: float
    extra_loss_m_s: float
    points_used: int
    corrections: tuple[tuple[float, float, bool], ...] = ()

    @property
    def configurations(self) -> tuple[bool, ...]:
        """``(True,)``, or ``(True, False)`` when a stage may be left off."""
        return (True, False) if any(s.optional for s in self.stages) else (True,)

    def curve_payload_kg(self, dv_m_s: float, optional_stages: bool | None = None) -> float:
        """Payload of the physical curve alone (no point corrections); negative when the
        vehicle cannot fly ``dv_m_s`` at all. ``None`` takes the better configuration."""
        configs = self.configurations if optional_stages is None else (optional_stages,)
        return max(self._stacks[c].payload_kg(dv_m_s + self.extra_loss_m_s) for c in configs)

    @cached_property
    def _stacks(self) -> dict[bool, Stack]:
        return {c: Stack.of(self.stages, self.fairing_kg, c) for c in (True, False)}

    def correction_factor(self, dv_m_s: float, optional_stages: bool = True) -> float:
        """The factor the configuration's published points apply to its curve at ``dv_m_s``
        (1 without any).

        Piecewise-linear in log between the points; beyond the first or last one it fades
        linearly to 1 over :data:`CORRECTION_FADE_M_S`, so far from any published figure the
        model is the physical curve again.
        """
        own = [(dv, log) for dv, log, config in self.corrections if config == optional_stages]
        if not own:
            return 1.0
        dvs = [dv for dv, _ in own]
        logs = [log_ratio for _, log_ratio in own]
        log_factor = _interpolate(dv_m_s, dvs, logs)
        beyond = max(dvs[0] - dv_m_s, dv_m_s - dvs[-1], 0.0)
        return math.exp(log_factor * max(0.0, 1.0 - beyond / CORRECTION_FADE_M_S))

    def payload_kg(self, dv_m_s: float, optional_stages: bool | None = None) -> float:
        """Payload for a demanded delta-v; negative when the vehicle cannot fly it at all.

        ``optional_stages`` picks a configuration; ``None`` takes the better one.
        """
        configs = self.configurations if optional_stages is None else (optional_stages,)
        return max(self._configuration_payload_kg(dv_m_s, c) for c in configs)

    def _configuration_payload_kg(self, dv_m_s: float, optional_stages: bool) -> float:
        curve = self.curve_payload_kg(dv_m_s, optional_stages)
        return curve * self.correction_factor(dv_m_s, optional_stages) if curve > 0.0 else curve

    def dv_for_payload_m_s(self, payload_kg: float) -> float:
        """The delta-v the vehicle gives ``payload_kg`` (the inverse of :meth:`payload_kg`).

        Bisection on :meth:`payload_kg`, which falls as the demanded delta-v rises.
        """
        return _where_falling(self.payload_kg, payload_kg, 0.0, 30_000.0, 0.01)


@cache
def load_vehicles() -> tuple[Vehicle, ...]:
    """Every vehicle in ``capability/data/vehicles.toml``, in file order."""
    text = (
        resources.files("cosmodrome.capability").joinpath("data/vehicles.toml").read_text("utf-8")
    )
    return tuple(_vehicle(key, entry) for key, entry in tomllib.loads(text)["vehicle"].items())


def find_vehicle(name: str) -> Vehicle:
    """The vehicle called ``name`` (key, name or alias; any case, ``-``/``.``/space alike)."""
    wanted = fold(name)
    names: list[str] = []
    for vehicle in load_vehicles():
        if wanted in {fold(s) for s in (vehicle.key, vehicle.name, *vehicle.aliases)}:
            return vehicle
        names.extend((vehicle.name, *vehicle.aliases))
    raise UnknownNameError("launch vehicle", name, closest_names(name, names))


#: A point prepared for fitting: (required delta-v m/s, payload kg, optional stages flown).
FitPoint = tuple[float, float, bool]


@cache
def fit_vehicle(vehicle: Vehicle) -> PerformanceModel:
    """The performance model through all of ``vehicle``'s published points."""
    return fit_model(vehicle.stages, vehicle.fairing_kg, _fit_points(vehicle))


def fit_model(
    stages: Sequence[Stage],
    fairing_kg: float,
    points: Sequence[FitPoint],
    extra_loss_m_s: float | None = None,
) -> PerformanceModel:
    """The model through ``points``: the fitted ``extra_loss_m_s`` (unless given), then the
    correction of each point the curve can fly (see :class:`PerformanceModel`)."""
    if extra_loss_m_s is None:
        extra_loss_m_s = fit_extra_loss_m_s(stages, fairing_kg, points)
    curve = PerformanceModel(tuple(stages), fairing_kg, extra_loss_m_s, len(points))
    corrections = sorted(
        (dv, math.log(kg / flown), config)
        for dv, kg, config in points
        if (flown := curve.curve_payload_kg(dv, config)) > 0.0
    )
    return PerformanceModel(
        tuple(stages), fairing_kg, extra_loss_m_s, len(points), tuple(corrections)
    )


def fit_extra_loss_m_s(
    stages: Sequence[Stage], fairing_kg: float, points: Sequence[FitPoint]
) -> float:
    """The ``extra_loss_m_s`` that best reproduces ``points`` (see the module docstring).

    Each point alone is met exactly by ``dv_stack(payload) - dv_required``; with several, the
    value between the smallest and largest of those minimising the sum of squared log payload
    errors (golden-section search to 0.1 m/s).

    >>> one = Stage("s", 9000.0, 1000.0, 300.0, None, 1, False, 0.0, False, False, "", "")
    >>> round(fit_extra_loss_m_s([one], 0.0, [(6000.0, 0.0, True)]))
    774
    """
    if not points:
        raise InputError("a performance model needs at least one capacity point")
    each = [stack_delta_v_m_s(stages, fairing_kg, kg, c) - dv for dv, kg, c in points]
    if len(points) == 1:
        return each[0]
    stacks = {c: Stack.of(stages, fairing_kg, c) for c in {c for _, _, c in points}}

    # Each point's payload at the loss tried last: the search tries losses ever closer
    # together, and a nearby answer is where the next solve starts.
    last: dict[int, float] = {}

    def cost(loss: float) -> float:
        total = 0.0
        for index, (dv, kg, config) in enumerate(points):
            predicted = last[index] = stacks[config].payload_kg(dv + loss, last.get(index))
            total += math.log(max(predicted, 1e-3 * kg) / kg) ** 2
        return total

    return _golden_minimum(cost, min(each), max(each), 0.1)


def _golden_minimum(f: Callable[[float], float], low: float, high: float, tol: float) -> float:
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return 0.5 * (a + b)


@dataclass(frozen=True)
class Capacity:
    """One configuration's capacity to one orbit from one site, and where it comes from.

    ``basis`` is "published" when the orbit and site are a published point's and the
    configuration the one that flew it (``kg`` is then that figure, to the kg);
    "interpolated" inside the delta-v range of the configuration's published points;
    "extrapolated N m/s" beyond the nearest; "flown mass (lower bound)" where a payload
    actually flown to this orbit outweighs the model. ``point`` is the published point
    (or the configuration's nearest in delta-v), ``flown`` a flown mass to this very orbit.
    """

    kg: float
    basis: str
    point: CapacityPoint
    optional_stages: bool
    flown: CapacityPoint | None = None
    extrapolated_m_s: float = 0.0  # how far beyond the configuration's points (0 inside)

    @property
    def is_published(self) -> bool:
        return self.basis == "published"


def capacity_at(
    vehicle: Vehicle,
    site: str,
    orbit: tuple[float, float, float, float | None],
    dv_m_s: float,
    optional_stages: bool,
) -> Capacity:
    """``vehicle``'s capacity from ``site`` to ``orbit`` (perigee km, apogee km, inclination
    deg, C3 km2/s2 or None), which demands ``dv_m_s`` from there, in one configuration.

    >>> falcon = find_vehicle("Falcon 9")
    >>> leo = capacity_at(falcon, "cape_canaveral", (200, 200, 28.5, None), 9117.0, True)
    >>> leo.basis, leo.kg
    ('published', 22800.0)
    >>> capacity_at(falcon, "cape_canaveral", (900, 900, 70.0, None), 14000.0, True).basis
    'extrapolated 1,126 m/s'
    """
    same = [p for p in vehicle.published_points(optional_stages) if p.is_orbit(site, *orbit)]
    if same:
        return Capacity(same[0].payload_kg, "published", same[0], optional_stages)
    own = vehicle.published_points(optional_stages)
    candidates = own or vehicle.published_points()
    if not candidates:
        raise InputError(f"vehicle {vehicle.name!r} has no published capacity point")
    fitted = [(p.required_dv_m_s(), p) for p in candidates]
    gap, nearest = min(((abs(dv - dv_m_s), p) for dv, p in fitted), key=lambda pair: pair[0])
    dvs = [dv for dv, _ in fitted]
    beyond = 0.0
    if own and min(dvs) <= dv_m_s <= max(dvs):
        basis = "interpolated"
    else:
        beyond = gap
        basis = f"extrapolated {gap:,.0f} m/s"
        if not own:
            basis += " (no published figure for this configuration)"
    kg = fit_vehicle(vehicle).payload_kg(dv_m_s, optional_stages)
    flown = next(
        (
            p
            for p in vehicle.points
            if p.lower_bound and p.optional_stages == optional_stages and p.is_orbit(site, *orbit)
        ),
        None,
    )
    if flown is not None and kg < flown.payload_kg:
        return Capacity(
            flown.payload_kg, "flown mass (lower bound)", nearest, optional_stages, flown, beyond
        )
    return Capacity(kg, basis, nearest, optional_stages, flown, beyond)


@cache
def pooled_extra_loss_m_s(exclude_key: str = "") -> float:
    """Median fitted ``extra_loss_m_s`` over the vehicles, leaving ``exclude_key`` out.

    The prediction for a vehicle with no other published point to fit to.
    """
    losses = sorted(fit_vehicle(v).extra_loss_m_s for v in load_vehicles() if v.key != exclude_key)
    middle = len(losses) // 2
    return losses[middle] if len(losses) % 2 else 0.5 * (losses[middle - 1] + losses[middle])


def _fit_points(vehicle: Vehicle) -> list[FitPoint]:
    return [
        (p.required_dv_m_s(), p.payload_kg, p.optional_stages)
        for p in vehicle.points
        if not p.lower_bound
    ]


def _vehicle(key: str, entry: dict[str, Any]) -> Vehicle:
    points = tuple(_point(p) for p in entry.get("points", []))
    stages = tuple(_stage(s) for s in entry.get("stages", []))
    if not stages:
        raise InputError(f"vehicle {key!r} in vehicles.toml has no stages")
    if not any(s.optional for s in stages) and not all(p.optional_stages for p in points):
        raise InputError(
            f"vehicle {key!r} in vehicles.toml: a point says optional_stages = false, "
            "but the vehicle has no optional stage"
        )
    return Vehicle(
        key=key,
        name=str(entry["name"]),
        aliases=tuple(entry.get("aliases", ())),
        state=str(entry["state"]),
        provider=str(entry.get("provider", "")),
        status=str(entry.get("status", "active")),
        sites=tuple(entry.get("sites", ())),
        upper_stage=str(entry.get("upper_stage", "kerolox")),
        sources=tuple(entry.get("sources", ())),
        points=points,
        stages=stages,
        fairing_kg=float(entry.get("fairing_kg", 0.0)),
        fairing_source=str(entry.get("fairing_source", "")),
        configuration=_configuration(key, entry),
        configuration_note=str(entry.get("configuration_note", "")),
    )


#: The configurations a vehicle's published capacities may be for.
CONFIGURATIONS = ("expendable", "fully expendable", "reusable first stage")


def _configuration(key: str, entry: dict[str, Any]) -> str:
    text = str(entry.get("configuration", ""))
    if text not in CONFIGURATIONS:
        raise InputError(
            f"vehicle {key!r} in vehicles.toml: configuration must be one of "
            f"{', '.join(CONFIGURATIONS)}, got {text!r}"
        )
    return text


def _stage(entry: dict[str, Any]) -> Stage:
    fraction = float(entry.get("core_burn_fraction", 0.0))
    if not 0.0 <= fraction <= 1.0:
        raise InputError(f"stage {entry['name']!r}: core_burn_fraction must be within 0..1")
    return Stage(
        name=str(entry["name"]),
        propellant_kg=float(entry["propellant_kg"]),
        dry_kg=float(entry["dry_kg"]),
        isp_vac_s=float(entry["isp_vac_s"]),
        isp_sl_s=float(entry["isp_sl_s"]) if "isp_sl_s" in entry else None,
        count=int(entry.get("count", 1)),
        parallel=bool(entry.get("parallel", False)),
        core_burn_fraction=fraction,
        optional=bool(entry.get("optional", False)),
        estimated=bool(entry.get("estimated", False)),
        source=str(entry["source"]),
        note=str(entry.get("note", "")),
        verified=_verified(entry),
    )


def _verified(entry: dict[str, Any]) -> bool:
    """The explicit ``verified`` flag every stage and point carries in ``vehicles.toml``."""
    if "verified" not in entry:
        raise InputError(f"vehicles.toml entry {entry.get('name', entry)!r} lacks 'verified'")
    return bool(entry["verified"])


def _point(entry: dict[str, Any]) -> CapacityPoint:
    site = str(entry["site"])
    kind = str(entry["kind"])
    perigee = float(entry["perigee_km"])
    apogee = float(entry["apogee_km"])
    c3 = float(entry["c3_km2_s2"]) if "c3_km2_s2" in entry else None
    if "inc_deg" in entry:
        inc = float(entry["inc_deg"])
    elif kind == "sso":
        inc = sso_inclination_deg(perigee)
    elif "gto_residual_m_s" in entry:
        inc = gto_inclination_for_residual_deg(float(entry["gto_residual_m_s"]), perigee)
    else:
        inc = abs(find_spaceport(site).lat_deg)
    return CapacityPoint(
        site,
        kind,
        perigee,
        apogee,
        inc,
        c3,
        float(entry["payload_kg"]),
        str(entry["source"]),
        str(entry.get("note", "")),
        bool(entry.get("lower_bound", False)),
        bool(entry.get("optional_stages", True)),
        _verified(entry),
        bool(entry.get("reference_orbit", False)),
    )


def model_error_table() -> pd.DataFrame:
    """:func:`model_errors` as a DataFrame (loads pandas)."""
    import pandas as pd

    return pd.DataFrame(model_errors())


def model_errors() -> tuple[dict[str, Any], ...]:
    """Every published point against the model: in-sample and leave-one-out errors (percent),
    one record per point of every vehicle, in file order.

    ``curve_error_pct`` compares the point with the physical curve alone (staged rocket
    equation and the ``extra_loss_m_s`` fitted through *all* the vehicle's points): how far
    the corrections bend it there. ``fit_error_pct`` compares it with the full model, which
    returns the published figure wherever the curve can fly the orbit. ``holdout_error_pct``
    compares it with the model built from the *other* points of the vehicle only
    (``holdout_basis`` "other points"), or, for a vehicle with no other point, the bare curve
    with the median ``extra_loss_m_s`` of the other vehicles ("pooled median"): the honest
    measure of how well the model predicts an orbit it was not told about;
    ``holdout_gap_m_s`` is how far (delta-v) that prediction reached from the nearest
    remaining point (NaN for a one-point vehicle). For a flown mass
    (``lower_bound``) the columns compare with the full model, and a non-negative value means
    the model agrees that the vehicle could fly it.
    """
    rows: list[dict[str, Any]] = []
    for vehicle in load_vehicles():
        model = fit_vehicle(vehicle)
        fitted = [(i, pair) for i, pair in enumerate(_all_points(vehicle)) if not pair[3]]
        for index, point in enumerate(vehicle.points):
            dv = point.required_dv_m_s()
            config: bool | None = point.optional_stages
            gap = math.nan  # delta-v from the held-out point to the nearest other one
            if point.lower_bound:
                config = None
                holdout, basis = model.payload_kg(dv), "flown mass"
            else:
                others = [pair[:3] for i, pair in fitted if i != index]
                if others:
                    gap = min(abs(dv - other_dv) for other_dv, _, _ in others)
                    held = fit_model(vehicle.stages, vehicle.fairing_kg, others)
                    basis = "other points"
                else:
                    held = fit_model(
                        vehicle.stages, vehicle.fairing_kg, [], pooled_extra_loss_m_s(vehicle.key)
                    )
                    basis = "pooled median"
                holdout = held.payload_kg(dv, config)
            kg = point.payload_kg
            rows.append(
                {
                    "key": vehicle.key,
                    "vehicle": vehicle.name,
                    "configuration": vehicle.configuration_label(point.optional_stages),
                    "orbit": point.orbit_text(),
                    "site": point.site,
                    "kind": point.kind,
                    "perigee_km": point.perigee_km,
                    "apogee_km": point.apogee_km,
                    "inc_deg": round(point.inc_deg, 2),
                    "required_dv_m_s": round(dv),
                    "published_kg": kg,
                    "curve_error_pct": _error_pct(model.curve_payload_kg(dv, config), kg),
                    "model_kg": round(model.payload_kg(dv, config)),
                    "fit_error_pct": _error_pct(model.payload_kg(dv, config), kg),
                    "holdout_kg": round(holdout),
                    "holdout_error_pct": _error_pct(holdout, kg),
                    "holdout_basis": basis,
                    "holdout_gap_m_s": gap,
                    "extra_loss_m_s": round(model.extra_loss_m_s),
                    "lower_bound": point.lower_bound,
                    "verified": point.verified,
                    "points_fitted": model.points_used,
                    "source": point.source,
                }
            )
    return tuple(rows)


def _error_pct(predicted_kg: float, published_kg: float) -> float:
    return round(100.0 * (predicted_kg - published_kg) / published_kg, 2)


def _all_points(vehicle: Vehicle) -> list[tuple[float, float, bool, bool]]:
    return [
        (p.required_dv_m_s(), p.payload_kg, p.optional_stages, p.lower_bound)
        for p in vehicle.points
    ]


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
    import pandas as pd

    cursor = connection.execute(
        "SELECT lv_name, variant, leo_capacity_kg, gto_capacity_kg FROM vehicles "
        "WHERE leo_capacity_kg IS NOT NULL OR gto_capacity_kg IS NOT NULL "
        "ORDER BY lv_name, coalesce(leo_capacity_kg, gto_capacity_kg) DESC"
    )
    names = [str(column[0]) for column in cursor.description]
    by_name: dict[str, dict[str, Any]] = {}
    for values in cursor.fetchall():
        record = dict(zip(names, values, strict=True))
        by_name.setdefault(fold(str(record["lv_name"])), record)
    rows: list[dict[str, object]] = []
    for vehicle in load_vehicles():
        match = next(
            (by_name[fold(n)] for n in (vehicle.name, *vehicle.aliases) if fold(n) in by_name),
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
