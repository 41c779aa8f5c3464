"""Where a satellite is: the sub-satellite point and altitude at given times.

    >>> from datetime import datetime, UTC
    >>> from cosmodrome.astro.elements import parse_text
    >>> iss = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records[0]
    >>> point = where(iss, [datetime(2023, 11, 30, tzinfo=UTC)])[0]
    >>> -51.7 < point.lat_deg < 51.7, 400 < point.altitude_km < 440
    (True, True)

The sub-satellite point is geodetic (WGS84): the point of the ellipsoid below the satellite
along the local vertical, the convention of Skyfield's ``wgs84.geographic_position_of``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from cosmodrome.astro.elements import ElementSet, epoch_warnings, propagation_failure
from cosmodrome.astro.frames import (
    ecef_to_geodetic,
    teme_state,
    teme_to_ecef,
    timescale,
    to_datetimes,
)
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows
from cosmodrome.timeutil import require_utc

if TYPE_CHECKING:  # only where_frame builds one, for Python users
    import pandas as pd

__all__ = ["SubPoint", "where", "where_frame"]


@dataclass(frozen=True)
class SubPoint:
    time_utc: datetime
    lat_deg: float
    lon_deg: float
    altitude_km: float
    speed_km_s: float


def where(target: ElementSet, times_utc: Sequence[datetime]) -> list[SubPoint]:
    """The sub-satellite point, altitude above the ellipsoid and inertial speed at each time."""
    if not times_utc:
        raise InputError("give at least one time")
    moments = [require_utc(moment) for moment in times_utc]
    epoch_warnings(target, min(moments), max(moments))  # refuses element sets far from the times
    t = timescale().from_datetimes(moments)
    r, v, errors = teme_state(target.satrec, t)
    bad = np.nonzero(errors)[0]
    if bad.size:
        code = int(errors[bad[0]])
        reason = propagation_failure(code)
        raise InputError(
            f"cannot place {target.name} ({target.norad_id}) at "
            f"{moments[int(bad[0])].isoformat()}: {reason}"
        )
    lat, lon, height = ecef_to_geodetic(teme_to_ecef(r, t))
    speed = np.linalg.norm(v, axis=-1)
    exact = to_datetimes(t)
    return [
        SubPoint(exact[i], float(lat[i]), float(lon[i]), float(height[i]), float(speed[i]))
        for i in range(len(moments))
    ]


WHERE_COLUMNS = [
    "time_utc",
    "norad_id",
    "name",
    "lat_deg",
    "lon_deg",
    "altitude_km",
    "speed_km_s",
    "epoch_utc",
]


def where_rows(target: ElementSet, times_utc: Sequence[datetime]) -> Rows:
    """:func:`where` as a table for the command line and the web: plain rows, no pandas."""
    return Rows(
        list(WHERE_COLUMNS),
        [
            (
                p.time_utc,
                target.norad_id,
                target.name,
                round(p.lat_deg, 5),
                round(p.lon_deg, 5),
                round(p.altitude_km, 3),
                round(p.speed_km_s, 4),
                target.epoch_utc,
            )
            for p in where(target, times_utc)
        ],
    )


def where_frame(target: ElementSet, times_utc: Sequence[datetime]) -> pd.DataFrame:
    """:func:`where_rows` as a DataFrame, for Python users (loads pandas)."""
    return where_rows(target, times_utc).to_frame()
