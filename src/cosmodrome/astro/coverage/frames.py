"""Earth-fixed geometry for coverage: WGS84 sites, Earth rotation, TEME to Earth-fixed.

SGP4 returns positions in the TEME frame (True Equator, Mean Equinox). Rotating TEME about
the pole by the Greenwich Mean Sidereal Time of 1982 (GMST82, AIAA 2006-6753 Appendix C)
gives the Pseudo Earth Fixed frame (PEF); the ITRS differs from PEF only by polar motion,
at most about 0.5 arcseconds (about 15 m on the ground), which this module neglects. That
is the same transform Skyfield applies when it is not given a polar-motion table, so
coverage counts match ``(sat - topos).at(t).altaz()`` (see ``tests/test_coverage_exact.py``).

GMST needs UT1; UT1 - UTC (at most 0.9 s, which is 0.4 km of Earth rotation at Starlink's
altitude) comes from the IERS table that ships inside Skyfield, so nothing is downloaded.

>>> import numpy as np
>>> xyz = geodetic_to_ecef_km(np.array([0.0]), np.array([0.0]))
>>> [round(float(v), 3) for v in xyz[0]]
[6378.137, 0.0, 0.0]
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from cosmodrome.astro.frames import (
    DAY_S,
    EARTH_ROTATION_RAD_S,
    WGS84_A_KM,
    WGS84_F,
    geodetic_to_ecef_km,
)
from cosmodrome.timeutil import require_utc

FloatArray = npt.NDArray[np.float64]

WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
_JD_UNIX_EPOCH = 2440587.5
_T0_JD = 2451545.0  # J2000


def up_vectors(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Unit normals (n, 3) to the WGS84 ellipsoid: the local vertical of each site."""
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def unit_vectors(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Geocentric unit vectors (n, 3) towards the given latitudes and longitudes (spherical)."""
    return up_vectors(lat_deg, lon_deg)


def julian_dates(start_utc: datetime, step_s: float, count: int) -> tuple[FloatArray, FloatArray]:
    """UTC Julian dates of ``count`` epochs, split as sgp4 wants: ``(whole, fraction)``.

    ``whole`` is the midnight (``.5``) Julian date of ``start_utc``; ``fraction`` grows past
    1 for later days, which sgp4 accepts.

    >>> from datetime import UTC
    >>> whole, fraction = julian_dates(datetime(2000, 1, 1, 12, tzinfo=UTC), 3600.0, 2)
    >>> float(whole[0]), [float(f) for f in fraction]
    (2451544.5, [0.5, 0.5416666666666666])
    """
    start = require_utc(start_utc)
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    whole_jd = _JD_UNIX_EPOCH + midnight.timestamp() / DAY_S
    offset_s = (start - midnight) / timedelta(seconds=1)
    fraction = (offset_s + step_s * np.arange(count, dtype=np.float64)) / DAY_S
    return np.full(count, whole_jd), fraction


def dut1_s(start_utc: datetime, offsets_s: FloatArray) -> FloatArray:
    """UT1 - UTC in seconds at ``start_utc`` plus ``offsets_s``, from Skyfield's built-in table."""
    start = require_utc(start_utc)
    ts = _timescale()
    seconds = start.second + start.microsecond / 1e6 + np.asarray(offsets_s, dtype=np.float64)
    t = ts.utc(start.year, start.month, start.day, start.hour, start.minute, seconds)
    return np.asarray(t.dut1, dtype=np.float64)


def gmst82_rad(whole_ut1: FloatArray, fraction_ut1: FloatArray) -> FloatArray:
    """Greenwich Mean Sidereal Time of 1982 in radians (AIAA 2006-6753 Appendix C).

    The same formula as ``skyfield.sgp4lib.theta_GMST1982``; at J2000.0 (UT1) the angle is
    280.46 degrees.

    >>> round(float(np.degrees(gmst82_rad(np.array([2451545.0]), np.array([0.0]))[0])), 4)
    280.4606
    """
    t = (whole_ut1 - _T0_JD + fraction_ut1) / 36525.0
    g = 67310.54841 + (8640184.812866 + (0.093104 + (-6.2e-6) * t) * t) * t
    turns = (whole_ut1 % 1.0 + fraction_ut1 + g / DAY_S % 1.0) % 1.0
    return np.asarray(turns * 2.0 * np.pi, dtype=np.float64)


def earth_rotation_rad(start_utc: datetime, step_s: float, count: int) -> FloatArray:
    """GMST82 angles (radians) of the epochs of :func:`julian_dates`, using UT1 for the Earth."""
    whole, fraction = julian_dates(start_utc, step_s, count)
    offsets_s = step_s * np.arange(count, dtype=np.float64)
    return gmst82_rad(whole, fraction + dut1_s(start_utc, offsets_s) / DAY_S)


def teme_to_ecef(r_teme_km: FloatArray, theta_rad: FloatArray) -> FloatArray:
    """Rotate TEME positions (..., 3) into the Earth-fixed frame by angles ``theta_rad`` (...)."""
    c = np.cos(theta_rad)
    s = np.sin(theta_rad)
    x = r_teme_km[..., 0]
    y = r_teme_km[..., 1]
    out = np.empty_like(r_teme_km)
    out[..., 0] = c * x + s * y
    out[..., 1] = c * y - s * x
    out[..., 2] = r_teme_km[..., 2]
    return out


@cache
def _timescale() -> Any:
    from skyfield.api import load

    return load.timescale(builtin=True)


__all__ = [
    "DAY_S",
    "EARTH_ROTATION_RAD_S",
    "WGS84_A_KM",
    "WGS84_B_KM",
    "dut1_s",
    "earth_rotation_rad",
    "geodetic_to_ecef_km",
    "gmst82_rad",
    "julian_dates",
    "teme_to_ecef",
    "unit_vectors",
    "up_vectors",
]
