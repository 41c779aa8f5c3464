"""Inclinations a site's payloads actually reached, from the catalog, against its corridors.

Reads the catalog's ``payloads`` joined to ``launches`` (docs/SCHEMA.md) through a DuckDB
connection the caller opens; nothing here opens or writes a database. A corridor that history
contradicts is a finding, reported as a flag, not an error.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cosmodrome.capability.launch import corridor_inclinations
from cosmodrome.spaceports import Spaceport

#: Inclination bins of the distribution (deg).
BIN_WIDTH_DEG = 5.0
#: A payload within this many degrees of a corridor's inclination range agrees with it
#: (parking orbits, small dog-legs and later manoeuvres blur the launch inclination).
TOLERANCE_DEG = 2.0


def achieved_inclinations(connection: Any, port: Spaceport) -> pd.DataFrame:
    """One row per payload launched from ``port`` with a known inclination.

    Columns ``launch_tag``, ``piece``, ``inc_deg``, ``year``, ``in_corridor`` (the payload's
    inclination lies within :data:`TOLERANCE_DEG` of what the curated corridors allow, or
    below the site's latitude: a plane change after launch, not a corridor question).
    ``connection`` is a DuckDB connection to a catalog with the ``payloads`` and ``launches``
    tables; the site is matched on ``launches.site_code`` and ``launches.site``.
    """
    codes = list(port.gcat_sites)
    if not codes:
        return pd.DataFrame(columns=["launch_tag", "piece", "inc_deg", "year", "in_corridor"])
    marks = ", ".join("?" for _ in codes)
    frame: pd.DataFrame = connection.execute(
        f"""
        SELECT p.launch_tag, p.piece, p.inc_deg, l.year
        FROM payloads p JOIN launches l USING (launch_tag)
        WHERE (l.site_code IN ({marks}) OR l.site IN ({marks})) AND p.inc_deg IS NOT NULL
        ORDER BY l.year, p.launch_tag, p.piece
        """,
        [*codes, *codes],
    ).df()
    low, high = _allowed_range(port)
    lat = abs(port.lat_deg)
    inc = frame["inc_deg"].astype(float)
    frame["in_corridor"] = ((inc >= low - TOLERANCE_DEG) & (inc <= high + TOLERANCE_DEG)) | (
        inc < lat
    )
    return frame


def inclination_distribution(connection: Any, port: Spaceport) -> pd.DataFrame:
    """Payload counts per :data:`BIN_WIDTH_DEG` bin, with the share outside the corridors.

    Columns ``bin_start_deg``, ``bin_end_deg``, ``payloads``, ``outside_corridor``.
    """
    frame = achieved_inclinations(connection, port)
    if frame.empty:
        return pd.DataFrame(
            columns=["bin_start_deg", "bin_end_deg", "payloads", "outside_corridor"]
        )
    start = (frame["inc_deg"].astype(float) // BIN_WIDTH_DEG) * BIN_WIDTH_DEG
    grouped = frame.assign(bin_start_deg=start, outside=~frame["in_corridor"]).groupby(
        "bin_start_deg"
    )
    out = grouped.agg(
        payloads=("inc_deg", "size"), outside_corridor=("outside", "sum")
    ).reset_index()
    out.insert(1, "bin_end_deg", out["bin_start_deg"] + BIN_WIDTH_DEG)
    return out


def corridor_findings(connection: Any, port: Spaceport) -> list[str]:
    """Plain-language flags where the catalog contradicts the curated corridors."""
    frame = achieved_inclinations(connection, port)
    findings: list[str] = []
    if frame.empty:
        return findings
    outside = frame[~frame["in_corridor"]]
    low, high = _allowed_range(port)
    if not outside.empty:
        incs = outside["inc_deg"].astype(float)
        findings.append(
            f"{len(outside)} of {len(frame)} payloads from {port.name} reached inclinations outside "
            f"the curated corridors ({low:.1f}-{high:.1f} deg): {incs.min():.1f} to {incs.max():.1f} deg "
            f"(years {int(outside['year'].min())}-{int(outside['year'].max())})"
        )
    return findings


def _allowed_range(port: Spaceport) -> tuple[float, float]:
    incs = [inc for inc, _az in corridor_inclinations(port)]
    return min(incs), max(incs)
