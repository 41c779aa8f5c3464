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
import pandas as pd

from cosmodrome.analytics.cadence import resolve_groups, site_mapping
from cosmodrome.analytics.common import (
    check_period,
    dimension,
    filter_sql,
    join_params,
    label_states,
    period_label,
    period_start_sql,
    with_dates,
)
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.tables import as_dates

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
) -> pd.DataFrame:
    """Known mass launched to orbit per period and group, with the payloads lacking a mass.

    ``by`` takes the groupings of :func:`cosmodrome.analytics.cadence.cadence`; every payload
    counts in its own group (a launch-level group for launch dimensions such as
    ``provider-state``, its own sector, mission or regime for the payload dimensions).
    Periods without a payload are left out.
    """
    dim = dimension(by)
    check_period(period)
    f = with_dates(where, start, end)
    condition, params = filter_sql(con, f)
    sites = site_mapping(con, only if dim.name == "site" else None)
    site_params = join_params(con, dim, sites)
    join = dim.join
    frame = con.execute(
        f"""SELECT {period_start_sql(period)} AS period_start, {dim.key_sql} AS "group",
                   {dim.label_sql} AS label, count(*)::BIGINT AS payloads,
                   count(p.mass_kg)::BIGINT AS payloads_with_mass,
                   (count(*) - count(p.mass_kg))::BIGINT AS payloads_without_mass,
                   count(p.mass_kg) / count(*) AS mass_known_share,
                   count(p.mass_kg) FILTER (WHERE p.mass_source <> 'ucs')::BIGINT
                       AS payloads_mass_gcat,
                   count(p.mass_kg) FILTER (WHERE p.mass_source = 'ucs')::BIGINT
                       AS payloads_mass_ucs,
                   sum(p.mass_kg) AS mass_kg
            FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag {join}
            WHERE {condition} AND l.is_success GROUP BY 1, 2 ORDER BY 1, mass_kg DESC NULLS LAST,
                  payloads DESC""",
        site_params + params,
    ).df()
    as_dates(frame, "period_start")
    frame["group"] = frame["group"].fillna("(unknown)")
    frame["label"] = frame["label"].fillna(frame["group"])
    label_states(frame, dim)
    if only:
        frame = frame[frame["group"].isin(resolve_groups(con, dim, only, sites))]
    frame["period"] = [period_label(period, d) for d in frame["period_start"]]
    return frame[MASS_COLUMNS].reset_index(drop=True)


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
