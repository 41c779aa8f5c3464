"""Satellite passes over an observer: rise, culmination and set, via Skyfield's event finder.

    >>> from datetime import datetime, UTC
    >>> from cosmodrome.astro.elements import parse_text
    >>> iss = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records[0]
    >>> almaty = Observer("Almaty", 43.24, 76.95, 800.0)
    >>> result = find_passes(iss, almaty, datetime(2023, 12, 1, tzinfo=UTC), 1.0, min_elevation_deg=10.0)
    >>> first = result.passes[0]
    >>> first.rise_utc < first.culmination_utc < first.set_utc, first.time_zone
    (True, 'Asia/Almaty')

A pass is ``visible`` when, at some moment while it is above ``min_elevation_deg``, the
satellite is sunlit and the Sun is more than 6 degrees below the observer's horizon (civil
twilight is over). The Sun's direction comes from a low-precision formula good to 0.01 deg
(:func:`cosmodrome.astro.frames.sun_direction_teme`), so no ephemeris is downloaded.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
from skyfield.api import EarthSatellite, wgs84

from cosmodrome.astro.elements import ElementSet, epoch_warnings, propagation_failure
from cosmodrome.astro.frames import (
    ecef_to_teme,
    geodetic_to_ecef_km,
    sun_direction_teme,
    sunlit,
    teme_state,
    timescale,
    to_datetimes,
    up_vector_teme,
    utc_offsets,
)
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows
from cosmodrome.timeutil import require_utc

if TYPE_CHECKING:  # to_frame builds one, for Python users
    import pandas as pd

__all__ = ["Observer", "Pass", "PassesResult", "find_passes", "local_time_zone"]

#: The Sun must be this far below the horizon for the observer's sky to count as dark.
DARK_SUN_ALTITUDE_DEG = -6.0
#: Sampling step used to test visibility within a pass, seconds.
VISIBILITY_STEP_S = 10.0


@dataclass(frozen=True)
class Observer:
    """A place on the ground: WGS84 latitude and longitude (deg), height above the ellipsoid (m)."""

    name: str
    lat_deg: float
    lon_deg: float
    height_m: float = 0.0

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat_deg <= 90.0:
            raise InputError(f"latitude {self.lat_deg} is outside -90..90 degrees")
        if not -180.0 <= self.lon_deg <= 360.0:
            raise InputError(f"longitude {self.lon_deg} is outside -180..180 degrees")


@dataclass(frozen=True)
class Pass:
    """One pass above the minimum elevation; ``rise``/``set`` are ``None`` at period edges."""

    rise_utc: datetime | None
    rise_az_deg: float | None
    culmination_utc: datetime
    culmination_az_deg: float
    max_elevation_deg: float
    culmination_range_km: float
    set_utc: datetime | None
    set_az_deg: float | None
    visible: bool
    time_zone: str

    @property
    def duration_s(self) -> float | None:
        if self.rise_utc is None or self.set_utc is None:
            return None
        return (self.set_utc - self.rise_utc).total_seconds()


@dataclass
class PassesResult:
    passes: list[Pass]
    observer: Observer
    target_name: str
    warnings: list[str] = field(default_factory=list)

    def to_rows(self) -> Rows:
        """One row per pass (times in UTC and local), for the command line and the web."""
        zone = ZoneInfo(self.passes[0].time_zone) if self.passes else None

        def local(moment: datetime | None) -> str | None:
            if moment is None or zone is None:
                return None
            return moment.astimezone(zone).isoformat(timespec="seconds")

        rows = [
            (
                p.rise_utc,
                _round(p.rise_az_deg, 1),
                p.culmination_utc,
                round(p.max_elevation_deg, 1),
                round(p.culmination_az_deg, 1),
                round(p.culmination_range_km, 1),
                p.set_utc,
                _round(p.set_az_deg, 1),
                _round(p.duration_s, 0),
                p.visible,
                local(p.rise_utc),
                local(p.culmination_utc),
                local(p.set_utc),
                p.time_zone,
            )
            for p in self.passes
        ]
        return Rows(list(_COLUMNS), rows)

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_rows` as a DataFrame, for Python users (loads pandas)."""
        return self.to_rows().to_frame()


_COLUMNS = [
    "rise_utc",
    "rise_az_deg",
    "culmination_utc",
    "max_elevation_deg",
    "culmination_az_deg",
    "range_km",
    "set_utc",
    "set_az_deg",
    "duration_s",
    "visible",
    "rise_local",
    "culmination_local",
    "set_local",
    "time_zone",
]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@cache
def _finder() -> Any:
    # timezonefinder JIT-compiles its point-in-polygon test with numba whenever numba can
    # be imported (it is installed for the coverage kernels): 0.26 s of a passes command
    # for one lookup. Without numba it uses its own C extension, which gives the same
    # zones, so numba is hidden while timezonefinder loads.
    hide_numba = "numba" not in sys.modules
    if hide_numba:
        sys.modules["numba"] = None  # type: ignore[assignment]
    try:
        from timezonefinder import TimezoneFinder
    finally:
        if hide_numba:
            del sys.modules["numba"]
    return TimezoneFinder()  # reads the polygons it needs from its files, not all of them


def local_time_zone(lat_deg: float, lon_deg: float) -> str:
    """IANA time zone of a place (``Etc/GMT±N`` at sea), e.g. ``Asia/Almaty``.

    >>> local_time_zone(51.1694, 71.4491)
    'Asia/Almaty'
    """
    name = _finder().timezone_at(lng=((lon_deg + 180.0) % 360.0) - 180.0, lat=lat_deg)
    if name is None:
        hours = round(lon_deg / 15.0)
        name = "Etc/GMT" + (f"{-hours:+d}" if hours else "")
    return str(name)


def find_passes(
    target: ElementSet,
    observer: Observer,
    start_utc: datetime,
    days: float,
    *,
    min_elevation_deg: float = 10.0,
    visible_only: bool = False,
) -> PassesResult:
    """Passes of ``target`` over ``observer`` reaching ``min_elevation_deg`` in the period."""
    start = require_utc(start_utc)
    if not 0.0 < days <= 31.0:
        raise InputError(f"days must be between 0 and 31 for passes, got {days}")
    if not -5.0 <= min_elevation_deg < 90.0:
        raise InputError(
            f"min elevation must be between -5 and 90 degrees, got {min_elevation_deg}"
        )
    end = start + timedelta(days=days)
    warnings = epoch_warnings(target, start, end)
    ts = timescale()
    satellite = EarthSatellite.from_satrec(target.satrec, ts)
    topos = wgs84.latlon(observer.lat_deg, observer.lon_deg, elevation_m=observer.height_m)
    t0, t1 = ts.from_datetime(start), ts.from_datetime(end)
    _check_propagates(target, start, days)
    times, events = satellite.find_events(topos, t0, t1, altitude_degrees=min_elevation_deg)
    zone = local_time_zone(observer.lat_deg, observer.lon_deg)
    passes: list[Pass] = []
    if len(events):
        alt, az, distance = (satellite - topos).at(times).altaz()
        moments = to_datetimes(times)
        current: dict[str, Any] = {}
        for i, event in enumerate(np.asarray(events)):
            if event == 0:
                current = {"rise": (moments[i], float(az.degrees[i]))}
            elif event == 1:
                best = current.get("culmination")
                if best is None or alt.degrees[i] > best[2]:
                    current["culmination"] = (
                        moments[i],
                        float(az.degrees[i]),
                        float(alt.degrees[i]),
                        float(distance.km[i]),
                    )
            else:
                current["set"] = (moments[i], float(az.degrees[i]))
                if "culmination" in current:
                    passes.append(_make_pass(current, zone, target, observer, min_elevation_deg))
                current = {}
        if "culmination" in current:
            passes.append(_make_pass(current, zone, target, observer, min_elevation_deg))
    if visible_only:
        passes = [p for p in passes if p.visible]
    return PassesResult(passes, observer, f"{target.name} ({target.norad_id})", warnings)


def _make_pass(
    parts: dict[str, Any],
    zone: str,
    target: ElementSet,
    observer: Observer,
    min_elevation_deg: float,
) -> Pass:
    culmination = parts["culmination"]
    rise = parts.get("rise")
    setting = parts.get("set")
    first = rise[0] if rise else culmination[0] - timedelta(minutes=5)
    last = setting[0] if setting else culmination[0] + timedelta(minutes=5)
    visible = _visible_during(target, observer, first, last, min_elevation_deg)
    return Pass(
        rise_utc=rise[0] if rise else None,
        rise_az_deg=rise[1] if rise else None,
        culmination_utc=culmination[0],
        culmination_az_deg=culmination[1],
        max_elevation_deg=culmination[2],
        culmination_range_km=culmination[3],
        set_utc=setting[0] if setting else None,
        set_az_deg=setting[1] if setting else None,
        visible=visible,
        time_zone=zone,
    )


def _visible_during(
    target: ElementSet,
    observer: Observer,
    first: datetime,
    last: datetime,
    min_elevation_deg: float,
) -> bool:
    span_s = max((last - first).total_seconds(), 0.0)
    t = utc_offsets(first, np.append(np.arange(0.0, span_s, VISIBILITY_STEP_S), span_s))
    r, _, errors = teme_state(target.satrec, t)
    ok = np.asarray(errors) == 0
    sun = sun_direction_teme(t)
    up = up_vector_teme(observer.lat_deg, observer.lon_deg, t)
    site = ecef_to_teme(
        geodetic_to_ecef_km(observer.lat_deg, observer.lon_deg, observer.height_m), t
    )
    line_of_sight = r - site
    elevation = np.degrees(
        np.arcsin(np.sum(line_of_sight * up, -1) / np.linalg.norm(line_of_sight, axis=-1))
    )
    sun_altitude = np.degrees(np.arcsin(np.clip(np.sum(sun * up, -1), -1.0, 1.0)))
    seen = (
        ok
        & sunlit(r, sun)
        & (sun_altitude < DARK_SUN_ALTITUDE_DEG)
        & (elevation >= min_elevation_deg - 0.01)
    )
    return bool(np.any(seen))


def _check_propagates(target: ElementSet, start: datetime, days: float) -> None:
    t = utc_offsets(start, np.linspace(0.0, days * 86400.0, 25))
    _, _, errors = teme_state(target.satrec, t)
    bad = np.nonzero(np.asarray(errors))[0]
    if bad.size:
        code = int(np.asarray(errors)[bad[0]])
        moment = to_datetimes(t)[int(bad[0])].isoformat()
        reason = propagation_failure(code)
        raise InputError(
            f"cannot propagate {target.name} ({target.norad_id}) at {moment}: {reason}; "
            "it is no longer in orbit according to this element set"
        )
