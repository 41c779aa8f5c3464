"""Launch windows: when a pad passes through a target's orbital plane.

A rocket that lifts off when its pad lies in the target's orbital plane reaches that plane
without a costly plane change. The plane is the target's osculating plane from SGP4 (its
normal is ``r × v``), so the westward drift of the node under J2 (about 5 degrees a day for
the ISS) comes from the propagation itself. The pad turns with the Earth and crosses the
plane twice a day when its latitude is below the inclination: once where the orbit heads
north over it (northbound branch) and once where it heads south (southbound branch).

For each crossing :func:`launch_windows` reports the in-plane time, the launch azimuth, the
window ``[open, close]`` in which the pad is within ``max_yaw_deg`` of the plane (the yaw
steering the vehicle can absorb), and the target's phase angle: how far ahead of the pad
the target is, measured along its orbit, at the in-plane time.

    >>> from datetime import datetime, UTC
    >>> from cosmodrome.astro.elements import parse_text
    >>> iss = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records[0]
    >>> result = launch_windows(45.996, 63.564, 90.0, iss, datetime(2023, 12, 1, tzinfo=UTC), 1.0)
    >>> [(w.branch, w.in_plane_utc.strftime("%H:%M")) for w in result.windows]
    [('northbound', '09:25'), ('southbound', '14:04')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from sgp4.api import WGS72, Satrec

from cosmodrome.astro.elements import ElementSet, epoch_warnings, propagation_failure
from cosmodrome.astro.frames import (
    EARTH_ROTATION_RAD_S,
    MU_KM3_S2,
    FloatArray,
    ecef_to_teme,
    geodetic_to_ecef_km,
    gmst_rad,
    teme_state,
    to_datetimes,
    unit,
    utc_offsets,
)
from cosmodrome.astro.gazetteer import LaunchPoint
from cosmodrome.display import format_value
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows
from cosmodrome.timeutil import require_utc

if TYPE_CHECKING:  # to_frame builds one, for Python users
    import pandas as pd

__all__ = [
    "LaunchWindow",
    "NoInPlaneTimeError",
    "WindowsResult",
    "launch_windows",
    "out_of_plane_deg",
    "plane_target",
]

#: Grid step of the first, coarse search (s); roots are then refined by bisection.
GRID_STEP_S = 120.0
#: Bisection steps: 120 s / 2**24 is below ten microseconds.
BISECTION_STEPS = 24
#: Extra time searched on either side of the period, so windows at its edges are complete.
MARGIN_S = 6 * 3600.0
_SGP4_EPOCH0 = datetime(1949, 12, 31, tzinfo=UTC)


class CorridorLike(Protocol):
    def contains(self, azimuth_deg: float) -> bool: ...


class NoInPlaneTimeError(InputError):
    """The pad never lies in the target plane during the period (e.g. latitude too high)."""


@dataclass(frozen=True)
class LaunchWindow:
    """One pass of the pad through the target plane.

    ``azimuth_deg`` is the launch azimuth over the ground (the direction the vehicle flies,
    measured in the rotating Earth's frame, for a circular orbit at the target's radius);
    ``inertial_azimuth_deg`` is the azimuth of the plane itself at the pad. ``phase_deg`` is
    the angle from the pad to the target along the orbit at ``in_plane_utc``, positive when
    the target is ahead (-180 to 180; NaN for a plane given only by RAAN and inclination).
    ``open_utc``/``close_utc`` bound the time in which the pad is within ``max_yaw_deg`` of
    the plane (``None`` when that edge lies outside the searched span).
    """

    in_plane_utc: datetime
    branch: str  # "northbound" | "southbound"
    azimuth_deg: float
    inertial_azimuth_deg: float
    open_utc: datetime | None
    close_utc: datetime | None
    phase_deg: float
    target_raan_deg: float
    corridor_ok: bool | None
    flags: str

    @property
    def duration_s(self) -> float | None:
        if self.open_utc is None or self.close_utc is None:
            return None
        return (self.close_utc - self.open_utc).total_seconds()


@dataclass
class WindowsResult:
    """Windows over a period, with warnings (stale elements) to show the user."""

    windows: list[LaunchWindow]
    max_yaw_deg: float
    target_name: str
    warnings: list[str] = field(default_factory=list)

    def to_rows(self) -> Rows:
        """One row per window, for the command line and the web."""
        rows = [
            (
                w.in_plane_utc,
                w.branch,
                round(w.azimuth_deg, 3),
                round(w.inertial_azimuth_deg, 3),
                w.open_utc,
                w.close_utc,
                None if w.duration_s is None else round(w.duration_s, 1),
                round(w.phase_deg, 2),
                round(w.target_raan_deg, 4),
                w.corridor_ok,
                w.flags,
            )
            for w in self.windows
        ]
        return Rows(list(WINDOW_COLUMNS), rows)

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_rows` as a DataFrame, for Python users (loads pandas)."""
        return self.to_rows().to_frame()


WINDOW_COLUMNS = [
    "in_plane_utc",
    "branch",
    "azimuth_deg",
    "inertial_azimuth_deg",
    "open_utc",
    "close_utc",
    "duration_s",
    "phase_deg",
    "target_raan_deg",
    "corridor_ok",
    "flags",
]


@dataclass(frozen=True)
class PlaneTarget:
    """A bare orbital plane: RAAN and inclination at an epoch, on a circular orbit."""

    satrec: Any
    name: str
    epoch_utc: datetime


def plane_target(
    raan_deg: float, inclination_deg: float, epoch_utc: datetime, altitude_km: float = 400.0
) -> PlaneTarget:
    """A circular SGP4 orbit with the given plane, so J2 regression applies as for a TLE.

    >>> from datetime import datetime, UTC
    >>> plane = plane_target(100.0, 51.6, datetime(2025, 6, 1, tzinfo=UTC))
    >>> round(float(np.degrees(plane.satrec.inclo)), 4), round(float(np.degrees(plane.satrec.nodeo)), 4)
    (51.6, 100.0)
    """
    if not 0.0 <= inclination_deg <= 180.0:
        raise InputError(f"inclination {inclination_deg} deg is outside 0..180 deg")
    if altitude_km < 100.0:
        raise InputError(f"altitude {altitude_km} km is below 100 km: no orbit")
    epoch = require_utc(epoch_utc)
    a_km = 6378.135 + altitude_km
    mean_motion_rad_min = np.sqrt(MU_KM3_S2 / a_km**3) * 60.0
    satrec = Satrec()
    satrec.sgp4init(
        WGS72,
        "i",
        0,
        (epoch - _SGP4_EPOCH0).total_seconds() / 86400.0,
        0.0,
        0.0,
        0.0,
        1e-7,
        0.0,
        np.radians(inclination_deg),
        0.0,
        mean_motion_rad_min,
        np.radians(raan_deg % 360.0),
    )
    name = f"plane RAAN {raan_deg:g} deg, i {inclination_deg:g} deg"
    return PlaneTarget(satrec, name, epoch)


def out_of_plane_deg(
    lat_deg: float,
    lon_deg: float,
    height_m: float,
    satrec: Any,
    offsets_s: FloatArray,
    start_utc: datetime,
) -> FloatArray:
    """Angle of the pad out of the target's plane (deg), positive on the side of ``r × v``."""
    t = utc_offsets(start_utc, offsets_s)
    r, v, errors = teme_state(satrec, t)
    _raise_on_sgp4_errors(errors, t)
    normal = unit(np.cross(r, v))
    pad = unit(ecef_to_teme(geodetic_to_ecef_km(lat_deg, lon_deg, height_m), t))
    angle: FloatArray = np.degrees(np.arcsin(np.clip(np.sum(normal * pad, axis=-1), -1.0, 1.0)))
    return angle


def launch_windows(
    lat_deg: float,
    lon_deg: float,
    height_m: float,
    target: ElementSet | PlaneTarget,
    start_utc: datetime,
    days: float,
    *,
    max_yaw_deg: float = 1.0,
    corridors: Sequence[CorridorLike] = (),
    site_name: str = "the site",
) -> WindowsResult:
    """Every in-plane time of the pad in ``[start_utc, start_utc + days]``, both branches.

    ``target`` is an :class:`~cosmodrome.astro.elements.ElementSet` or a
    :func:`plane_target`. ``corridors`` are the site's allowed launch-azimuth ranges: a
    window whose azimuth falls in none of them is flagged ``outside corridor``; southbound
    windows are flagged ``southbound``.
    """
    start = require_utc(start_utc)
    if not 0.0 < days <= 366.0:
        raise InputError(f"days must be between 0 and 366, got {days}")
    if not 0.0 <= max_yaw_deg < 90.0:
        raise InputError(
            f"the yaw allowance (max yaw) must be between 0 and 90 degrees, got {max_yaw_deg}"
        )
    end = start + timedelta(days=days)
    warnings: list[str] = []
    if isinstance(target, ElementSet):
        warnings = epoch_warnings(target, start, end)
        name = f"{target.name} ({target.norad_id})"
    else:
        name = target.name
    satrec = target.satrec
    pad_ecef = geodetic_to_ecef_km(lat_deg, lon_deg, height_m)
    span_s = days * 86400.0

    def delta(offsets: FloatArray) -> FloatArray:
        return out_of_plane_deg(lat_deg, lon_deg, height_m, satrec, offsets, start)

    grid = np.arange(-MARGIN_S, span_s + MARGIN_S + GRID_STEP_S, GRID_STEP_S)
    values = delta(grid)
    crossing = np.nonzero(np.signbit(values[:-1]) != np.signbit(values[1:]))[0]
    roots = _bisect(delta, grid[crossing], grid[crossing + 1], 0.0)
    inside = (roots >= 0.0) & (roots <= span_s)
    roots = roots[inside]
    if roots.size == 0:
        raise _no_crossing(lat_deg, values, satrec, site_name, name, start, end)

    def yaw_fn(offsets: FloatArray) -> FloatArray:
        return np.abs(delta(offsets)) - max_yaw_deg

    excess = np.abs(values) - max_yaw_deg
    enter = np.nonzero((excess[:-1] > 0.0) & (excess[1:] <= 0.0))[0]
    leave = np.nonzero((excess[:-1] <= 0.0) & (excess[1:] > 0.0))[0]
    open_s = _bisect(yaw_fn, grid[enter], grid[enter + 1], 0.0) if enter.size else np.empty(0)
    close_s = _bisect(yaw_fn, grid[leave], grid[leave + 1], 0.0) if leave.size else np.empty(0)

    t = utc_offsets(start, roots)
    r, v, errors = teme_state(satrec, t)
    _raise_on_sgp4_errors(errors, t)
    normal = unit(np.cross(r, v))
    pad = ecef_to_teme(pad_ecef, t)
    pad_hat = unit(pad)
    along = unit(np.cross(normal, pad_hat))  # direction of orbital motion at the pad
    east, north = _east_north(lat_deg, lon_deg, gmst_rad(t))
    inertial_az = (
        np.degrees(np.arctan2(np.sum(along * east, -1), np.sum(along * north, -1))) % 360.0
    )
    speed = np.sqrt(MU_KM3_S2 / np.linalg.norm(r, axis=-1))[:, None]
    ground_velocity = speed * along - EARTH_ROTATION_RAD_S * np.cross(
        np.array([0.0, 0.0, 1.0]), pad
    )
    ground_az = np.degrees(
        np.arctan2(np.sum(ground_velocity * east, -1), np.sum(ground_velocity * north, -1))
    )
    ground_az %= 360.0
    northbound = np.sum(along * north, -1) > 0.0
    r_hat = unit(r)
    phase = np.degrees(
        np.arctan2(np.sum(normal * np.cross(pad_hat, r_hat), -1), np.sum(pad_hat * r_hat, -1))
    )
    if isinstance(target, PlaneTarget):
        phase = np.full_like(phase, np.nan)
    raan = np.degrees(np.arctan2(normal[:, 0], -normal[:, 1])) % 360.0

    moments = to_datetimes(t)
    windows = []
    for i, root in enumerate(roots):
        before = open_s[open_s <= root]
        after = close_s[close_s >= root]
        opened = _moment(start, before.max()) if before.size else None
        closed = _moment(start, after.min()) if after.size else None
        az = float(ground_az[i])
        corridor_ok = any(c.contains(az) for c in corridors) if corridors else None
        flags = []
        if not northbound[i]:
            flags.append("southbound")
        if corridor_ok is False:
            flags.append("outside corridor")
        windows.append(
            LaunchWindow(
                in_plane_utc=moments[i],
                branch="northbound" if northbound[i] else "southbound",
                azimuth_deg=az,
                inertial_azimuth_deg=float(inertial_az[i]),
                open_utc=opened,
                close_utc=closed,
                phase_deg=float(phase[i]),
                target_raan_deg=float(raan[i]),
                corridor_ok=corridor_ok,
                flags=", ".join(flags),
            )
        )
    return WindowsResult(windows, max_yaw_deg, name, warnings)


def _bisect(
    fn: Callable[[FloatArray], FloatArray], low: FloatArray, high: FloatArray, level: float
) -> FloatArray:
    """Vectorised bisection of ``fn - level`` on brackets ``[low, high]`` (sign change inside)."""
    low = np.asarray(low, dtype=float).copy()
    high = np.asarray(high, dtype=float).copy()
    if low.size == 0:
        return low
    f_low = fn(low) - level
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (low + high)
        f_mid = fn(mid) - level
        same = np.signbit(f_mid) == np.signbit(f_low)
        low = np.where(same, mid, low)
        f_low = np.where(same, f_mid, f_low)
        high = np.where(same, high, mid)
    return 0.5 * (low + high)


def _east_north(lat_deg: float, lon_deg: float, gmst: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Local east and north unit vectors of a geodetic place, in TEME, ``(N, 3)`` each."""
    lat = np.radians(lat_deg)
    lam = np.radians(lon_deg) + gmst
    east = np.stack([-np.sin(lam), np.cos(lam), np.zeros_like(lam)], axis=-1)
    north = np.stack(
        [-np.sin(lat) * np.cos(lam), -np.sin(lat) * np.sin(lam), np.full_like(lam, np.cos(lat))], -1
    )
    return east, north


def _moment(start: datetime, offset_s: float) -> datetime:
    return start + timedelta(microseconds=round(float(offset_s) * 1e6))


def _raise_on_sgp4_errors(errors: Any, t: Any) -> None:
    bad = np.nonzero(np.asarray(errors))[0]
    if bad.size:
        first = to_datetimes(t[int(bad[0])] if np.ndim(t.whole) else t)[0]
        code = int(np.asarray(errors)[bad[0]])
        reason = propagation_failure(code)
        raise InputError(
            f"cannot propagate the target at {first.isoformat()}: {reason}; use an element set "
            "of an object still in orbit at that time"
        )


def _no_crossing(
    lat_deg: float,
    values: FloatArray,
    satrec: Any,
    site: str,
    target: str,
    start: datetime,
    end: datetime,
) -> NoInPlaneTimeError:
    inclination = float(np.degrees(satrec.inclo))
    reach = min(inclination, 180.0 - inclination)
    closest = float(np.min(np.abs(values)))
    if abs(lat_deg) > reach:
        return NoInPlaneTimeError(
            f"{site} at latitude {format_value('lat_deg', lat_deg)} deg is farther from the "
            "equator than the "
            f"{inclination:.2f} deg plane of {target} reaches, so it never lies in that plane "
            f"(closest: {closest:.2f} deg out of plane). A launch from there needs a plane "
            "change (dogleg) or a site below the inclination."
        )
    return NoInPlaneTimeError(
        f"{site} does not pass through the plane of {target} between {start.isoformat()} and "
        f"{end.isoformat()} (closest: {closest:.2f} deg); search a longer period (more days)."
    )


def windows_from(
    point: LaunchPoint,
    target: ElementSet | PlaneTarget,
    start_utc: datetime,
    days: float,
    *,
    max_yaw_deg: float = 1.0,
) -> WindowsResult:
    """:func:`launch_windows` from a resolved launch point (a site or pad, with its corridors;
    see :func:`cosmodrome.astro.gazetteer.resolve_launch_point`)."""
    return launch_windows(
        point.lat_deg,
        point.lon_deg,
        point.height_m,
        target,
        start_utc,
        days,
        max_yaw_deg=max_yaw_deg,
        corridors=point.corridors,
        site_name=point.name,
    )
