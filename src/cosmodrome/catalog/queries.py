"""Questions asked of the catalog, answered as pandas tables.

Filters take names people use (resolved by :mod:`cosmodrome.catalog.names`) and dates as
:class:`datetime.date`; every query is parameterised SQL on a read-only connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from cosmodrome.catalog import names
from cosmodrome.catalog.outcomes import OUTCOME_NAME_SQL, outcome_filter
from cosmodrome.catalog.regimes import resolve_regime
from cosmodrome.catalog.sectors import resolve_mission, resolve_sector
from cosmodrome.catalog.summaries import summary
from cosmodrome.errors import InputError
from cosmodrome.spaceports import spaceport_of_sites
from cosmodrome.states import Table, codes_within, resolve_states, state_name, with_state_names
from cosmodrome.tables import Rows
from cosmodrome.timeutil import first_moment, last_moment

if TYPE_CHECKING:
    import pandas as pd

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
#: Each launch column as selected: the outcome keeps its code and gains its words beside it
#: (``partial_failure``, ``partial failure``): names, never bare codes, in output.
SELECTED = tuple(
    f"l.{c}" if c != "outcome" else f"l.outcome, {OUTCOME_NAME_SQL} AS outcome_name"
    for c in LAUNCH_COLUMNS
)
#: Every payload's name, in GCAT's piece order (pieces that share a code in file order), as
#: a list (``payloads``): JSON gives the list, CSV the names joined, and only a table
#: abbreviates it (data formats never cut it).
PAYLOAD_NAMES = "list(coalesce(p.name, '(unnamed)') ORDER BY p.piece, p.rowid)"
SORTABLE = {"time_utc", "launch_tag", "vehicle", "site", "agency", "payload_count", "outcome"}


@dataclass(frozen=True, kw_only=True)
class RowFilter:
    """The filter fields every listing of launches or payloads offers, declared once (the
    CLI's options and the web's fields mirror them: cli/app.py, web/params.py); all
    optional, combined with AND. ``sector``, ``mission`` and ``orbit`` are a payload's own
    on payloads, the primary payload's on launches."""

    site: str | None = None
    vehicle: str | None = None
    #: The launch provider (``--provider``; ``agency`` is GCAT's word for it).
    agency: str | None = None
    provider_state: str | None = None
    owner: str | None = None
    owner_state: str | None = None
    sector: str | None = None
    mission: str | None = None
    orbit: str | None = None
    #: A day (``end`` inclusive, to the end of that day) or a UTC moment kept as a moment.
    start: date | datetime | None = None
    end: date | datetime | None = None

    def __post_init__(self) -> None:
        check_period(self.start, self.end)


@dataclass(frozen=True, kw_only=True)
class LaunchFilter(RowFilter):
    """Filters of ``cosmodrome launches``: the shared fields, a pad, outcome and orbit class."""

    pad: str | None = None
    outcome: str | None = None
    orbit_class: str | None = None


def check_period(start: date | datetime | None, end: date | datetime | None) -> None:
    """Refuse a period whose start comes after its inclusive end (a day lasts to its end)."""
    if start and end and first_moment(start) > last_moment(end):
        raise InputError(f"the start ({start}) is after the end ({end})")


def period_clauses(
    column: str, start: date | datetime | None, end: date | datetime | None
) -> list[tuple[str, date | datetime]]:
    """SQL conditions (with their parameter) keeping the UTC times of ``column`` within a
    period: a day bound covers the whole day (``end`` inclusive), a time stays a time."""
    clauses: list[tuple[str, date | datetime]] = []
    if isinstance(start, datetime):
        clauses.append((f"{column} >= ?", start))
    elif start:
        clauses.append((f"{column} >= ?::DATE", start))
    if isinstance(end, datetime):
        clauses.append((f"{column} <= ?", end))
    elif end:
        clauses.append((f"{column} < ?::DATE + INTERVAL 1 DAY", end))
    return clauses


@dataclass
class Where:
    """SQL conditions combined with AND, each with its parameters in order."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(f"({clause})")
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "TRUE"

    def launch(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        site: str | None,
        vehicle: str | None,
        agency: str | None,
        provider_state: str | None,
        start: date | datetime | None,
        end: date | datetime | None,
    ) -> None:
        """Add the conditions on the launch (table alias ``l``) that launch and payload
        filters share, each name resolved the one way."""
        if site:
            self.add("list_contains(?, l.site)", names.resolve_sites(con, site))
        if vehicle:
            self.add("list_contains(?, l.vehicle)", names.resolve_vehicles(con, vehicle))
        if agency:
            agencies = names.resolve_agencies(con, agency)
            self.add(
                "list_contains(?, split_part(l.agency, '/', 1)) OR list_contains(?, l.agency)",
                agencies,
                agencies,
            )
        if provider_state:
            self.add("list_contains(?, l.provider_state)", state_codes(provider_state))
        for clause, bound in period_clauses("l.time_utc", start, end):
            self.add(clause, bound)


def state_codes(names_: str) -> list[str]:
    """GCAT codes for comma-separated state names (``FR``, ``France,DE``): each state and its
    territories; an unknown one raises with the closest names."""
    found = resolve_states(names_.split(","))
    return sorted({code for state in found for code in codes_within(state)})


def where_launches(con: duckdb.DuckDBPyConnection, f: LaunchFilter) -> tuple[str, list[Any]]:
    """The SQL condition (on table alias ``l``) and parameters for a filter."""
    w = Where()
    w.launch(
        con,
        site=f.site,
        vehicle=f.vehicle,
        agency=f.agency,
        provider_state=f.provider_state,
        start=f.start,
        end=f.end,
    )
    if f.pad:
        w.add("list_contains(?, l.pad)", names.resolve_pads(con, f.pad, f.site))
    if f.owner:
        w.add(
            "l.launch_tag IN (SELECT launch_tag FROM payloads WHERE list_contains(?, owner))",
            names.resolve_owners(con, f.owner),
        )
    if f.owner_state:
        w.add(
            "l.launch_tag IN (SELECT launch_tag FROM payloads WHERE list_contains(?, owner_state))",
            state_codes(f.owner_state),
        )
    if f.outcome:
        w.add("list_contains(?, l.outcome)", list(outcome_filter(f.outcome)))
    if f.orbit_class:
        w.add("l.orbit_class = ?", f.orbit_class)
    if f.sector:
        w.add("l.sector = ?", resolve_sector(f.sector))
    if f.mission:
        w.add("l.mission = ?", resolve_mission(f.mission))
    if f.orbit:
        w.add("l.orbit_regime = ?", resolve_regime(f.orbit))
    return w.sql(), w.params


def page_sql(sort: str, sortable: set[str], limit: int | None, offset: int) -> str:
    """``LIMIT .. OFFSET ..`` of a page (empty for every row), once ``sort`` is one of
    ``sortable`` and ``limit`` is not negative."""
    if sort not in sortable:
        raise InputError(f"cannot sort by {sort!r}; choose one of {', '.join(sorted(sortable))}")
    if limit is not None and limit < 0:
        raise InputError("limit must be zero or more")
    return "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"


def _launch_sql(
    con: duckdb.DuckDBPyConnection,
    f: LaunchFilter | None,
    limit: int | None,
    offset: int,
    sort: str,
    descending: bool,
    extra: tuple[str, ...] = (),
) -> tuple[str, list[Any]]:
    rows = page_sql(sort, SORTABLE, limit, offset)
    condition, params = where_launches(con, f or LaunchFilter())
    direction = "DESC" if descending else "ASC"
    page = (
        f"SELECT {', '.join([*SELECTED, *extra])} FROM launches l WHERE {condition} "
        f"ORDER BY l.{sort} {direction}, l.launch_tag{rows}"
    )
    # The payload names of the page's launches only (a correlated subquery named every
    # match's payloads before the LIMIT: 19 ms of a Baikonur page of 50, now 6 ms in all).
    extras = [e.rsplit(" AS ", 1)[1] for e in extra]
    columns = "page.*" if not extras else f"page.* EXCLUDE ({', '.join(extras)})"
    sql = (
        f"WITH page AS MATERIALIZED ({page}), names AS ("
        f"SELECT p.launch_tag, {PAYLOAD_NAMES} AS payloads FROM payloads p "
        f"SEMI JOIN page USING (launch_tag) GROUP BY p.launch_tag) "
        f"SELECT {', '.join([columns, 'names.payloads', *extras])} "
        f"FROM page LEFT JOIN names USING (launch_tag) "
        f"ORDER BY page.{sort} {direction}, page.launch_tag"
    )
    return sql, params


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
    sql, params = _launch_sql(con, f, limit, offset, sort, descending)
    frame = with_state_names(con.execute(sql, params).df(), "provider_state")
    return with_pad_names(con, frame)


def with_pad_names(con: duckdb.DuckDBPyConnection, table: Table) -> Table:
    """``table`` (a DataFrame or rows with ``site`` and ``pad``) with ``pad_name`` after
    ``pad``: the pad as it is shown everywhere (``Site 31/6 (LC31)``), GCAT's code where no
    curated pad has it."""
    if "pad" not in table.columns or "site" not in table.columns:
        return table
    if isinstance(table, Rows):
        sites, pads = table.column("site"), table.column("pad")
    else:
        sites, pads = list(table["site"]), list(table["pad"])
    labels = names.pad_labels(con, {site for site in sites if isinstance(site, str)})
    shown = [
        labels.get((site, pad), pad) if isinstance(pad, str) else None
        for site, pad in zip(sites, pads, strict=True)
    ]
    at = list(table.columns).index("pad") + 1
    if isinstance(table, Rows):
        return table.with_column("pad_name", at, shown)
    table.insert(at, "pad_name", shown)
    return table


def launch_rows(
    con: duckdb.DuckDBPyConnection,
    f: LaunchFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "time_utc",
    descending: bool = False,
) -> Rows:
    """The same launches as :func:`launches`, as plain rows (no pandas: the CLI's quick path)."""
    sql, params = _launch_sql(con, f, limit, offset, sort, descending)
    return _labelled(con, Rows.fetched(con.execute(sql, params)))


def launch_page(
    con: duckdb.DuckDBPyConnection,
    f: LaunchFilter | None = None,
    *,
    limit: int,
    offset: int = 0,
    sort: str = "time_utc",
    descending: bool = False,
) -> tuple[int, Rows]:
    """How many launches match ``f`` in all, and one page of them as :func:`launch_rows`
    gives it, from one query (the total is a window over every match)."""
    total = "count(*) OVER () AS matching"
    sql, params = _launch_sql(con, f, limit, offset, sort, descending, (total,))
    found = Rows.fetched(con.execute(sql, params))
    if not found.rows:
        # No match at all (a first page of none), or a page past the end or of no rows,
        # where the window saw no row to count on.
        counted = count_launches(con, f) if offset or not limit else 0
        return counted, _labelled(con, found.without("matching"))
    matching = found.columns.index("matching")
    return int(found.rows[0][matching]), _labelled(con, found.without("matching"))


def _labelled(con: duckdb.DuckDBPyConnection, rows: Rows) -> Rows:
    """``rows`` of launches with the pad's name after ``pad`` and the provider state's name
    after ``provider_state``, as :func:`launches` has them."""
    rows = with_pad_names(con, rows)
    # the catalog's own state names, not with_state_names: a quick listing loads no pycountry
    state = rows.columns.index("provider_state")
    known = names.provider_state_names(con)
    return rows.with_column(
        "provider_state_name",
        state + 1,
        [known.get(r[state]) or state_name(r[state]) for r in rows.rows],
    )


def count_launches(con: duckdb.DuckDBPyConnection, f: LaunchFilter | None = None) -> int:
    condition, params = where_launches(con, f or LaunchFilter())
    row = con.execute(f"SELECT count(*) FROM launches l WHERE {condition}", params).fetchone()
    return int(row[0]) if row else 0


def sites(con: duckdb.DuckDBPyConnection, country: str | None = None) -> Rows:
    """Launch sites on Earth with launches, one row per canonical site, busiest first.

    ``country`` (any state name, :func:`cosmodrome.states.resolve_state`) matches the host
    country (curated; Baikonur is in Kazakhstan, Kourou in French Guiana and so France) or the
    state that operated the site at launch. Coordinates are those of the most recently used code.
    """
    sql = f"""
        SELECT site, site_name, codes, host_country, operator_states, lat_deg, lon_deg, launches, successes, first_launch, last_launch
        FROM {summary(con, "site_totals")}
        WHERE NOT off_earth  -- launch sites on Earth, not lunar ascents
          AND (? IS NULL OR len(list_intersect(host_countries, ?)) > 0
               OR len(list_intersect(states, ?)) > 0)
        ORDER BY launches DESC, site
    """
    codes = state_codes(country) if country else None
    found = Rows.fetched(con.execute(sql, [codes, codes, codes]))
    return with_state_names(_curated_coordinates(found), "host_country", "operator_states")


def _curated_coordinates(rows: Rows) -> Rows:
    """``rows`` of sites with the curated spaceport's coordinates where one holds the site,
    so that a site has one position on every page (:func:`site_detail` does the same)."""
    site, lat, lon = (rows.columns.index(c) for c in ("site", "lat_deg", "lon_deg"))
    out = []
    for row in rows.rows:
        port = spaceport_of_sites([row[site]])
        values = list(row)
        if port is not None:
            values[lat], values[lon] = port.lat_deg, port.lon_deg
        out.append(tuple(values))
    return Rows(rows.columns, out)


def site_detail(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """One site: its names over time, pads, coordinates and launch totals.

    ``history`` and ``pads`` are :class:`~cosmodrome.tables.Rows` (three small queries of the
    stored totals and no DataFrame: a site page is among the most requested).
    """
    canonical = names.resolve_sites(con, name)
    totals, site_name = _site_totals(con, canonical)
    history = _rows(
        con,
        """SELECT code, ucode, short_name, name, state_code, valid_from, valid_to, lat_deg, lon_deg
           FROM sites WHERE list_contains(?, code)
           ORDER BY valid_from NULLS FIRST, code""",
        [totals["codes_used"]],
    )
    history = with_state_names(history, "state_code")
    pads = _rows(
        con,
        f"""SELECT pad, sum(launches)::BIGINT AS launches, min(first_launch) AS first_launch,
                  max(last_launch) AS last_launch
           FROM {summary(con, "pad_totals")} WHERE list_contains(?, site)
           GROUP BY pad ORDER BY launches DESC""",
        [canonical],
    )
    counts = {str(pad): int(n) for pad, n, *_ in pads.rows if pad is not None}
    identities = names.pad_identities(con, canonical, counts)
    label_of = {c: p.label for p in identities for c in p.gcat_pads}
    pads = pads.with_column("pad_name", 1, [label_of.get(str(r[0]), r[0]) for r in pads.rows])
    lat, lon, valid_to = (history.columns.index(c) for c in ("lat_deg", "lon_deg", "valid_to"))
    # The code in use now (no end date) or, for a closed site, the one that ended last.
    current = sorted(history.rows, key=lambda r: (r[valid_to] is None, r[valid_to] or date.min))
    # one place, one set of coordinates on every page: the curated spaceport's where there is
    # one (as the windows and passes pages use), else GCAT's for the code in use
    port = spaceport_of_sites(canonical)
    return {
        "sites": canonical,
        "name": site_name,
        "lat_deg": port.lat_deg if port else float(current[-1][lat]),
        "lon_deg": port.lon_deg if port else float(current[-1][lon]),
        "history": history,
        "pads": pads,
        "totals": totals,
    }


def vehicle_totals(con: duckdb.DuckDBPyConnection, vehicles: list[str] | None = None) -> Rows:
    """Every vehicle flown (or only ``vehicles``), busiest first: launches, successes, first
    and last flight, and GCAT ``lv.tsv``'s manufacturer and capacity to LEO and GTO in kg."""
    return _rows(
        con,
        f"""SELECT * FROM {summary(con, "vehicle_totals")}
            WHERE ?::VARCHAR[] IS NULL OR list_contains(?, vehicle)
            ORDER BY launches DESC, vehicle""",
        [vehicles, vehicles],
    )


def _site_totals(
    con: duckdb.DuckDBPyConnection, canonical: list[str]
) -> tuple[dict[str, Any], str]:
    """All-time totals of ``canonical`` sites (added up from the stored per-site rows) and
    their names joined with ``+``."""
    per_site = _rows(
        con,
        f"""SELECT launches, successes, failures, payloads, first_launch, last_launch,
                  codes_used, site_names
           FROM {summary(con, "site_totals")} WHERE list_contains(?, site)""",
        [canonical],
    )
    column = {c: [r[i] for r in per_site.rows] for i, c in enumerate(per_site.columns)}
    totals = {
        "launches": sum(column["launches"]),
        "successes": sum(column["successes"]),
        "failures": sum(column["failures"]),
        "payloads": sum(n for n in column["payloads"] if n is not None),
        "first_launch": min(column["first_launch"]),
        "last_launch": max(column["last_launch"]),
        "codes_used": sorted({c for codes in column["codes_used"] for c in codes}),
    }
    site_names = sorted({n for listed in column["site_names"] for n in listed})
    return totals, " + ".join(site_names)


def launches_per_year(
    con: duckdb.DuckDBPyConnection, f: LaunchFilter | None = None
) -> pd.DataFrame:
    """Launches per UTC year for a filter, with successes and failures, and the same split
    by GCAT's four outcomes (``success``, ``partial_success``, ``partial_failure``,
    ``failure``: the Launches page stacks them).

    Every year of the period is there, zeros included (a time axis is continuous): from the
    filter's start (else the first launch counted) to its end (else the last launch counted),
    never past the catalog's last launch.
    """
    f = f or LaunchFilter()
    condition, params = where_launches(con, f)
    first = f.start.year if f.start else None
    last = f.end.year if f.end else None
    return con.execute(
        f"""WITH counts AS (
                SELECT year, count(*) AS launches,
                       count(*) FILTER (WHERE is_success) AS successes,
                       count(*) FILTER (WHERE NOT is_success) AS failures,
                       count(*) FILTER (WHERE outcome = 'success') AS success,
                       count(*) FILTER (WHERE outcome = 'partial_success') AS partial_success,
                       count(*) FILTER (WHERE outcome = 'partial_failure') AS partial_failure,
                       count(*) FILTER (WHERE outcome = 'failure') AS failure
                FROM launches l WHERE {condition} GROUP BY year
            ), span AS (
                SELECT coalesce(?::INTEGER, min(year)) AS lo,
                       least(coalesce(?::INTEGER, max(year)),
                             (SELECT max(year) FROM launches)) AS hi
                FROM counts
            )
            SELECT y.year::INTEGER AS year, coalesce(c.launches, 0) AS launches,
                   coalesce(c.successes, 0) AS successes, coalesce(c.failures, 0) AS failures,
                   coalesce(c.success, 0) AS success,
                   coalesce(c.partial_success, 0) AS partial_success,
                   coalesce(c.partial_failure, 0) AS partial_failure,
                   coalesce(c.failure, 0) AS failure
            FROM span, range(span.lo, span.hi + 1) AS y(year)
            LEFT JOIN counts c ON c.year = y.year
            ORDER BY y.year""",
        [*params, first, last],
    ).df()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Rows:
    return Rows.fetched(con.execute(sql, params))
