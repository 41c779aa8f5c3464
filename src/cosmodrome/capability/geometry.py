"""Launch geometry and delta-v on plain floats: azimuth, inclination, Earth rotation, losses.

Everything here is pure arithmetic on floats in SI-ish units named in each argument:
degrees (``_deg``), kilometres (``_km``), metres (``_m``) and metres per second (``_m_s``).
Nothing imports a database, the command line or the web layer.

Spherical-Earth launch geometry (Vallado, *Fundamentals of Astrodynamics and Applications*,
4th ed., section 6.4; Curtis, *Orbital Mechanics for Engineering Students*, section 4.7):

* an orbit launched from geodetic latitude ``lat`` on inertial azimuth ``az`` (clockwise
  from north) has inclination ``i`` with ``cos i = cos(lat) sin(az)``;
* so the lowest inclination reachable without a plane change is ``|lat|`` (due east), the
  highest is ``180 - |lat|`` (due west);
* each reachable inclination has two azimuths, ``az_north`` and ``az_south = 180 - az_north``.

>>> round(inclination_from_azimuth_deg(45.965, 90.0), 3)
45.965
>>> [round(a, 1) for a in azimuths_for_inclination_deg(28.5, 51.6)]
[45.0, 135.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cosmodrome.errors import InputError

# WGS84 (NIMA TR8350.2, 3rd ed., table 3.1).
WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
EARTH_ROTATION_RAD_S = 7.292115e-5
MU_EARTH_M3_S2 = 3.986004418e14
EARTH_RADIUS_KM = 6378.137
GEO_RADIUS_KM = 42_164.17
GEO_ALTITUDE_KM = GEO_RADIUS_KM - EARTH_RADIUS_KM
MIN_ALTITUDE_KM = 150.0

#: Allowance for gravity, drag and steering losses on the way to a *low* (200 km) orbit, added
#: to the ideal delta-v. Typical values for expendable liquid launchers run 1.3 to 1.8 km/s
#: (Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., table 4-1; Wertz, *Space Mission
#: Engineering*, table 26-4). We use 1.5 km/s for every vehicle; the vehicle models are fitted
#: with the same allowance, so its exact value cancels in payload estimates.
LOSS_ALLOWANCE_M_S = 1500.0
#: Extra loss per km of circular (or low elliptical) insertion altitude above
#: :data:`LOSS_REFERENCE_ALTITUDE_KM`: climbing to a higher low orbit keeps the upper stage
#: burning against gravity longer (lofted ascent, longer coast and circularisation) than the
#: ideal Hohmann climb counts. Not applied to transfer orbits (apogee above 10,000 km), escape
#: or orbits reached by a restartable upper stage from a parking orbit (GEO, MEO), whose
#: perigee burn starts low. Value: the one shared coefficient of the vehicle model, chosen by
#: the leave-one-out error over all published capacity points (docs/CAPABILITY.md) and
#: re-checked with the staged rocket-equation model (0, 1, 2 m/s per km: worst held-out error
#: 83, 47, 82 %); Vega-C's and Soyuz/Fregat's user-manual curves imply 0.8 to 1.5 m/s per km.
ALTITUDE_LOSS_M_S_PER_KM = 1.0
LOSS_REFERENCE_ALTITUDE_KM = 200.0
TRANSFER_APOGEE_KM = 10_000.0


def rotation_speed_m_s(lat_deg: float, height_m: float = 0.0) -> float:
    """Eastward speed of the ground at ``lat_deg`` (WGS84) due to Earth's rotation.

    ``omega * (N + h) * cos(lat)``, with ``N`` the prime-vertical radius of curvature.

    >>> round(rotation_speed_m_s(5.236))      # Kourou
    463
    >>> round(rotation_speed_m_s(45.965))     # Baikonur
    324
    """
    _check_latitude(lat_deg)
    phi = math.radians(lat_deg)
    n_m = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * math.sin(phi) ** 2)
    return EARTH_ROTATION_RAD_S * (n_m + height_m) * math.cos(phi)


def min_direct_inclination_deg(lat_deg: float) -> float:
    """Lowest inclination reachable by a direct ascent from ``lat_deg``: ``|lat|``."""
    _check_latitude(lat_deg)
    return abs(lat_deg)


def inclination_from_azimuth_deg(lat_deg: float, azimuth_deg: float) -> float:
    """Inclination of the orbit launched from ``lat_deg`` on inertial ``azimuth_deg``.

    ``cos i = cos(lat) sin(az)``: due east gives ``|lat|``, due north or south gives 90,
    due west ``180 - |lat|``.
    """
    _check_latitude(lat_deg)
    cos_i = math.cos(math.radians(lat_deg)) * math.sin(math.radians(azimuth_deg))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos_i))))


def azimuths_for_inclination_deg(lat_deg: float, inc_deg: float) -> tuple[float, float]:
    """The northbound and southbound inertial azimuths (0-360) that give ``inc_deg``.

    Raises :class:`InputError` when ``inc_deg`` is outside the direct range
    ``|lat| .. 180 - |lat|``; use :func:`is_directly_reachable` to test first.
    The two answers satisfy ``az_south = 180 - az_north`` (mod 360).
    """
    _check_latitude(lat_deg)
    _check_inclination(inc_deg)
    if not is_directly_reachable(lat_deg, inc_deg):
        raise InputError(
            f"inclination {inc_deg:g} deg is not directly reachable from latitude {lat_deg:g} deg "
            f"(direct range {abs(lat_deg):.2f} to {180 - abs(lat_deg):.2f} deg)"
        )
    cos_lat = math.cos(math.radians(lat_deg))
    sin_az = max(-1.0, min(1.0, math.cos(math.radians(inc_deg)) / cos_lat))
    north = math.degrees(math.asin(sin_az)) % 360.0
    south = (180.0 - math.degrees(math.asin(sin_az))) % 360.0
    return north, south


def is_directly_reachable(lat_deg: float, inc_deg: float, tolerance_deg: float = 1e-9) -> bool:
    """Whether ``inc_deg`` lies in the direct range ``|lat| .. 180 - |lat|``."""
    low = abs(lat_deg)
    return low - tolerance_deg <= inc_deg <= 180.0 - low + tolerance_deg


def launch_azimuth_deg(
    lat_deg: float, inertial_azimuth_deg: float, orbit_speed_m_s: float, height_m: float = 0.0
) -> float:
    """Ground-relative launch azimuth that yields ``inertial_azimuth_deg`` at burnout.

    The rocket starts with the ground's eastward speed, so it is steered a little further from
    east than the inertial azimuth (Vallado eq. 6-33 ``tan b_rot = (v sin b - v_eq cos lat) /
    (v cos b)``). Range-safety corridors are ground-relative, so corridor checks use this.
    """
    beta = math.radians(inertial_azimuth_deg)
    v_rot = rotation_speed_m_s(lat_deg, height_m)
    east = orbit_speed_m_s * math.sin(beta) - v_rot
    north = orbit_speed_m_s * math.cos(beta)
    return math.degrees(math.atan2(east, north)) % 360.0


def circular_speed_m_s(altitude_km: float) -> float:
    """Speed on a circular orbit ``altitude_km`` above the equatorial radius."""
    return math.sqrt(MU_EARTH_M3_S2 / _radius_m(altitude_km))


def speed_at_radius_m_s(radius_km: float, perigee_km: float, apogee_km: float) -> float:
    """Vis-viva speed at ``radius_km`` (geocentric) on a perigee x apogee (altitudes) orbit."""
    a_m = (_radius_m(perigee_km) + _radius_m(apogee_km)) / 2.0
    return math.sqrt(MU_EARTH_M3_S2 * (2.0 / (radius_km * 1000.0) - 1.0 / a_m))


def plane_change_m_s(speed_m_s: float, angle_deg: float) -> float:
    """Delta-v to turn a velocity of ``speed_m_s`` by ``angle_deg``: ``2 v sin(angle/2)``."""
    return 2.0 * speed_m_s * math.sin(math.radians(abs(angle_deg)) / 2.0)


def gto_to_geo_m_s(inc_deg: float, perigee_km: float = 185.0) -> float:
    """Delta-v at apogee to circularise a GTO at GEO and remove ``inc_deg`` of inclination.

    ``sqrt(va^2 + vgeo^2 - 2 va vgeo cos i)`` (combined burn). From Cape Canaveral
    (28.5 deg) this is about 1.84 km/s, from Kourou (5.2 deg) about 1.50 km/s.

    >>> round(gto_to_geo_m_s(28.5))
    1837
    """
    _check_inclination(inc_deg)
    v_apo = speed_at_radius_m_s(GEO_RADIUS_KM, perigee_km, GEO_ALTITUDE_KM)
    v_geo = math.sqrt(MU_EARTH_M3_S2 / (GEO_RADIUS_KM * 1000.0))
    cos_i = math.cos(math.radians(inc_deg))
    return math.sqrt(v_apo**2 + v_geo**2 - 2.0 * v_apo * v_geo * cos_i)


def gto_inclination_for_residual_deg(residual_m_s: float, perigee_km: float = 185.0) -> float:
    """Inclination of the GTO whose apogee burn to GEO costs ``residual_m_s`` ("GTO-1800")."""
    v_apo = speed_at_radius_m_s(GEO_RADIUS_KM, perigee_km, GEO_ALTITUDE_KM)
    v_geo = math.sqrt(MU_EARTH_M3_S2 / (GEO_RADIUS_KM * 1000.0))
    cos_i = (v_apo**2 + v_geo**2 - residual_m_s**2) / (2.0 * v_apo * v_geo)
    if not -1.0 <= cos_i <= 1.0:
        raise InputError(f"no GTO from perigee {perigee_km:g} km needs {residual_m_s:g} m/s to GEO")
    return math.degrees(math.acos(cos_i))


@dataclass(frozen=True)
class AscentBudget:
    """Delta-v needed to reach an orbit from a launch site, in parts (all m/s)."""

    ideal_m_s: float  # Hohmann-like climb and injection, inertial, from rest
    rotation_gain_m_s: float  # positive: Earth's rotation helps; negative: it costs
    plane_change_m_s: float  # dog-leg or plane change beyond the direct range or corridor
    loss_m_s: float  # gravity, drag and steering allowance
    launch_inc_deg: float  # inclination flown off the pad (before any plane change)
    inertial_azimuth_deg: float

    @property
    def total_m_s(self) -> float:
        return self.ideal_m_s - self.rotation_gain_m_s + self.plane_change_m_s + self.loss_m_s


def ascent_budget(
    lat_deg: float,
    perigee_km: float,
    apogee_km: float,
    inc_deg: float,
    *,
    c3_km2_s2: float | None = None,
    launch_inc_deg: float | None = None,
    height_m: float = 0.0,
    loss_m_s: float | None = None,
) -> AscentBudget:
    """Delta-v from the pad at ``lat_deg`` to a ``perigee_km x apogee_km`` orbit at ``inc_deg``.

    The climb is a Hohmann-like transfer from the surface to the perigee radius, then the
    perigee burn onto the target ellipse (both inertial); with ``c3_km2_s2`` the perigee burn
    goes to an escape hyperbola of that energy instead (``apogee_km`` is then ignored). Earth's
    rotation is the vector difference between the first burn's inertial velocity and the
    ground's eastward speed. ``launch_inc_deg`` is the inclination flown off the pad (default:
    ``inc_deg`` when directly reachable, else the nearest direct inclination). Any remaining
    inclination change is paid as a plane change: for a transfer orbit (perigee below and
    apogee above 10,000 km, GTO style) by a separate burn at apogee, where it is cheapest;
    otherwise combined with the injection burn (a dog-leg estimate; real dog-legs spread the
    turn over the ascent and can cost somewhat less or more). ``loss_m_s`` defaults to
    :func:`trajectory_loss_m_s` of the orbit.

    >>> budget = ascent_budget(45.965, 400, 400, 51.6)
    >>> round(budget.rotation_gain_m_s), round(budget.loss_m_s), round(budget.total_m_s)
    (288, 1700, 9554)
    """
    _check_latitude(lat_deg)
    if c3_km2_s2 is not None:
        apogee_km = perigee_km
    _check_orbit(perigee_km, apogee_km, inc_deg)
    if loss_m_s is None:
        loss_m_s = trajectory_loss_m_s(perigee_km, apogee_km, c3_km2_s2)
    if launch_inc_deg is None:
        launch_inc_deg = nearest_direct_inclination_deg(lat_deg, inc_deg)
    elif not is_directly_reachable(lat_deg, launch_inc_deg, 1e-6):
        raise InputError(
            f"launch inclination {launch_inc_deg:g} deg is not direct from {lat_deg:g}"
        )
    r_surface_m = WGS84_A_M + height_m
    r_p_m = _radius_m(perigee_km)
    v1 = math.sqrt(2.0 * MU_EARTH_M3_S2 * r_p_m / (r_surface_m * (r_surface_m + r_p_m)))
    v_arrive = math.sqrt(2.0 * MU_EARTH_M3_S2 * r_surface_m / (r_p_m * (r_surface_m + r_p_m)))
    if c3_km2_s2 is not None:
        v_perigee = math.sqrt(2.0 * MU_EARTH_M3_S2 / r_p_m + c3_km2_s2 * 1e6)
    else:
        v_perigee = speed_at_radius_m_s(r_p_m / 1000.0, perigee_km, apogee_km)
    ideal = v1 + (v_perigee - v_arrive)

    north, _south = azimuths_for_inclination_deg(lat_deg, launch_inc_deg)
    v_rot = rotation_speed_m_s(lat_deg, height_m)
    relative = math.sqrt(v1**2 + v_rot**2 - 2.0 * v1 * v_rot * math.sin(math.radians(north)))
    rotation_gain = v1 - relative

    change = math.radians(abs(inc_deg - launch_inc_deg))
    if change < 1e-12:
        plane = 0.0
    elif c3_km2_s2 is None and perigee_km < TRANSFER_APOGEE_KM < apogee_km:
        v_apogee = speed_at_radius_m_s(_radius_m(apogee_km) / 1000.0, perigee_km, apogee_km)
        plane = 2.0 * v_apogee * math.sin(change / 2.0)
    else:
        combined = math.sqrt(
            v_arrive**2 + v_perigee**2 - 2.0 * v_arrive * v_perigee * math.cos(change)
        )
        plane = combined - (v_perigee - v_arrive)
    return AscentBudget(ideal, rotation_gain, plane, loss_m_s, launch_inc_deg, north)


def trajectory_loss_m_s(
    perigee_km: float, apogee_km: float, c3_km2_s2: float | None = None
) -> float:
    """Gravity, drag and steering loss allowance for an orbit (m/s), by trajectory.

    :data:`LOSS_ALLOWANCE_M_S` plus :data:`ALTITUDE_LOSS_M_S_PER_KM` for every km the
    insertion perigee lies above 200 km, when the orbit is a low one (apogee below 10,000 km,
    no escape); transfer orbits, GEO, MEO and escape keep the base allowance.

    >>> trajectory_loss_m_s(200, 200), trajectory_loss_m_s(800, 800)
    (1500.0, 2100.0)
    >>> trajectory_loss_m_s(250, 35786)
    1500.0
    """
    if c3_km2_s2 is not None or apogee_km > TRANSFER_APOGEE_KM:
        return LOSS_ALLOWANCE_M_S
    climb_km = max(0.0, perigee_km - LOSS_REFERENCE_ALTITUDE_KM)
    return LOSS_ALLOWANCE_M_S + ALTITUDE_LOSS_M_S_PER_KM * climb_km


def nearest_direct_inclination_deg(lat_deg: float, inc_deg: float) -> float:
    """``inc_deg`` clipped to the direct range ``|lat| .. 180 - |lat|``."""
    low = abs(lat_deg)
    return min(max(inc_deg, low), 180.0 - low)


def sso_inclination_deg(altitude_km: float) -> float:
    """Inclination of a circular Sun-synchronous orbit at ``altitude_km`` (J2 only).

    Nodal precession equal to 360 deg per tropical year: ``cos i = -rate / (1.5 n J2 (R/a)^2)``
    (Vallado eq. 9-42). 500 km gives about 97.4 deg, 800 km about 98.6 deg.

    >>> round(sso_inclination_deg(800), 1)
    98.6
    """
    j2 = 1.08262668e-3
    a_m = _radius_m(altitude_km)
    n = math.sqrt(MU_EARTH_M3_S2 / a_m**3)
    rate = 2.0 * math.pi / (365.2421897 * 86400.0)
    cos_i = -rate / (1.5 * n * j2 * (WGS84_A_M / a_m) ** 2)
    if cos_i < -1.0:
        raise InputError(f"no Sun-synchronous circular orbit at {altitude_km:g} km")
    return math.degrees(math.acos(cos_i))


def check_request(altitude_km: float, inc_deg: float, mass_kg: float | None = None) -> None:
    """Raise :class:`InputError` for masses below zero, altitudes under 150 km, bad inclinations."""
    if mass_kg is not None and not mass_kg >= 0.0:
        raise InputError(f"payload mass must be zero or more, got {mass_kg:g} kg")
    if not altitude_km >= MIN_ALTITUDE_KM:
        raise InputError(
            f"altitude {altitude_km:g} km is below {MIN_ALTITUDE_KM:g} km; nothing stays in orbit "
            "there (use e.g. an altitude of 200 km for a low parking orbit)"
        )
    _check_inclination(inc_deg)


def _check_orbit(perigee_km: float, apogee_km: float, inc_deg: float) -> None:
    check_request(perigee_km, inc_deg)
    if apogee_km < perigee_km:
        raise InputError(f"apogee {apogee_km:g} km is below perigee {perigee_km:g} km; swap them")


def _check_latitude(lat_deg: float) -> None:
    if not -90.0 <= lat_deg <= 90.0:
        raise InputError(f"latitude must be within -90..90 deg, got {lat_deg:g}")


def _check_inclination(inc_deg: float) -> None:
    if not 0.0 <= inc_deg <= 180.0:
        raise InputError(f"inclination must be within 0..180 deg, got {inc_deg:g}")


def _radius_m(altitude_km: float) -> float:
    return WGS84_A_M + altitude_km * 1000.0
