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
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.astro.elements import ElementSet
from cosmodrome.astro.store import ElementStore, international_designator
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.naming import closest_names

__all__ = ["COLUMNS", "launch_orbits", "parse_launch"]

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


def launch_orbits(
    con: duckdb.DuckDBPyConnection,
    store: ElementStore,
    launch: str,
    when_utc: datetime | None = None,
) -> pd.DataFrame:
    """The payloads of ``launch`` with their newest stored orbit (nearest ``when_utc``).

    One row per GCAT payload, in piece order; a payload without a stored element set keeps
    its row with empty orbit columns (decayed, or not fetched yet:
    ``cosmodrome elements update --intdes 2023-198``). ``gcat_*`` columns hold GCAT's own
    orbit of the payload for comparison.
    """
    tag, piece = parse_launch(launch)
    payloads = _payloads(con, tag, piece)
    sets = store.by_designators(
        [p for p in payloads["piece"].dropna()],
        [int(n) for n in payloads["satcat"].dropna()],
        when_utc,
    )
    by_piece = {d: s for s in sets if (d := international_designator(s))}
    by_number = {s.norad_id: s for s in sets}
    rows = []
    for payload in payloads.itertuples(index=False):
        record, linked_by = _link(payload.piece, payload.satcat, by_piece, by_number)
        rows.append(_row(payload, record, linked_by))
    return pd.DataFrame(rows, columns=COLUMNS)


def _payloads(con: duckdb.DuckDBPyConnection, tag: str, piece: str | None) -> pd.DataFrame:
    frame = con.execute(
        "SELECT piece, name, satcat, perigee_km, apogee_km, inc_deg FROM payloads "
        "WHERE launch_tag = ? AND (? IS NULL OR piece = ?) ORDER BY piece",
        [tag, piece, piece],
    ).df()
    if frame.empty:
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
    return frame


def _link(
    piece: Any,
    satcat: Any,
    by_piece: dict[str, ElementSet],
    by_number: dict[int, ElementSet],
) -> tuple[ElementSet | None, str | None]:
    if isinstance(piece, str) and piece in by_piece:
        return by_piece[piece], "intdes"
    if not pd.isna(satcat) and int(satcat) in by_number:
        return by_number[int(satcat)], "satcat"
    return None, None


def _row(payload: Any, record: ElementSet | None, linked_by: str | None) -> dict[str, object]:
    row: dict[str, object] = {
        "piece": payload.piece,
        "name": payload.name,
        "satcat": None if pd.isna(payload.satcat) else int(payload.satcat),
        "gcat_perigee_km": payload.perigee_km,
        "gcat_apogee_km": payload.apogee_km,
        "gcat_inc_deg": payload.inc_deg,
        "norad_id": None,
        "linked_by": linked_by,
        "epoch_utc": pd.NaT,
        "perigee_km": math.nan,
        "apogee_km": math.nan,
        "inclination_deg": math.nan,
        "period_min": math.nan,
        "elements_source": None,
    }
    if record is not None:
        satrec = record.satrec
        row |= {
            "norad_id": record.norad_id,
            "epoch_utc": pd.Timestamp(record.epoch_utc),
            "perigee_km": satrec.altp * satrec.radiusearthkm,
            "apogee_km": satrec.alta * satrec.radiusearthkm,
            "inclination_deg": record.inclination_deg,
            "period_min": 2.0 * math.pi / satrec.no_kozai,
            "elements_source": record.source,
        }
    return row
