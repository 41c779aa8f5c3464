"""Mass to orbit per group and period, counting the payloads whose mass is not known.

A payload's mass is GCAT's launch mass (``Mass``) from ``satcat.tsv``, else ``auxcat.tsv``
(:mod:`cosmodrome.catalog.payload_facts`); GCAT's ``0`` means unknown and is stored as NULL.
Only payloads of successful launches (``launches.is_success``) count as mass *to orbit*.
Each figure says how many payloads it rests on: ``payloads``, ``payloads_with_mass`` and
``payloads_without_mass``; ``mass_kg`` sums the known masses and is NULL (never 0) when no
payload of the group and period has one. It is a lower bound wherever
``payloads_without_mass`` is above zero.

Without ``satcat.tsv`` (the frozen mirror) only the auxiliary catalog's objects have masses,
so most figures are unknown; the command still answers and says so.

>>> mass_to_orbit(con, by="provider-state", start=date(2015, 1, 1))   # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from cosmodrome.analytics.cadence import _with_dates, resolve_groups, site_mapping
from cosmodrome.analytics.common import (
    SITE_GROUP_JOIN,
    check_period,
    dimension,
    filter_sql,
    period_label,
    period_start_sql,
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
    f = _with_dates(where, start, end)
    condition, params = filter_sql(con, f)
    sites = site_mapping(con, only if dim.name == "site" else None)
    site_params = list(sites) if dim.name == "site" else []
    join = SITE_GROUP_JOIN if dim.name == "site" else ""
    frame = con.execute(
        f"""SELECT {period_start_sql(period)} AS period_start, {dim.key_sql} AS "group",
                   {dim.label_sql} AS label, count(*)::BIGINT AS payloads,
                   count(p.mass_kg)::BIGINT AS payloads_with_mass,
                   (count(*) - count(p.mass_kg))::BIGINT AS payloads_without_mass,
                   sum(p.mass_kg) AS mass_kg
            FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag {join}
            WHERE {condition} AND l.is_success GROUP BY 1, 2 ORDER BY 1, mass_kg DESC NULLS LAST,
                  payloads DESC""",
        site_params + params,
    ).df()
    as_dates(frame, "period_start")
    frame["group"] = frame["group"].fillna("(unknown)")
    frame["label"] = frame["label"].fillna(frame["group"])
    if only:
        frame = frame[frame["group"].isin(resolve_groups(con, dim, only, sites))]
    frame["period"] = [period_label(period, d) for d in frame["period_start"]]
    return frame[MASS_COLUMNS].reset_index(drop=True)


def mass_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, int | bool]:
    """How many payloads have a known mass, and whether the catalog was built with satcat."""
    row = con.execute(
        """SELECT count(*), count(mass_kg), count(*) FILTER (WHERE facts_source = 'satcat')
           FROM payloads"""
    ).fetchone() or (0, 0, 0)
    return {"payloads": row[0], "with_mass": row[1], "has_satcat": bool(row[2])}
