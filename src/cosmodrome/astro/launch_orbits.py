"""Follow a launch's payloads to their current orbits: GCAT pieces joined to element sets.

GCAT names every payload by its international designator (``piece``, e.g. ``2023-198A``),
which is CelesTrak's ``OBJECT_ID``; the element store keeps that designator with every set,
so the link needs no catalog number. Early launches, which GCAT names the 1957-1962 way
(``1957 ALP 2``), are linked by catalog number (GCAT ``satcat`` = ``NORAD_CAT_ID``).

The orbit figures are SGP4's mean elements at the set's epoch: perigee and apogee heights
above a sphere of WGS72's equatorial radius (6378.135 km), which differ from osculating or
geodetic heights by up to some 20 km, so they are given to the kilometre.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb

from cosmodrome.astro.elements import ElementSet
from cosmodrome.astro.store import ElementStore, international_designator
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.naming import closest_names
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "launch_orbit_rows", "launch_orbits", "parse_launch"]

COLUMNS = [
    "piece", "name", "satcat", "norad_id", "linked_by", "epoch_utc", "perigee_km",
    "apogee_km", "inclination_deg", "period_min", "gcat_perigee_km", "gcat_apogee_km",
    "gcat_inc_deg", "elements_source",
]  # fmt: skip
_LAUNCH = re.compile(r"^(?P<launch>\d{4}-\d{3})(?P<piece>[A-Z]{1,3})?$")


def parse_launch(text: str) -> tuple[str, str | None]:
    """``(launch tag, piece or None)`` from ``2023-198`` or ``2023-198A``.

    >>> parse_launch(" 2023-198a ")
    ('2023-198', '2023-198A')
    """
    cleaned = text.strip().upper()
    match = _LAUNCH.match(cleaned)
    if match is None:
        raise InputError(
            f"launch {text!r} must be an international designator: 2023-198 (the launch) or "
            "2023-198A (one of its pieces)"
        )
    return match.group("launch"), cleaned if match.group("piece") else None


def launch_orbit_rows(
    con: duckdb.DuckDBPyConnection,
    store: ElementStore,
    launch: str,
    when_utc: datetime | None = None,
) -> Rows:
    """The payloads of ``launch`` with their newest stored orbit (nearest ``when_utc``).

    One row per GCAT payload, in piece order; a payload without a stored element set keeps
    its row with empty orbit columns (decayed, or not fetched yet:
    ``cosmodrome elements update --intdes 2023-198``). ``gcat_*`` columns hold GCAT's own
    orbit of the payload for comparison.
    """
    tag, piece = parse_launch(launch)
    payloads = _payloads(con, tag, piece)
    sets = store.by_designators(
        [p.piece for p in payloads if p.piece],
        [p.satcat for p in payloads if p.satcat is not None],
        when_utc,
    )
    by_piece = {d: s for s in sets if (d := international_designator(s))}
    by_number = {s.norad_id: s for s in sets}
    return Rows(COLUMNS, [_row(p, *_link(p, by_piece, by_number)) for p in payloads])


def launch_orbits(
    con: duckdb.DuckDBPyConnection,
    store: ElementStore,
    launch: str,
    when_utc: datetime | None = None,
) -> pd.DataFrame:
    """:func:`launch_orbit_rows` as a pandas DataFrame (for Python users): an orbit a payload
    lacks is NaN, its epoch NaT."""
    import pandas as pd

    frame = launch_orbit_rows(con, store, launch, when_utc).to_frame()
    frame["epoch_utc"] = pd.to_datetime(frame["epoch_utc"], utc=True)
    return frame.astype({c: "float64" for c in FLOAT_COLUMNS})


#: The orbit columns, NULL (NaN in a DataFrame) where a payload has no stored set.
FLOAT_COLUMNS = ("perigee_km", "apogee_km", "inclination_deg", "period_min")


class _Payload(NamedTuple):
    piece: str | None
    name: str | None
    satcat: int | None
    perigee_km: float | None
    apogee_km: float | None
    inc_deg: float | None


def _payloads(con: duckdb.DuckDBPyConnection, tag: str, piece: str | None) -> list[_Payload]:
    rows = con.execute(
        "SELECT piece, name, satcat, perigee_km, apogee_km, inc_deg FROM payloads "
        "WHERE launch_tag = ? AND (? IS NULL OR piece = ?) ORDER BY piece",
        [tag, piece, piece],
    ).fetchall()
    if not rows:
        what = piece or tag
        known = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT piece FROM payloads WHERE launch_tag = ?"
                if piece
                else "SELECT DISTINCT launch_tag FROM launches WHERE launch_tag LIKE ?",
                [tag] if piece else [tag[:5] + "%"],
            ).fetchall()
            if r[0]
        ]
        raise UnknownNameError("launch (no GCAT payload)", what, closest_names(what, known))
    return [_Payload(*row) for row in rows]


def _link(
    payload: _Payload,
    by_piece: dict[str, ElementSet],
    by_number: dict[int, ElementSet],
) -> tuple[ElementSet | None, str | None]:
    if payload.piece is not None and payload.piece in by_piece:
        return by_piece[payload.piece], "intdes"
    if payload.satcat is not None and payload.satcat in by_number:
        return by_number[payload.satcat], "satcat"
    return None, None


def _row(payload: _Payload, record: ElementSet | None, linked_by: str | None) -> tuple[Any, ...]:
    """A row of :data:`COLUMNS`."""
    orbit: tuple[Any, ...] = (None,) * 7
    if record is not None:
        satrec = record.satrec
        orbit = (
            record.epoch_utc,
            satrec.altp * satrec.radiusearthkm,
            satrec.alta * satrec.radiusearthkm,
            record.inclination_deg,
            2.0 * math.pi / satrec.no_kozai,
            record.source,
            record.norad_id,
        )
    epoch, perigee, apogee, inclination, period, source, norad = orbit
    return (
        payload.piece,
        payload.name,
        payload.satcat,
        norad,
        linked_by,
        epoch,
        perigee,
        apogee,
        inclination,
        period,
        payload.perigee_km,
        payload.apogee_km,
        payload.inc_deg,
        source,
    )
