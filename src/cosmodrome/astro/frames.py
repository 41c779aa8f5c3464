"""Time arrays and the TEME frame shared by the orbit modules.

SGP4 returns positions in TEME (true equator, mean equinox). A place on the ground is
carried into TEME by rotating its Earth-fixed (WGS84) position by the Greenwich mean
sidereal angle of 1982, exactly as Skyfield does (``skyfield.sgp4lib.theta_GMST1982``); polar
motion (< 0.5 arcseconds) is neglected. Times are Skyfield :class:`~skyfield.timelib.Time`
arrays built from UTC, so UT1 comes from Skyfield's built-in Earth-orientation tables.

    >>> import numpy as np
    >>> t = utc_offsets(datetime(2025, 6, 1, tzinfo=UTC), np.array([0.0, 60.0]))
    >>> [moment.isoformat() for moment in to_datetimes(t)]
    ['2025-06-01T00:00:00+00:00', '2025-06-01T00:01:00+00:00']
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from skyfield.api import load
from skyfield.sgp4lib import theta_GMST1982
from skyfield.timelib import Time, Timescale

from cosmodrome.timeutil import require_utc

FloatArray = npt.NDArray[np.float64]

#: WGS84 ellipsoid.
WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
#: Earth's gravitational parameter (WGS72, as SGP4 uses), km^3/s^2.
MU_KM3_S2 = 398600.8
#: Earth's rotation rate, rad/s.
EARTH_ROTATION_RAD_S = 7.292115146706979e-5
DAY_S = 86400.0

_EPOCH_DT = datetime(1970, 1, 1, tzinfo=UTC)


@cache
def timescale() -> Timescale:
    """Skyfield's timescale with its built-in leap-second and UT1 tables (no download)."""
    return load.timescale(builtin=True)


def utc_offsets(start_utc: datetime, offsets_s: FloatArray) -> Time:
    """A Skyfield time array: ``start_utc`` plus ``offsets_s`` seconds (UTC)."""
    start = require_utc(start_utc)
    seconds = start.second + start.microsecond / 1e6 + np.asarray(offsets_s, dtype=float)
    return timescale().utc(start.year, start.month, start.day, start.hour, start.minute, seconds)


def to_datetimes(t: Time) -> list[datetime]:
    """UTC datetimes (microsecond precision) of a Skyfield time array."""
    seconds = np.atleast_1d((t.whole - 2440587.5) * DAY_S)
    fraction = np.atleast_1d(t.tai_fraction - t._leap_seconds() / DAY_S) * DAY_S
    return [
        _EPOCH_DT + timedelta(seconds=float(s), microseconds=round(float(f) * 1e6))
        for s, f in zip(seconds, fraction, strict=True)
    ]


def to_datetime(t: Time) -> datetime:
    """The UTC datetime of one Skyfield time."""
    return to_datetimes(t)[0]


def teme_state(satrec: Any, t: Time) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int_]]:
    """SGP4 position (km) and velocity (km/s) in TEME, shape ``(N, 3)``, and error codes.

    The element-set epoch is taken as UTC (AIAA 2006-6753), as Skyfield does.
    """
    whole = np.atleast_1d(t.whole).astype(float)
    fraction = np.atleast_1d(t.tai_fraction - t._leap_seconds() / DAY_S).astype(float)
    errors, r, v = satrec.sgp4_array(whole, fraction)
    return np.asarray(r, dtype=float), np.asarray(v, dtype=float), np.asarray(errors)


def geodetic_to_ecef_km(
    lat_deg: float | FloatArray, lon_deg: float | FloatArray, height_m: float = 0.0
) -> FloatArray:
    """Earth-fixed WGS84 positions of geodetic latitudes, longitudes and a height, km.

    Scalars give one vector of shape (3,); arrays of shape (n,) give (n, 3).

    >>> geodetic_to_ecef_km(0.0, 0.0).round(3).tolist()
    [6378.137, 0.0, 0.0]
    """
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    e2 = WGS84_F * (2.0 - WGS84_F)
    n = WGS84_A_KM / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
    h = height_m / 1000.0
    return np.stack(
        [
            (n + h) * np.cos(lat) * np.cos(lon),
            (n + h) * np.cos(lat) * np.sin(lon),
            (n * (1.0 - e2) + h) * np.sin(lat),
        ],
        axis=-1,
    )


def gmst_rad(t: Time) -> FloatArray:
    """Greenwich mean sidereal angle (1982 model, the one TEME is defined by), radians."""
    theta, _ = theta_GMST1982(np.atleast_1d(t.whole), np.atleast_1d(t.ut1_fraction))
    return np.asarray(theta, dtype=float)


def ecef_to_teme(ecef_km: FloatArray, t: Time) -> FloatArray:
    """Rotate an Earth-fixed vector (shape ``(3,)``) into TEME at each time: ``(N, 3)``."""
    theta = gmst_rad(t)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = ecef_km
    return np.stack([c * x - s * y, s * x + c * y, np.full_like(theta, z)], axis=-1)


def teme_to_ecef(teme_km: FloatArray, t: Time) -> FloatArray:
    """Rotate TEME vectors ``(N, 3)`` into the Earth-fixed frame at each time."""
    theta = gmst_rad(t)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = teme_km[:, 0], teme_km[:, 1], teme_km[:, 2]
    return np.stack([c * x + s * y, -s * x + c * y, z], axis=-1)


def ecef_to_geodetic(ecef_km: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """WGS84 latitude (deg), longitude (deg) and height (km) of Earth-fixed points ``(N, 3)``.

    Bowring's iteration, converged to well under a millimetre for points near the Earth.
    """
    x, y, z = ecef_km[:, 0], ecef_km[:, 1], ecef_km[:, 2]
    e2 = WGS84_F * (2.0 - WGS84_F)
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    lat = np.arctan2(z, p * (1.0 - e2))
    height = np.zeros_like(p)
    for _ in range(6):
        n = WGS84_A_KM / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
        height = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1.0 - e2 * n / (n + height)))
    n = WGS84_A_KM / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
    height = p / np.cos(lat) - n
    return np.degrees(lat), np.degrees(lon), height


def unit(vectors: FloatArray) -> FloatArray:
    """Vectors ``(N, 3)`` scaled to unit length."""
    scaled: FloatArray = vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)
    return scaled


def sun_direction_teme(t: Time) -> FloatArray:
    """Unit vector towards the Sun, ``(N, 3)``, in the mean equator and equinox of date.

    The Astronomical Almanac's low-precision formula (good to about 0.01 deg from 1950 to
    2050), so no planetary ephemeris has to be downloaded. Nutation (< 0.005 deg) is
    neglected, so the vector serves TEME as well; that is plenty for deciding whether a
    satellite is sunlit or the sky is dark.
    """
    n = np.atleast_1d(t.whole - 2451545.0 + t.tt_fraction)
    mean_longitude = np.radians((280.460 + 0.9856474 * n) % 360.0)
    anomaly = np.radians((357.528 + 0.9856003 * n) % 360.0)
    ecliptic_longitude = mean_longitude + np.radians(
        1.915 * np.sin(anomaly) + 0.020 * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 0.0000004 * n)
    return np.stack(
        [
            np.cos(ecliptic_longitude),
            np.cos(obliquity) * np.sin(ecliptic_longitude),
            np.sin(obliquity) * np.sin(ecliptic_longitude),
        ],
        axis=-1,
    )


def sunlit(r_teme_km: FloatArray, sun_hat: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether satellites at ``r_teme_km`` ``(N, 3)`` are outside the Earth's shadow.

    A cylindrical shadow of the Earth's equatorial radius: the penumbra (a few seconds of a
    LEO pass) counts as sunlit.
    """
    along = np.sum(r_teme_km * sun_hat, axis=-1)
    across = np.linalg.norm(r_teme_km - along[:, None] * sun_hat, axis=-1)
    return np.asarray((along > 0.0) | (across > WGS84_A_KM))


def up_vector_teme(lat_deg: float, lon_deg: float, t: Time) -> FloatArray:
    """The local vertical (geodetic) of a place, in TEME, ``(N, 3)``."""
    lat = np.radians(lat_deg)
    lam = np.radians(lon_deg) + gmst_rad(t)
    return np.stack(
        [np.cos(lat) * np.cos(lam), np.cos(lat) * np.sin(lam), np.full_like(lam, np.sin(lat))], -1
    )
