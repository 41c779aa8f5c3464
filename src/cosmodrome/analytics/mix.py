"""Sector and mission mix of a site per period between events: who flew, and what.

Each period (the eras of :func:`cosmodrome.analytics.profile.eras`, bounded by the events)
counts, for every sector (commercial, civil, military, academic, mixed) or mission (GCAT's
main mission code, with its words), the launches whose **primary payload** is of that group
(:mod:`cosmodrome.catalog.payload_facts` says how the primary is chosen) and the payloads
that are, with each group's fraction of the period's launches and payloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from cosmodrome.catalog.sectors import mission_label_sql

MIX_COLUMNS = ["era", "group", "label", "launches", "payloads", "launch_share", "payload_share"]


def site_mix(
    con: duckdb.DuckDBPyConnection,
    ucodes: list[str],
    periods: Sequence[tuple[str, date, date]],
    by: str,
) -> pd.DataFrame:
    """Launches and payloads of the sites ``ucodes`` per period and ``by`` (``sector`` or
    ``mission``), busiest group first within each period; periods without launches are
    left out."""
    if by not in ("sector", "mission"):
        raise ValueError(f"mix by {by!r}: choose sector or mission")
    if not periods:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MIX_COLUMNS})
    label = mission_label_sql(f"p.{by}") if by == "mission" else f"p.{by}"
    frame = con.execute(
        f"""WITH f AS (
                SELECT p.{by} AS "group", {label} AS label, p.is_primary,
                       len(list_filter(?, lambda s: s <= (l.time_utc AT TIME ZONE 'UTC')::DATE))
                           AS era_index
                FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag
                WHERE list_contains(?, l.site) AND l.time_utc < ?::DATE + INTERVAL 1 DAY
            )
            SELECT (?)[era_index] AS era, era_index, "group", any_value(label) AS label,
                   count(*) FILTER (WHERE is_primary) AS launches, count(*) AS payloads
            FROM f WHERE era_index > 0 GROUP BY era_index, "group"
            ORDER BY era_index, launches DESC, payloads DESC, "group" """,
        [
            [start for _, start, _ in periods],
            ucodes,
            periods[-1][2],
            [name for name, _, _ in periods],
        ],
    ).df()
    totals = frame.groupby("era_index")[["launches", "payloads"]].transform("sum")
    frame["launch_share"] = frame["launches"] / totals["launches"].where(totals["launches"] > 0)
    frame["payload_share"] = frame["payloads"] / totals["payloads"].where(totals["payloads"] > 0)
    return frame[MIX_COLUMNS].reset_index(drop=True)
