"""Orbit regimes in analysts' terms, defined once: LEO, SSO, MEO, GEO, GTO, HEO, deep space.

The catalog, the analyses, the CLI, the REST API and the dashboard all ask this module, so a
regime means the same thing everywhere. A payload's regime comes from, in this order:

1. GCAT's ``OpOrbit`` code (``satcat.tsv``/``auxcat.tsv``: the class of the operational orbit,
   e.g. ``LLEO/S``, ``GEO/D``, ``HEO/M``), mapped by :data:`OP_ORBIT_REGIMES`;
2. the payload's operational orbit (perigee, apogee, inclination), classified by
   :func:`classify_orbit` with the thresholds below;
   (a deorbit trajectory after a successful launch by its apogee: :func:`payload_regime`);
3. the launch code: a deep-space launch (``D...``) puts its payload in deep space even when
   no Earth orbit is recorded (Luna-25);
4. otherwise ``unknown``.

Thresholds of :func:`classify_orbit` (altitudes above Earth's equatorial radius, km):

* **unknown** — no perigee or apogee, or GCAT's ``0 x 0`` ("no orbit");
* **suborbital** — a negative perigee (GCAT's way of writing a trajectory that meets the
  ground);
* **deep space** (cislunar and beyond) — a negative apogee (GCAT's hyperbolic, escaping
  orbit: Giotto's 219,051 x -297,637 km), or an apogee at or above :data:`DEEP_SPACE_APOGEE_KM`
  (200,000 km, half-way to the Moon);
* **GEO** — perigee and apogee both within :data:`GEO_BAND_KM` (2,000 km) of the geostationary
  altitude 35,786 km, whatever the inclination (inclined geosynchronous orbits included);
* orbits with eccentricity at or above :data:`ELLIPTICAL_MIN_ECCENTRICITY` (0.25):

  * **HEO** at the critical inclinations 63.4 or 116.6 deg (within
    :data:`CRITICAL_INCLINATION_TOLERANCE_DEG`, 3 deg): Molniya and Tundra orbits;
  * **GTO** (geostationary or supersynchronous transfer) with an apogee from
    :data:`GTO_MIN_APOGEE_KM` (30,000 km) to :data:`GTO_MAX_APOGEE_KM` (100,000 km) and a
    perigee below :data:`GTO_MAX_PERIGEE_KM` (20,000 km);
  * **HEO** otherwise (Chandra, XMM-Newton);

* near-circular orbits, by mean altitude (half the sum of perigee and apogee):

  * **SSO** below 2,000 km when retrograde and within :data:`SSO_TOLERANCE_DEG` (1 deg) of
    the sun-synchronous inclination for its semi-major axis and eccentricity
    (:func:`sun_synchronous_inclination_deg`, J2 nodal precession of 360 deg per year);
  * **LEO** below :data:`LEO_MAX_ALTITUDE_KM` (2,000 km);
  * **MEO** from there to the GEO band;
  * **HEO** above it (near-circular high Earth orbits, rare).

>>> classify_orbit(1522, 39273, 63.3)      # Arktika-M No. 2, GCAT's disposition orbit
'HEO'
>>> classify_orbit(785, 788, 98.57)        # Sentinel-2A
'SSO'
"""

from __future__ import annotations

import math

#: Every regime, in the order tables and charts show them.
REGIMES = ("LEO", "SSO", "MEO", "GEO", "GTO", "HEO", "deep space", "suborbital", "unknown")
REGIME_TITLES = {
    "LEO": "low Earth orbit",
    "SSO": "sun-synchronous orbit",
    "MEO": "medium Earth orbit",
    "GEO": "geosynchronous orbit",
    "GTO": "geosynchronous transfer orbit",
    "HEO": "highly elliptical or high Earth orbit",
    "deep space": "cislunar space and beyond",
    "suborbital": "suborbital (no orbit reached)",
    "unknown": "no orbit recorded",
}

EARTH_RADIUS_KM = 6378.137  # WGS 84 equatorial radius
EARTH_MU_KM3_S2 = 398600.4418  # IERS/WGS 84 gravitational parameter
EARTH_J2 = 1.08262668e-3  # EGM96 unnormalised J2
#: Nodal precession of a sun-synchronous orbit: 360 deg per tropical year, in rad/s.
SUN_SYNCHRONOUS_RATE_RAD_S = 2 * math.pi / (365.2422 * 86400)

GEO_ALTITUDE_KM = 35786.0
GEO_BAND_KM = 2000.0
LEO_MAX_ALTITUDE_KM = 2000.0
DEEP_SPACE_APOGEE_KM = 200_000.0
ELLIPTICAL_MIN_ECCENTRICITY = 0.25
CRITICAL_INCLINATIONS_DEG = (63.4, 116.6)
CRITICAL_INCLINATION_TOLERANCE_DEG = 3.0
GTO_MIN_APOGEE_KM = 30_000.0
GTO_MAX_APOGEE_KM = 100_000.0
GTO_MAX_PERIGEE_KM = 20_000.0
SSO_TOLERANCE_DEG = 1.0

#: GCAT ``OpOrbit`` codes (satcat/auxcat column notes) and their regimes; the part after
#: ``/`` refines the class (``LLEO/S`` sun-synchronous, ``GEO/D`` drifting).
OP_ORBIT_REGIMES = {
    "LLEO": "LEO",
    "LEO": "LEO",
    "MEO": "MEO",
    "GEO": "GEO",
    "GTO": "GTO",
    "HEO": "HEO",
    "VHEO": "HEO",
    "CLO": "deep space",
    "DSO": "deep space",
    "EEO": "deep space",
    "HCO": "deep space",
    "PCO": "deep space",
    "SO": "suborbital",
    "TA": "suborbital",
}


def regime_from_op_orbit(code: str | None) -> str | None:
    """The regime of a GCAT ``OpOrbit`` code, or None for none or an unknown code.

    >>> regime_from_op_orbit("LLEO/S"), regime_from_op_orbit("GEO/D"), regime_from_op_orbit("-")
    ('SSO', 'GEO', None)
    """
    if not code:
        return None
    main, _, refinement = code.strip().upper().partition("/")
    regime = OP_ORBIT_REGIMES.get(main)
    if regime == "LEO" and refinement == "S":
        return "SSO"
    return regime


def eccentricity(perigee_km: float, apogee_km: float) -> float:
    """Eccentricity of an orbit from its perigee and apogee altitudes."""
    return (apogee_km - perigee_km) / (apogee_km + perigee_km + 2 * EARTH_RADIUS_KM)


def sun_synchronous_inclination_deg(perigee_km: float, apogee_km: float) -> float | None:
    """Inclination at which J2 turns the orbit's plane once a year (None where impossible).

    Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 9-41 solved for
    the inclination: cos i = -2 a^(7/2) (1 - e^2)^2 dOmega/dt / (3 J2 R^2 sqrt(mu)).

    >>> round(sun_synchronous_inclination_deg(786, 786), 2)   # Sentinel-2 flies at 98.57
    98.54
    """
    a = (perigee_km + apogee_km) / 2 + EARTH_RADIUS_KM
    e = eccentricity(perigee_km, apogee_km)
    if a <= 0 or not 0 <= e < 1:
        return None
    cos_i = (
        -2
        * a**3.5
        * (1 - e * e) ** 2
        * SUN_SYNCHRONOUS_RATE_RAD_S
        / (3 * EARTH_J2 * EARTH_RADIUS_KM**2 * math.sqrt(EARTH_MU_KM3_S2))
    )
    return math.degrees(math.acos(cos_i)) if -1 <= cos_i <= 1 else None


def classify_orbit(perigee_km: float | None, apogee_km: float | None, inc_deg: float | None) -> str:
    """The regime of an Earth orbit (thresholds in the module docstring).

    >>> classify_orbit(20180, 20190, 55.0), classify_orbit(35783, 35790, 0.02)
    ('MEO', 'GEO')
    >>> classify_orbit(None, None, None), classify_orbit(0, 0, 0)
    ('unknown', 'unknown')
    """
    if not _known(perigee_km) or not _known(apogee_km):
        return "unknown"
    perigee, apogee = float(perigee_km), float(apogee_km)  # type: ignore[arg-type]
    if apogee < 0 < perigee:
        return "deep space"  # GCAT writes a hyperbolic (escape) orbit's apogee negative
    perigee, apogee = min(perigee, apogee), max(perigee, apogee)
    if apogee <= 0:
        return "unknown"
    if perigee < 0:
        return "suborbital"
    if apogee >= DEEP_SPACE_APOGEE_KM:
        return "deep space"
    if perigee >= GEO_ALTITUDE_KM - GEO_BAND_KM and apogee <= GEO_ALTITUDE_KM + GEO_BAND_KM:
        return "GEO"
    inc = float(inc_deg) if _known(inc_deg) else None  # type: ignore[arg-type]
    if eccentricity(perigee, apogee) >= ELLIPTICAL_MIN_ECCENTRICITY:
        return _elliptical_regime(perigee, apogee, inc)
    mean_altitude = (perigee + apogee) / 2
    if mean_altitude < LEO_MAX_ALTITUDE_KM:
        return "SSO" if inc is not None and is_sun_synchronous(perigee, apogee, inc) else "LEO"
    if mean_altitude < GEO_ALTITUDE_KM - GEO_BAND_KM:
        return "MEO"
    return "HEO"


def is_sun_synchronous(perigee_km: float, apogee_km: float, inc_deg: float) -> bool:
    """Retrograde and within :data:`SSO_TOLERANCE_DEG` of the sun-synchronous inclination."""
    target = sun_synchronous_inclination_deg(perigee_km, apogee_km)
    return inc_deg > 90 and target is not None and abs(inc_deg - target) <= SSO_TOLERANCE_DEG


def _elliptical_regime(perigee: float, apogee: float, inc: float | None) -> str:
    critical = inc is not None and any(
        abs(inc - c) <= CRITICAL_INCLINATION_TOLERANCE_DEG for c in CRITICAL_INCLINATIONS_DEG
    )
    if critical:
        return "HEO"
    if GTO_MIN_APOGEE_KM <= apogee <= GTO_MAX_APOGEE_KM and perigee < GTO_MAX_PERIGEE_KM:
        return "GTO"
    return "HEO"


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def payload_regime(
    op_orbit: str | None,
    perigee_km: float | None,
    apogee_km: float | None,
    inc_deg: float | None,
    launch_orbit_class: str | None,
    launch_succeeded: bool = True,
) -> tuple[str, str]:
    """A payload's regime and what it rests on (``OpOrbit``, ``orbit``, ``orbit apogee``,
    ``launch code`` or ``none``), in the order of the module docstring.

    GCAT's disposition orbit of a payload that was deorbited (a crew ship, a reentry test)
    is its deorbit trajectory, with a negative perigee: after a successful launch such a
    payload is classified by the circular orbit at its apogee (Soyuz MS-21's -18 x 414 km
    counts as LEO), not as suborbital.
    """
    from_code = regime_from_op_orbit(op_orbit)
    if from_code is not None:
        return from_code, "OpOrbit"
    from_orbit = classify_orbit(perigee_km, apogee_km, inc_deg)
    if from_orbit == "suborbital" and launch_succeeded and apogee_km and apogee_km > 0:
        return classify_orbit(apogee_km, apogee_km, inc_deg), "orbit apogee"
    if from_orbit != "unknown":
        return from_orbit, "orbit"
    if launch_orbit_class == "deep_space":
        return "deep space", "launch code"
    return "unknown", "none"


def resolve_regime(name: str) -> str:
    """A regime from a name people use (``geo``, ``GÉO``, ``sun-synchronous``,
    ``deep-space``).

    Raises :class:`~cosmodrome.errors.UnknownNameError` with the closest regimes.
    """
    from cosmodrome.naming import pick

    aliases = {"sun-synchronous": "SSO", "GSO": "GEO", "cislunar": "deep space", "Molniya": "HEO"}
    choices = {**{r: r for r in REGIMES}, **{t: r for r, t in REGIME_TITLES.items()}, **aliases}
    return pick("orbit regime", name, choices)


def _double(value: float) -> str:
    """``value`` as a DuckDB DOUBLE that reads back to the same float (a bare ``63.4`` is a
    DECIMAL in DuckDB)."""
    return f"CAST('{value!r}' AS DOUBLE)"


def regime_macros_sql() -> str:
    """DuckDB macros doing what :func:`classify_orbit` and :func:`payload_regime` do, step for
    step and with the same floating-point operations, so the catalog build classifies whole
    columns at once: ``classify_orbit(perigee, apogee, inc)`` and ``payload_regime(op_regime,
    orbit_regime, apogee, inc, launch_orbit_class, launch_succeeded)``, a struct of ``regime``
    and ``source``, where ``op_regime`` is :func:`regime_from_op_orbit` of the ``OpOrbit``
    code and ``orbit_regime`` the ``classify_orbit`` of the orbit (made once per payload).
    tests/test_payloads_regimes.py checks them against the Python on generated orbits."""
    radius, deg = _double(EARTH_RADIUS_KM), _double(math.degrees(1.0))
    rate = _double(SUN_SYNCHRONOUS_RATE_RAD_S)
    denominator = _double(3 * EARTH_J2 * EARTH_RADIUS_KM**2 * math.sqrt(EARTH_MU_KM3_S2))
    geo_low, geo_high = GEO_ALTITUDE_KM - GEO_BAND_KM, GEO_ALTITUDE_KM + GEO_BAND_KM
    critical = " OR ".join(
        f"abs(inc - {_double(c)}) <= {_double(CRITICAL_INCLINATION_TOLERANCE_DEG)}"
        for c in CRITICAL_INCLINATIONS_DEG
    )
    return f"""
    CREATE OR REPLACE TEMP MACRO orbit_eccentricity(pe, ap) AS
        (ap - pe) / (ap + pe + 2 * {radius});
    CREATE OR REPLACE TEMP MACRO sun_synchronous_cos_i(a, e) AS
        CAST('-2.0' AS DOUBLE) * pow(a, 3.5) * pow(1 - e * e, 2) * {rate} / {denominator};
    CREATE OR REPLACE TEMP MACRO sun_synchronous_inclination(a, e) AS CASE
        WHEN a <= 0 OR NOT (0 <= e AND e < 1) THEN NULL
        WHEN sun_synchronous_cos_i(a, e) BETWEEN -1 AND 1
            THEN acos(sun_synchronous_cos_i(a, e)) * {deg}
        END;
    CREATE OR REPLACE TEMP MACRO ordered_orbit_regime(pe, ap, inc) AS CASE
        WHEN ap <= 0 THEN 'unknown'
        WHEN pe < 0 THEN 'suborbital'
        WHEN ap >= {_double(DEEP_SPACE_APOGEE_KM)} THEN 'deep space'
        WHEN pe >= {_double(geo_low)} AND ap <= {_double(geo_high)} THEN 'GEO'
        WHEN orbit_eccentricity(pe, ap) >= {_double(ELLIPTICAL_MIN_ECCENTRICITY)} THEN CASE
            WHEN inc IS NOT NULL AND ({critical}) THEN 'HEO'
            WHEN {_double(GTO_MIN_APOGEE_KM)} <= ap AND ap <= {_double(GTO_MAX_APOGEE_KM)}
                AND pe < {_double(GTO_MAX_PERIGEE_KM)} THEN 'GTO'
            ELSE 'HEO' END
        WHEN (pe + ap) / 2 < {_double(LEO_MAX_ALTITUDE_KM)} THEN CASE
            WHEN inc > 90 AND abs(inc - sun_synchronous_inclination(
                (pe + ap) / 2 + {radius}, orbit_eccentricity(pe, ap)))
                <= {_double(SSO_TOLERANCE_DEG)} THEN 'SSO'
            ELSE 'LEO' END
        WHEN (pe + ap) / 2 < {_double(geo_low)} THEN 'MEO'
        ELSE 'HEO' END;
    CREATE OR REPLACE TEMP MACRO classify_orbit(pe, ap, inc) AS CASE
        WHEN pe IS NULL OR ap IS NULL OR isnan(pe) OR isnan(ap) THEN 'unknown'
        WHEN ap < 0 AND 0 < pe THEN 'deep space'
        ELSE ordered_orbit_regime(least(pe, ap), greatest(pe, ap),
                                  CASE WHEN NOT isnan(inc) THEN inc END) END;
    CREATE OR REPLACE TEMP MACRO payload_regime(op_regime, orbit_regime, ap, inc, orbit_class,
                                                succeeded) AS CASE
        WHEN op_regime IS NOT NULL THEN {{'regime': op_regime, 'source': 'OpOrbit'}}
        WHEN orbit_regime = 'suborbital' AND succeeded AND ap > 0
            THEN {{'regime': classify_orbit(ap, ap, inc), 'source': 'orbit apogee'}}
        WHEN orbit_regime <> 'unknown' THEN {{'regime': orbit_regime, 'source': 'orbit'}}
        WHEN orbit_class = 'deep_space' THEN {{'regime': 'deep space', 'source': 'launch code'}}
        ELSE {{'regime': 'unknown', 'source': 'none'}} END;
    """
