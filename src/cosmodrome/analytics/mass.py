"""Mass to orbit per group and period, counting the payloads whose mass is not known.

A payload's mass is GCAT's launch mass (``Mass``) from ``satcat.tsv``, else ``auxcat.tsv``,
else the UCS Satellite Database's launch mass (:mod:`cosmodrome.catalog.payload_facts`);
GCAT's ``0`` means unknown and is stored as NULL. Every row says how many of its masses come
from GCAT (``payloads_mass_gcat``) and how many from UCS (``payloads_mass_ucs``), and the
share of its payloads whose mass is known (``mass_known_share``).
Only payloads of successful launches (``launches.is_success``) count as mass *to orbit*.
Each figure says how many payloads it rests on: ``payloads``, ``payloads_with_mass`` and
``payloads_without_mass``; ``mass_kg`` sums the known masses and is NULL (never 0) when no
payload of the group and period has one. It is a lower bound wherever
``payloads_without_mass`` is above zero.

Without ``satcat.tsv`` (the frozen mirror) GCAT gives masses only for the auxiliary
catalog's objects; UCS fills most of the satellites active in 2023.

>>> mass_to_orbit(con, by="provider-state", start=date(2015, 1, 1))   # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from cosmodrome.analytics.cadence import PERIOD_LABEL_SQL, UNKNOWN, resolve_groups, site_mapping
from cosmodrome.analytics.common import (
    check_period,
    dimension,
    filter_sql,
    join_params,
    period_start_sql,
    state_names,
    with_dates,
)
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.tables import Rows

MASS_COLUMNS = [
    "period",
    "period_start",
    "group",
    "label",
    "payloads",
    "payloads_with_mass",
    "payloads_without_mass",
    "mass_known_share",
    "payloads_mass_gcat",
    "payloads_mass_ucs",
    "mass_kg",
]


def mass_to_orbit(
    con: duckdb.DuckDBPyConnection,
    by: str = "provider-state",
    period: str = "year",
    *,
    only: list[str] | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
) -> Rows:
    """Known mass launched to orbit per period and group, with the payloads lacking a mass.

    ``by`` takes the groupings of :func:`cosmodrome.analytics.cadence.cadence`; every payload
    counts in its own group (a launch-level group for launch dimensions such as
    ``provider-state``, its own sector, mission or regime for the payload dimensions).
    Periods without a payload are left out. Returns :class:`~cosmodrome.tables.Rows` of
    :data:`MASS_COLUMNS` (``.to_frame()`` for a DataFrame), grouped, named and ordered in one
    query: heaviest group first in each period.
    """
    dim = dimension(by)
    check_period(period)
    condition, params = filter_sql(con, with_dates(where, start, end))
    sites = site_mapping(con, only if dim.name == "site" else None)
    wanted = resolve_groups(con, dim, only, sites) if only else None
    # states are named by their labels (``France (F)``), never bare codes
    codes, labels = state_names(con)[:2] if dim.name in STATE_DIMENSIONS else ([], [])
    cursor = con.execute(
        f"""WITH g AS (
                SELECT {period_start_sql(period)} AS d,
                       coalesce({dim.key_sql}, '{UNKNOWN}') AS "group", {dim.label_sql} AS label,
                       count(*)::BIGINT AS payloads,
                       count(p.mass_kg)::BIGINT AS payloads_with_mass,
                       (count(*) - count(p.mass_kg))::BIGINT AS payloads_without_mass,
                       count(p.mass_kg) / count(*) AS mass_known_share,
                       count(p.mass_kg) FILTER (WHERE p.mass_source <> 'ucs')::BIGINT
                           AS payloads_mass_gcat,
                       count(p.mass_kg) FILTER (WHERE p.mass_source = 'ucs')::BIGINT
                           AS payloads_mass_ucs,
                       sum(p.mass_kg) AS mass_kg
                FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag {dim.join}
                WHERE {condition} AND l.is_success GROUP BY 1, 2),
            nm AS (SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS label)
        SELECT {PERIOD_LABEL_SQL[period]} AS period, d AS period_start, g."group",
               coalesce(nm.label, g.label, g."group") AS label, payloads, payloads_with_mass,
               payloads_without_mass, mass_known_share, payloads_mass_gcat, payloads_mass_ucs,
               mass_kg
        FROM g LEFT JOIN nm ON nm.code = g."group"
        WHERE ?::VARCHAR[] IS NULL OR list_contains(?, g."group")
        ORDER BY d, mass_kg DESC NULLS LAST, payloads DESC, g."group" """,
        [*join_params(con, dim, sites), *params, codes, labels, wanted, wanted],
    )
    return Rows.fetched(cursor)


#: Dimensions whose groups are state codes.
STATE_DIMENSIONS = ("provider-state", "owner-state")


def mass_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, int | bool]:
    """How many payloads have a known mass and from which source (GCAT satcat, GCAT auxcat,
    UCS), and whether the catalog was built with satcat."""
    row = con.execute(
        """SELECT count(*), count(mass_kg), count(*) FILTER (WHERE facts_source = 'satcat'),
                  count(*) FILTER (WHERE mass_source = 'satcat'),
                  count(*) FILTER (WHERE mass_source = 'auxcat'),
                  count(*) FILTER (WHERE mass_source = 'ucs')
           FROM payloads"""
    ).fetchone() or (0, 0, 0, 0, 0, 0)
    return {
        "payloads": row[0],
        "with_mass": row[1],
        "has_satcat": bool(row[2]),
        "mass_from_satcat": row[3],
        "mass_from_auxcat": row[4],
        "mass_from_ucs": row[5],
    }
