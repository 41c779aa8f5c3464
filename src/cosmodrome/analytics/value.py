"""What launches were worth: a value for every launch, with its basis and range, in DuckDB.

A launch is valued from the ``prices`` table (:mod:`cosmodrome.catalog.prices`), in millions
of constant dollars of the prices' ``dollar_year``, by the first of these that exists:

0. ``contract``: a contract value naming this very launch;
1. ``configuration``: a price point of its configuration (``launches.vehicle``);
2. ``family``: a price a source gives for a set of configurations including it (CSIS's
   ``Atlas V``);
3. ``related``: a price of another configuration of its GCAT family (``vehicle_family``).

Within that tier, the points nearest in year are averaged (a point given as a range counts
as its midpoint); ``carried_years`` says how far the price was carried. The range is the
lowest and highest of those points, widened by a relative uncertainty of
``KIND_SPREAD[kind] + PER_YEAR * carried_years + TIER_SPREAD[tier]``: a price carried further,
or borrowed from a wider set, is less sure. A launch with no price in any tier is
``unknown``: counted in ``launches`` but not in ``launches_valued``, never valued 0.

A launch is **captive** when its provider launches its own payload: the primary payload's
owner is the launch agency, its GCAT parent or child, or a pair listed in
``data/captive.toml`` (SpaceX's Starlink, owned by ``SPXS``). Otherwise its **market** is
``commercial`` when the primary payload's sector is commercial, ``government`` when civil
or military, else ``other``. Captive launches are rows of their own (``captive``: true),
never summed into market revenue.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from importlib import resources

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
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows

#: Relative uncertainty of a price by its kind (a contract is an agreed figure for one
#: launch; a list price moves with discounts and options; an estimate is a third party's).
KIND_SPREAD = {"contract value": 0.10, "list price": 0.15, "estimate": 0.25}
#: Added relative uncertainty per year a price is carried from its date.
PER_YEAR = 0.04
#: Added relative uncertainty by how far the price's vehicle is from the launch's.
TIER_SPREAD = {0: 0.0, 1: 0.0, 2: 0.15, 3: 0.40}
BASES = {0: "contract", 1: "configuration", 2: "family", 3: "related"}
#: The lowest bound is never below this fraction of the cheapest point.
FLOOR = 0.1

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


def captive_pairs() -> list[tuple[str, str]]:
    """(provider, owner) codes of ``data/captive.toml``."""
    text = resources.files("cosmodrome").joinpath("data/captive.toml").read_text("utf-8")
    return [(str(p["provider"]), str(p["owner"])) for p in tomllib.loads(text)["pair"]]


def _pairs_sql() -> str:
    rows = ", ".join(f"('{a}', '{b}')" for a, b in captive_pairs())
    return f"SELECT * FROM (VALUES {rows}) t(provider, owner)"


def _case(mapping: dict[int, float] | dict[str, float], column: str) -> str:
    cases = " ".join(f"WHEN {k!r} THEN {v}" for k, v in mapping.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


def valued_launches_sql(condition: str) -> str:
    """SQL of every launch meeting ``condition`` (alias ``l``) with its value, range, basis,
    ``captive`` and ``market`` (module docstring): the common table ``lv``."""
    spread = (
        f"({_case(KIND_SPREAD, 'v.kind')} + {PER_YEAR} * v.carried_years"
        f" + {_case(TIER_SPREAD, 'v.tier')})"
    )
    basis = " ".join(f"WHEN {k} THEN '{b}'" for k, b in BASES.items())
    return f"""
    l0 AS (SELECT l.* FROM launches l WHERE {condition}),
    pv AS (
        SELECT p.price_id, unnest(p.configurations) AS vehicle, p.scope, p.kind, p.year,
               p.musd, coalesce(p.musd_high, p.musd) AS musd_high, p.launch_tag
        FROM prices p WHERE p.musd IS NOT NULL),
    fam AS (SELECT DISTINCT vehicle, vehicle_family FROM launches
            WHERE vehicle_family IS NOT NULL),
    pvf AS (SELECT pv.*, fam.vehicle_family FROM pv LEFT JOIN fam USING (vehicle)),
    near AS (
        SELECT DISTINCT l0.launch_tag, pvf.price_id, pvf.kind, pvf.year AS price_year,
               pvf.musd, pvf.musd_high,
               CASE WHEN pvf.launch_tag IS NOT NULL THEN 0
                    WHEN pvf.scope = 'configuration' THEN 1 ELSE 2 END AS tier,
               abs(l0.year - pvf.year) AS carried_years
        FROM l0 JOIN pvf ON pvf.vehicle = l0.vehicle
        WHERE pvf.launch_tag IS NULL OR pvf.launch_tag = l0.launch_tag),
    -- A related configuration's price only for the launches no nearer price covers (no
    -- price then names the launch's own vehicle).
    pf AS (SELECT DISTINCT price_id, kind, year, musd, musd_high, vehicle_family FROM pvf
           WHERE launch_tag IS NULL AND vehicle_family IS NOT NULL),
    far AS (
        SELECT l0.launch_tag, pf.price_id, pf.kind, pf.year AS price_year, pf.musd,
               pf.musd_high, 3 AS tier, abs(l0.year - pf.year) AS carried_years
        FROM l0 JOIN pf ON pf.vehicle_family = l0.vehicle_family
        WHERE l0.launch_tag NOT IN (SELECT launch_tag FROM near)),
    cand AS (SELECT * FROM near UNION ALL SELECT * FROM far),
    best AS (SELECT * FROM cand QUALIFY rank() OVER (
                 PARTITION BY launch_tag ORDER BY tier, carried_years) = 1),
    v AS (
        SELECT launch_tag, min(tier) AS tier, min(carried_years) AS carried_years,
               min(price_year) AS price_year, avg((musd + musd_high) / 2) AS mid,
               min(musd) AS lo, max(musd_high) AS hi,
               arg_max(kind, {_case(KIND_SPREAD, "kind")}) AS kind,
               list(DISTINCT price_id ORDER BY price_id) AS price_ids
        FROM best GROUP BY launch_tag),
    org AS (SELECT DISTINCT code, parent FROM organisations),
    pair AS ({_pairs_sql()}),
    own AS (
        SELECT l0.launch_tag, bool_or(
                   o = a OR oo.parent = a OR ao.parent = o
                   OR EXISTS (SELECT 1 FROM pair WHERE pair.provider = a AND pair.owner = o)
               ) AS captive
        FROM (SELECT l0.launch_tag, split_part(l0.agency, '/', 1) AS a,
                     split_part(p.owner, '/', 1) AS o
              FROM l0 JOIN payloads p ON p.launch_tag = l0.launch_tag AND p.is_primary) l0
        LEFT JOIN org oo ON oo.code = l0.o LEFT JOIN org ao ON ao.code = l0.a
        GROUP BY l0.launch_tag),
    lv AS (
        SELECT l0.*, v.mid AS value_musd,
               greatest(v.lo * (1 - {spread}), {FLOOR} * v.lo) AS low_musd,
               v.hi * (1 + {spread}) AS high_musd,
               coalesce(CASE v.tier {basis} END, 'unknown') AS basis,
               v.carried_years, v.price_year, v.kind AS price_kind, v.price_ids,
               coalesce(own.captive, false) AS captive,
               CASE WHEN coalesce(own.captive, false) THEN 'captive'
                    WHEN l0.sector = 'commercial' THEN 'commercial'
                    WHEN l0.sector IN ('civil', 'military') THEN 'government'
                    ELSE 'other' END AS market
        FROM l0 LEFT JOIN v USING (launch_tag) LEFT JOIN own USING (launch_tag))"""


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
        f"""WITH {valued_launches_sql(condition)}
            SELECT launch_tag, time_utc, vehicle, agency_name AS provider, provider_state,
                   sector, market, captive, value_musd, low_musd, high_musd, basis,
                   carried_years, price_year, price_kind, price_ids
            FROM lv ORDER BY time_utc DESC, launch_tag""",
        params,
    )
    return Rows([d[0] for d in cursor.description], cursor.fetchall())


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
        f"""WITH {valued_launches_sql(condition)}
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
        f"""WITH {valued_launches_sql(condition)},
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
        f"""WITH {valued_launches_sql(condition)},
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
    return Rows([d[0] for d in cursor.description], cursor.fetchall())
