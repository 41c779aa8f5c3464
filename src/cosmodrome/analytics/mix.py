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

from cosmodrome.catalog.sectors import mission_label_sql
from cosmodrome.tables import Rows

MIX_COLUMNS = ["era", "group", "label", "launches", "payloads", "launch_share", "payload_share"]


def site_mix(
    con: duckdb.DuckDBPyConnection,
    ucodes: list[str],
    periods: Sequence[tuple[str, date, date]],
    by: str,
) -> Rows:
    """Launches and payloads of the sites ``ucodes`` per period and ``by`` (``sector`` or
    ``mission``), busiest group first within each period; periods without launches are
    left out."""
    if by not in ("sector", "mission"):
        raise ValueError(f"mix by {by!r}: choose sector or mission")
    if not periods:
        return Rows(MIX_COLUMNS, [])
    label = mission_label_sql(f"p.{by}") if by == "mission" else f"p.{by}"
    cursor = con.execute(
        f"""WITH f AS (
                SELECT p.{by} AS "group", {label} AS label, p.is_primary,
                       len(list_filter(?, lambda s: s <= (l.time_utc AT TIME ZONE 'UTC')::DATE))
                           AS era_index
                FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag
                WHERE list_contains(?, l.site) AND l.time_utc < ?::DATE + INTERVAL 1 DAY
            ),
            g AS (SELECT era_index, "group", any_value(label) AS label,
                         count(*) FILTER (WHERE is_primary) AS launches, count(*) AS payloads
                  FROM f WHERE era_index > 0 GROUP BY era_index, "group")
            SELECT (?)[era_index] AS era, "group", label, launches, payloads,
                   launches / nullif(sum(launches) OVER (PARTITION BY era_index), 0)
                       AS launch_share,
                   payloads / nullif(sum(payloads) OVER (PARTITION BY era_index), 0)
                       AS payload_share
            FROM g ORDER BY era_index, launches DESC, payloads DESC, "group" """,
        [
            [start for _, start, _ in periods],
            ucodes,
            periods[-1][2],
            [name for name, _, _ in periods],
        ],
    )
    return Rows([d[0] for d in cursor.description], cursor.fetchall())
