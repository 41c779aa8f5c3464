"""Per-site, per-pad and per-vehicle launch totals and every launch's value, materialised
when the catalog is built.

The sites list, a site's page and the vehicle list read the same aggregates of the launch log
on every request; the build stores them (tables ``site_totals``, ``pad_totals`` and
``vehicle_totals``), so that a request reads a few dozen rows instead of aggregating every
launch. Likewise each launch's value (``launch_values``, :mod:`cosmodrome.catalog.valuation`),
made once the prices are stored, so that a value analysis joins values instead of searching
the prices for every launch it sums. A catalog built before these tables existed, or by
other SQL, is read through this SQL as a subquery: the answers are the same either way.
"""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from cosmodrome.catalog.names import per_catalog, shown_organisations_sql
from cosmodrome.catalog.valuation import LAUNCH_VALUES_SQL


def _summaries() -> dict[str, str]:
    """Each summary table and the SQL that makes it from the catalog's tables."""
    return {
        # One row per canonical site and side (on Earth, or a lunar ascent: GCAT's orbit class
        # "other"), with the coordinates and host country of the code used last.
        "site_totals": """
        WITH latest AS (
            SELECT code, lat_deg, lon_deg, host_country FROM sites QUALIFY row_number() OVER (
                PARTITION BY code ORDER BY coalesce(valid_to, DATE '9999-12-31') DESC) = 1
        ), per_site AS (
            SELECT l.site, l.orbit_class = 'other' AS off_earth,
                   any_value(l.site_name) AS site_name,
                   list(DISTINCT l.site_name ORDER BY l.site_name) AS site_names,
                   string_agg(DISTINCT l.site_code, ', ' ORDER BY l.site_code) AS codes,
                   list(DISTINCT l.site_code ORDER BY l.site_code) AS codes_used,
                   arg_max(l.site_code, l.time_utc) AS last_code,
                   list(DISTINCT lt.host_country) AS host_countries,
                   list(DISTINCT l.site_state) AS states,
                   count(*) AS launches, count(*) FILTER (WHERE l.is_success) AS successes,
                   count(*) FILTER (WHERE NOT l.is_success) AS failures,
                   sum(l.payload_count) AS payloads,
                   min(l.time_utc)::DATE AS first_launch, max(l.time_utc)::DATE AS last_launch
            FROM launches l LEFT JOIN latest lt ON lt.code = l.site_code
            GROUP BY l.site, off_earth
        )
        SELECT p.*, lt.host_country, lt.lat_deg, lt.lon_deg,
               array_to_string(list_sort(list_filter(p.states, lambda x: x IS NOT NULL)), ', ')
                   AS operator_states
        FROM per_site p LEFT JOIN latest lt ON lt.code = p.last_code
    """,
        # One row per vehicle flown, with GCAT lv.tsv's manufacturer and capacities.
        "vehicle_totals": """
        WITH flown AS (
            SELECT vehicle, any_value(vehicle_family) AS family, count(*) AS launches,
                   count(*) FILTER (WHERE is_success) AS successes,
                   min(time_utc)::DATE AS first_launch, max(time_utc)::DATE AS last_launch
            FROM launches WHERE vehicle IS NOT NULL GROUP BY vehicle
        ), lv AS (
            SELECT lv_name, any_value(manufacturer) AS manufacturer,
                   max(leo_capacity_kg) AS leo_capacity_kg, max(gto_capacity_kg) AS gto_capacity_kg
            FROM vehicles GROUP BY lv_name
        )
        SELECT f.vehicle, f.family, lv.manufacturer, f.launches, f.successes, f.first_launch,
               f.last_launch, lv.leo_capacity_kg, lv.gto_capacity_kg
        FROM flown f LEFT JOIN lv ON lv.lv_name = f.vehicle
    """,
        # Each organisation code's customer key (GCAT's ucode: ``ONEWEB``, ``ONEWEBN`` and
        # ``ONEWEBE`` are one customer, One Web).
        "customer_codes": "SELECT DISTINCT code, ucode FROM organisations",
        # Each customer's display name: that of the record whose code is the ucode (``One
        # Web``), else of the latest record, by the rule of ``launches.agency_name`` and
        # ``payloads.owner_name`` (``ingest``): the curated name people use, else GCAT's.
        "customer_names": f"""
        WITH shown(key, shown) AS ({shown_organisations_sql()})
        SELECT o.ucode, coalesce(by_code.shown, by_short.shown, o.short_name, o.name, o.ucode)
               AS name
        FROM organisations o LEFT JOIN shown by_code ON by_code.key = o.code
             LEFT JOIN shown by_short ON by_short.key = o.short_name
        QUALIFY row_number() OVER (PARTITION BY o.ucode ORDER BY (o.code = o.ucode) DESC,
                coalesce(o.valid_from, DATE '0001-01-01') DESC) = 1
    """,
        "pad_totals": """
        SELECT site, pad, count(*) AS launches, min(time_utc)::DATE AS first_launch,
               max(time_utc)::DATE AS last_launch
        FROM launches GROUP BY site, pad
    """,
    }


@cache
def groups() -> dict[str, dict[str, str]]:
    """Each group of summaries, in the order the build makes them, by the ``meta`` key that
    records the hash of the SQL that made them: the catalog's summaries, then those of the
    priced catalog (made once the prices are stored, after the names that map the prices
    to vehicles, which read the summaries). Made at the first use, not at import: the
    customer names' SQL holds the curated names."""
    return {"summaries_key": _summaries(), "priced_key": {"launch_values": LAUNCH_VALUES_SQL}}


def group_key(tables: dict[str, str]) -> str:
    """A hash of a group's SQL: stored tables made by other SQL are not read."""
    text = "\n".join(f"{name}\n{sql}" for name, sql in sorted(tables.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def materialise(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Create the summary tables of group ``key`` in the catalog being built on ``con``."""
    tables = groups()[key]
    for name, sql in tables.items():
        con.execute(f"CREATE TABLE {name} AS {sql}")
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, group_key(tables)])


def summary(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """What to select ``name`` from: the stored table where the catalog's were made by this
    SQL, else the SQL as a subquery (checked once per catalog generation and group)."""
    key, tables = next((k, t) for k, t in groups().items() if name in t)

    def made_by_this_sql() -> bool:
        row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row is not None and row[0] == group_key(tables)

    stored = per_catalog(con, ("summaries hold", key), made_by_this_sql)
    return name if stored else f"({tables[name]}) AS {name}"
