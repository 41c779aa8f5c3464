"""What launches were worth, per period and group, in DuckDB.

Each launch's value, range and basis, and whether it is captive, are catalog facts
(:mod:`cosmodrome.catalog.valuation`, which states the rules): the build values every launch
once. The analyses here select launches as the other analyses do, join their values and sum
them per period and group. Captive launches (a provider launching its own payload) are rows
of their own, never summed into market revenue.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from cosmodrome.analytics.common import (
    DIMENSIONS,
    Dimension,
    check_period,
    filter_sql,
    join_params,
    period_label,
    period_start_sql,
    with_dates,
)
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.catalog.summaries import summary
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows

#: Groupings of value alone (on the valued launches, alias ``l``); the others are the
#: analyses' own dimensions (:data:`~cosmodrome.analytics.common.DIMENSIONS`), so a provider
#: is the same organisation in value, share and cadence.
VALUE_DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("vehicle", "l.vehicle", "any_value(l.vehicle)", "launch", "vehicle"),
        Dimension("sector", "l.sector", "any_value(l.sector)", "launch", "customer sector"),
        Dimension("market", "l.market", "any_value(l.market)", "launch", "market"),
    )
}
#: Every grouping of value, in the order offered.
GROUPINGS = (
    "provider",
    "agency",
    "provider-state",
    "vehicle",
    "vehicle-family",
    "site",
    "sector",
    "market",
)
#: Orbit regimes with a capacity column in ``vehicles`` (for $/kg).
CAPACITY = {"LEO": "leo_capacity_kg", "SSO": "leo_capacity_kg", "GTO": "gto_capacity_kg"}

VALUE_COLUMNS = [
    "period",
    "period_start",
    "group",
    "label",
    "captive",
    "launches",
    "launches_valued",
    "valued_share",
    "value_musd",
    "low_musd",
    "high_musd",
    "dollar_year",
]


def valued_launches_sql(con: duckdb.DuckDBPyConnection, condition: str) -> str:
    """SQL of every launch meeting ``condition`` (alias ``l``) with its value, range, basis,
    ``captive`` and ``market`` as the catalog stores them (:mod:`cosmodrome.catalog.valuation`):
    the common table ``lv``."""
    values = summary(con, "launch_values")
    return f"""
    lv AS (SELECT l.*, launch_values.* EXCLUDE (launch_tag)
           FROM launches l JOIN {values} USING (launch_tag) WHERE {condition})"""


def _filter(
    con: duckdb.DuckDBPyConnection,
    where: LaunchFilter | None,
    start: date | datetime | None,
    end: date | datetime | None,
) -> tuple[str, list[object]]:
    return filter_sql(con, with_dates(where, start, end))


def dollar_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The year whose dollars the catalog's prices are given in (None without prices)."""
    row = con.execute("SELECT max(dollar_year) FROM prices").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def launch_values(
    con: duckdb.DuckDBPyConnection,
    where: LaunchFilter | None = None,
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> Rows:
    """Every launch with its value, range and basis (module docstring), newest first."""
    condition, params = _filter(con, where, start, end)
    cursor = con.execute(
        f"""WITH {valued_launches_sql(con, condition)}
            SELECT launch_tag, time_utc, vehicle, agency_name AS provider, provider_state,
                   sector, market, captive, value_musd, low_musd, high_musd, basis,
                   carried_years, price_year, price_kind, price_ids
            FROM lv ORDER BY time_utc DESC, launch_tag""",
        params,
    )
    return Rows.fetched(cursor)


def _group(con: duckdb.DuckDBPyConnection, by: str) -> tuple[Dimension, list[object]]:
    """The grouping called ``by`` and the parameters of its join."""
    key = by.strip().lower().replace("_", "-")
    if key not in GROUPINGS:
        raise InputError(f"cannot value by {by!r}; choose one of {', '.join(GROUPINGS)}")
    dim = VALUE_DIMENSIONS[key] if key in VALUE_DIMENSIONS else DIMENSIONS[key]
    return dim, join_params(con, dim)


def launch_value(
    con: duckdb.DuckDBPyConnection,
    by: str = "provider",
    period: str = "year",
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
    captive: bool = True,
) -> Rows:
    """Launch value per period and group, captive launches in rows of their own (left out
    when ``captive`` is false): launches, how many have a value, their value and range."""
    dim, joined = _group(con, by)
    check_period(period)
    condition, params = _filter(con, where, start, end)
    keep = "" if captive else "WHERE NOT l.captive"
    cursor = con.execute(
        f"""WITH {valued_launches_sql(con, condition)}
            SELECT strftime({period_start_sql(period)}, '%Y-%m-%d') AS period_start,
                   coalesce({dim.key_sql}, '(unknown)') AS "group",
                   coalesce({dim.label_sql}, '(unknown)') AS label, l.captive,
                   count(*) AS launches,
                   count(l.value_musd) AS launches_valued,
                   count(l.value_musd) / count(*) AS valued_share,
                   sum(l.value_musd) AS value_musd, sum(l.low_musd) AS low_musd,
                   sum(l.high_musd) AS high_musd
            FROM lv l {dim.join} {keep} GROUP BY 1, 2, 4
            ORDER BY 1, l.captive, value_musd DESC NULLS LAST, launches DESC, 2""",
        [*params, *joined],
    )
    return _with_period_and_dollars(con, period, cursor)


def _with_period_and_dollars(
    con: duckdb.DuckDBPyConnection, period: str, cursor: duckdb.DuckDBPyConnection
) -> Rows:
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    at = columns.index("period_start")
    labels = [period_label(period, date.fromisoformat(row[at])) for row in rows]
    dollars = dollar_year(con)
    out = Rows(columns, rows).with_column("period", 0, labels)
    return out.with_column("dollar_year", len(out.columns), [dollars] * len(rows))


def value_share(
    con: duckdb.DuckDBPyConnection,
    by: str = "provider",
    period: str = "year",
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
) -> Rows:
    """Each group's share of the period's launches (all) and of its market value (captive
    launches left out of the value, shown apart as ``captive_musd``)."""
    dim, joined = _group(con, by)
    check_period(period)
    condition, params = _filter(con, where, start, end)
    cursor = con.execute(
        f"""WITH {valued_launches_sql(con, condition)},
            g AS (
                SELECT strftime({period_start_sql(period)}, '%Y-%m-%d') AS period_start,
                       coalesce({dim.key_sql}, '(unknown)') AS "group",
                       coalesce({dim.label_sql}, '(unknown)') AS label, count(*) AS launches,
                       count(l.value_musd) AS launches_valued,
                       sum(l.value_musd) FILTER (WHERE NOT l.captive) AS value_musd,
                       sum(l.value_musd) FILTER (WHERE l.captive) AS captive_musd
                FROM lv l {dim.join} GROUP BY 1, 2)
            SELECT period_start, "group", label, launches,
                   launches / sum(launches) OVER (PARTITION BY period_start) AS launch_share,
                   launches_valued, value_musd,
                   value_musd / sum(value_musd) OVER (PARTITION BY period_start) AS value_share,
                   captive_musd
            FROM g ORDER BY period_start, value_musd DESC NULLS LAST, launches DESC, 2""",
        [*params, *joined],
    )
    return _with_period_and_dollars(con, period, cursor)


def value_per_kg(
    con: duckdb.DuckDBPyConnection,
    orbit: str = "LEO",
    period: str = "year",
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
) -> Rows:
    """Dollars per kilogram to an orbit regime per vehicle and period, two ways: the mean
    launch value over the vehicle's capacity to that regime (GCAT ``lv.tsv``, as CSIS
    divides), and the value of the launches whose payloads all have a mass over that mass
    (what was flown). Only launches whose primary payload went to ``orbit`` count."""
    from dataclasses import replace

    from cosmodrome.catalog.regimes import resolve_regime

    regime = resolve_regime(orbit)
    capacity = CAPACITY.get(regime)
    if capacity is None:
        raise InputError(
            f"no capacity figures for {regime}: $/kg is given to {', '.join(sorted(CAPACITY))}"
        )
    check_period(period)
    condition, params = _filter(con, replace(where or LaunchFilter(), orbit=regime), start, end)
    cursor = con.execute(
        f"""WITH {valued_launches_sql(con, condition)},
            m AS (SELECT launch_tag, sum(mass_kg) AS mass_kg,
                         count(*) = count(mass_kg) AS all_known
                  FROM payloads GROUP BY 1),
            cap AS (SELECT lv_name, any_value({capacity}) AS capacity_kg FROM vehicles
                    GROUP BY 1)
            SELECT strftime({period_start_sql(period)}, '%Y-%m-%d') AS period_start,
                   l.vehicle AS "group", l.vehicle AS label, count(*) AS launches,
                   count(l.value_musd) AS launches_valued, avg(l.value_musd) AS price_musd,
                   any_value(cap.capacity_kg) AS capacity_kg,
                   avg(l.value_musd) * 1e6 / nullif(any_value(cap.capacity_kg), 0)
                       AS usd_per_kg_capacity,
                   count(*) FILTER (WHERE m.all_known AND l.value_musd IS NOT NULL
                                    AND l.is_success) AS launches_with_mass,
                   sum(m.mass_kg) FILTER (WHERE m.all_known AND l.value_musd IS NOT NULL
                                          AND l.is_success) AS mass_kg,
                   sum(l.value_musd) FILTER (WHERE m.all_known AND l.is_success) * 1e6
                       / nullif(sum(m.mass_kg) FILTER (WHERE m.all_known
                                AND l.value_musd IS NOT NULL AND l.is_success), 0)
                       AS usd_per_kg_flown
            FROM lv l LEFT JOIN m USING (launch_tag) LEFT JOIN cap ON cap.lv_name = l.vehicle
            GROUP BY 1, 2 ORDER BY 1, usd_per_kg_capacity NULLS LAST, 2""",
        params,
    )
    return _with_period_and_dollars(con, period, cursor)


PRICE_LISTING_COLUMNS = [
    "vehicle",
    "configurations",
    "scope",
    "year",
    "dated_by",
    "amount",
    "amount_high",
    "currency",
    "kind",
    "musd",
    "musd_high",
    "dollar_year",
    "launch_tag",
    "status",
    "note",
    "source",
    "source_file",
    "source_line",
]


def price_points(
    con: duckdb.DuckDBPyConnection, vehicles: list[str] | None = None, *, matched: bool = False
) -> Rows:
    """The price points (all, or those covering one of ``vehicles``, GCAT names), newest
    first; ``matched`` leaves out the rows that map to no GCAT vehicle."""
    conditions, params = [], []
    if vehicles is not None:
        conditions.append("list_has_any(configurations, ?::VARCHAR[])")
        params.append(vehicles)
    if matched:
        conditions.append("scope <> 'unmatched'")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    cursor = con.execute(
        f"""SELECT {", ".join(PRICE_LISTING_COLUMNS)} FROM prices {where}
            ORDER BY vehicle, year DESC NULLS LAST, source_file, source_line""",
        params,
    )
    return Rows.fetched(cursor)
