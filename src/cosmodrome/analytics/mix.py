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


#: The mixes a site profile shows: payload column -> SQL of its label.
MIXES = {"sector": "p.sector", "mission": mission_label_sql("p.mission")}


def site_mixes(
    con: duckdb.DuckDBPyConnection, ucodes: list[str], periods: Sequence[tuple[str, date, date]]
) -> dict[str, Rows]:
    """Launches and payloads of the sites ``ucodes`` per period and group of each mix of
    :data:`MIXES` (``sector`` or ``mission``), busiest group first within each period,
    periods without launches left out; one query for both."""
    if not periods:
        return {by: Rows(MIX_COLUMNS, []) for by in MIXES}
    grouped = " UNION ALL ".join(
        f"""SELECT '{by}' AS mix, era_index, p.{by} AS "group", any_value({label}) AS label,
                   count(*) FILTER (WHERE is_primary) AS launches, count(*) AS payloads
            FROM f p GROUP BY era_index, p.{by}"""
        for by, label in MIXES.items()
    )
    cursor = con.execute(
        f"""WITH f AS MATERIALIZED (
                SELECT p.*, len(list_filter(?, lambda s: s <= (l.time_utc AT TIME ZONE 'UTC')::DATE))
                           AS era_index
                FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag
                WHERE list_contains(?, l.site) AND l.time_utc < ?::DATE + INTERVAL 1 DAY
            ),
            g AS ({grouped})
            SELECT mix, (?)[era_index] AS era, "group", label, launches, payloads,
                   launches / nullif(sum(launches) OVER (PARTITION BY mix, era_index), 0)
                       AS launch_share,
                   payloads / nullif(sum(payloads) OVER (PARTITION BY mix, era_index), 0)
                       AS payload_share
            FROM g WHERE era_index > 0
            ORDER BY mix, era_index, launches DESC, payloads DESC, "group" """,
        [
            [start for _, start, _ in periods],
            ucodes,
            periods[-1][2],
            [name for name, _, _ in periods],
        ],
    )
    rows = cursor.fetchall()
    return {by: Rows(MIX_COLUMNS, [row[1:] for row in rows if row[0] == by]) for by in MIXES}
