"""Inclinations a site's payloads actually reached, from the catalog, against its corridors.

Reads the catalog's ``payloads`` joined to ``launches`` (docs/SCHEMA.md) through a DuckDB
connection the caller opens; nothing here opens or writes a database. A corridor that history
contradicts is a finding, reported as a flag, not an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cosmodrome.capability.launch import corridor_inclinations
from cosmodrome.spaceports import Spaceport

if TYPE_CHECKING:
    import pandas as pd

#: Inclination bins of the distribution (deg).
BIN_WIDTH_DEG = 5.0
#: A payload within this many degrees of a corridor's inclination range agrees with it
#: (parking orbits, small dog-legs and later manoeuvres blur the launch inclination).
TOLERANCE_DEG = 2.0

_COLUMNS = ["launch_tag", "piece", "inc_deg", "year", "in_corridor"]


def achieved_inclinations(connection: Any, port: Spaceport) -> pd.DataFrame:
    """One row per payload launched from ``port`` with a known inclination.

    Columns ``launch_tag``, ``piece``, ``inc_deg``, ``year``, ``in_corridor`` (the payload's
    inclination lies within :data:`TOLERANCE_DEG` of what the curated corridors allow, or
    below the site's latitude: a plane change after launch, not a corridor question).
    ``connection`` is a DuckDB connection to a catalog with the ``payloads`` and ``launches``
    tables; the site is matched on ``launches.site_code`` and ``launches.site``.
    """
    import pandas as pd

    if not port.gcat_sites:
        return pd.DataFrame(columns=_COLUMNS)
    query, parameters = _payloads(port)
    frame: pd.DataFrame = connection.execute(
        f"{query} ORDER BY year, launch_tag, piece", parameters
    ).df()
    return frame


def inclination_distribution(connection: Any, port: Spaceport) -> pd.DataFrame:
    """Payload counts per :data:`BIN_WIDTH_DEG` bin, with the share outside the corridors.

    Columns ``bin_start_deg``, ``bin_end_deg``, ``payloads``, ``outside_corridor``.
    """
    import pandas as pd

    columns = ["bin_start_deg", "bin_end_deg", "payloads", "outside_corridor"]
    if not port.gcat_sites:
        return pd.DataFrame(columns=columns)
    query, parameters = _payloads(port)
    frame: pd.DataFrame = connection.execute(
        f"""
        SELECT floor(inc_deg / {BIN_WIDTH_DEG}) * {BIN_WIDTH_DEG} AS bin_start_deg,
               bin_start_deg + {BIN_WIDTH_DEG} AS bin_end_deg,
               count(*) AS payloads,
               count(*) FILTER (WHERE NOT in_corridor) AS outside_corridor
        FROM ({query}) GROUP BY ALL ORDER BY bin_start_deg
        """,
        parameters,
    ).df()
    return frame if not frame.empty else pd.DataFrame(columns=columns)


def corridor_findings(connection: Any, port: Spaceport) -> list[str]:
    """Plain-language flags where the catalog contradicts the curated corridors."""
    if not port.gcat_sites:
        return []
    query, parameters = _payloads(port)
    payloads, outside, lowest, highest, first, last = connection.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE NOT in_corridor),
               min(inc_deg) FILTER (WHERE NOT in_corridor),
               max(inc_deg) FILTER (WHERE NOT in_corridor),
               min(year) FILTER (WHERE NOT in_corridor),
               max(year) FILTER (WHERE NOT in_corridor)
        FROM ({query})
        """,
        parameters,
    ).fetchone()
    if not outside:
        return []
    low, high = _allowed_range(port)
    return [
        f"{outside} of {payloads} payloads from {port.name} reached inclinations outside "
        f"the curated corridors ({low:.1f}-{high:.1f} deg): {lowest:.1f} to {highest:.1f} deg "
        f"(years {int(first)}-{int(last)})"
    ]


def _payloads(port: Spaceport) -> tuple[str, list[Any]]:
    """The site's payloads with a known inclination, each with ``in_corridor``, as a query
    and its parameters."""
    codes = list(port.gcat_sites)
    marks = ", ".join("?" for _ in codes)
    low, high = _allowed_range(port)
    query = f"""
        SELECT p.launch_tag, p.piece, p.inc_deg, l.year,
               (p.inc_deg >= ? AND p.inc_deg <= ?) OR p.inc_deg < ? AS in_corridor
        FROM payloads p JOIN launches l USING (launch_tag)
        WHERE (l.site_code IN ({marks}) OR l.site IN ({marks})) AND p.inc_deg IS NOT NULL
        """
    return query, [low - TOLERANCE_DEG, high + TOLERANCE_DEG, abs(port.lat_deg), *codes, *codes]


def _allowed_range(port: Spaceport) -> tuple[float, float]:
    incs = [inc for inc, _az in corridor_inclinations(port)]
    return min(incs), max(incs)
