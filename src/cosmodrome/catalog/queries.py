"""Questions asked of the catalog, answered as pandas tables.

Filters take names people use (resolved by :mod:`cosmodrome.catalog.names`) and dates as
:class:`datetime.date`; every query is parameterised SQL on a read-only connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.catalog import names
from cosmodrome.catalog.outcomes import outcome_filter
from cosmodrome.errors import InputError

LAUNCH_COLUMNS = (
    "launch_tag",
    "time_utc",
    "time_precision",
    "vehicle",
    "vehicle_family",
    "flight",
    "site",
    "site_name",
    "site_code",
    "pad",
    "agency",
    "agency_name",
    "provider_state",
    "launch_code",
    "orbit_class",
    "outcome",
    "payload_count",
)
SORTABLE = {"time_utc", "launch_tag", "vehicle", "site", "agency", "payload_count", "outcome"}


@dataclass(frozen=True)
class LaunchFilter:
    """Filters of ``cosmodrome launches``; all optional, combined with AND."""

    site: str | None = None
    pad: str | None = None
    vehicle: str | None = None
    agency: str | None = None
    owner: str | None = None
    owner_state: str | None = None
    provider_state: str | None = None
    start: date | None = None
    end: date | None = None
    outcome: str | None = None
    orbit_class: str | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise InputError(f"--from {self.start} is after --to {self.end}")


@dataclass
class _Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "TRUE"


def where_launches(con: duckdb.DuckDBPyConnection, f: LaunchFilter) -> tuple[str, list[Any]]:
    """The SQL condition (on table alias ``l``) and parameters for a filter."""
    w = _Where()
    if f.site:
        w.add("l.site IN (SELECT unnest(?))", names.resolve_sites(con, f.site))
    if f.pad:
        w.add("lower(l.pad) = lower(?)", f.pad)
    if f.vehicle:
        w.add("l.vehicle IN (SELECT unnest(?))", names.resolve_vehicles(con, f.vehicle))
    if f.agency:
        agencies = names.resolve_agencies(con, f.agency)
        w.add(
            "split_part(l.agency, '/', 1) IN (SELECT unnest(?)) OR l.agency IN (SELECT unnest(?))",
            agencies,
            agencies,
        )
        w.clauses[-1] = f"({w.clauses[-1]})"
    if f.owner:
        w.add(
            "l.launch_tag IN (SELECT launch_tag FROM payloads WHERE owner IN (SELECT unnest(?)))",
            names.resolve_owners(con, f.owner),
        )
    if f.owner_state:
        w.add(
            "l.launch_tag IN (SELECT launch_tag FROM payloads WHERE upper(owner_state) = upper(?))",
            f.owner_state,
        )
    if f.provider_state:
        w.add("upper(l.provider_state) = upper(?)", f.provider_state)
    if f.start:
        w.add("l.time_utc >= ?::DATE", f.start)
    if f.end:
        w.add("l.time_utc < ?::DATE + INTERVAL 1 DAY", f.end)
    if f.outcome:
        w.add("l.outcome IN (SELECT unnest(?))", list(outcome_filter(f.outcome)))
    if f.orbit_class:
        w.add("l.orbit_class = ?", f.orbit_class)
    return w.sql(), w.params


def launches(
    con: duckdb.DuckDBPyConnection,
    f: LaunchFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "time_utc",
    descending: bool = False,
) -> pd.DataFrame:
    """Launches matching ``f``, oldest first by default.

    >>> from cosmodrome.api import open_catalog                       # doctest: +SKIP
    >>> launches(open_catalog(), LaunchFilter(site="Baikonur"), limit=3)  # doctest: +SKIP
    """
    if sort not in SORTABLE:
        raise InputError(f"cannot sort by {sort!r}; choose one of {', '.join(sorted(SORTABLE))}")
    if limit is not None and limit < 0:
        raise InputError("--limit must be zero or more")
    condition, params = where_launches(con, f or LaunchFilter())
    columns = ", ".join(f"l.{c}" for c in LAUNCH_COLUMNS)
    sql = (
        f"SELECT {columns} FROM launches l WHERE {condition} "
        f"ORDER BY l.{sort} {'DESC' if descending else 'ASC'}, l.launch_tag"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return con.execute(sql, params).df()


def count_launches(con: duckdb.DuckDBPyConnection, f: LaunchFilter | None = None) -> int:
    condition, params = where_launches(con, f or LaunchFilter())
    row = con.execute(f"SELECT count(*) FROM launches l WHERE {condition}", params).fetchone()
    return int(row[0]) if row else 0


def sites(con: duckdb.DuckDBPyConnection, country: str | None = None) -> pd.DataFrame:
    """Launch sites with launches, one row per canonical site, busiest first.

    ``country`` matches the host country (curated; Baikonur is in KZ) or the operating state.
    """
    sql = """
        WITH current AS (
            SELECT * FROM sites QUALIFY row_number() OVER (
                PARTITION BY ucode ORDER BY coalesce(valid_to, DATE '9999-12-31') DESC,
                coalesce(valid_from, DATE '0001-01-01') DESC) = 1
        ), codes AS (
            SELECT ucode, string_agg(DISTINCT code, ', ' ORDER BY code) AS codes,
                   string_agg(DISTINCT host_country, ', ') AS host_countries,
                   string_agg(DISTINCT state_code, ', ') AS states
            FROM sites GROUP BY ucode
        )
        SELECT l.site, c.short_name AS site_name, k.codes, c.host_country, k.states AS operator_states,
               c.lat_deg, c.lon_deg, count(*) AS launches,
               count(*) FILTER (WHERE l.is_success) AS successes,
               min(l.time_utc)::DATE AS first_launch, max(l.time_utc)::DATE AS last_launch
        FROM launches l JOIN current c ON c.ucode = l.site JOIN codes k ON k.ucode = l.site
        WHERE ? IS NULL OR list_contains(string_split(k.host_countries, ', '), upper(?))
              OR list_contains(string_split(k.states, ', '), upper(?))
        GROUP BY ALL ORDER BY launches DESC, l.site
    """
    return con.execute(sql, [country, country, country]).df()


def site_detail(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """One site: its names over time, pads, coordinates and launch totals."""
    ucodes = names.resolve_sites(con, name)
    history = con.execute(
        """SELECT code, ucode, short_name, name, state_code, valid_from, valid_to, lat_deg, lon_deg
           FROM sites WHERE ucode IN (SELECT unnest(?)) ORDER BY valid_from NULLS FIRST""",
        [ucodes],
    ).df()
    pads = con.execute(
        """SELECT pad, count(*) AS launches, min(time_utc)::DATE AS first_launch,
                  max(time_utc)::DATE AS last_launch
           FROM launches WHERE site IN (SELECT unnest(?)) GROUP BY pad ORDER BY launches DESC""",
        [ucodes],
    ).df()
    cursor = con.execute(
        """SELECT count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes,
                  count(*) FILTER (WHERE NOT is_success) AS failures,
                  sum(payload_count)::INTEGER AS payloads, min(time_utc)::DATE AS first_launch,
                  max(time_utc)::DATE AS last_launch,
                  list(DISTINCT site_code ORDER BY site_code) AS codes_used
           FROM launches WHERE site IN (SELECT unnest(?))""",
        [ucodes],
    )
    row = cursor.fetchone() or ()
    totals = dict(zip([d[0] for d in cursor.description or []], row, strict=True))
    current = history.sort_values("valid_to", na_position="last").iloc[-1]
    return {
        "sites": ucodes,
        "name": current["short_name"],
        "lat_deg": float(current["lat_deg"]),
        "lon_deg": float(current["lon_deg"]),
        "history": history,
        "pads": pads,
        "totals": totals,
    }


def launches_per_year(
    con: duckdb.DuckDBPyConnection, f: LaunchFilter | None = None
) -> pd.DataFrame:
    """Launches per UTC year for a filter, with successes and failures."""
    condition, params = where_launches(con, f or LaunchFilter())
    return con.execute(
        f"""SELECT year, count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes,
                   count(*) FILTER (WHERE NOT is_success) AS failures
            FROM launches l WHERE {condition} GROUP BY year ORDER BY year""",
        params,
    ).df()
