"""Payloads asked for the way analysts ask: by name, owner, sector, mission, orbit, site, period.

Filters share their names and meaning with :class:`~cosmodrome.catalog.queries.LaunchFilter`
(``site``, ``vehicle``, ``agency`` for the provider, ``owner``, ``owner_state``,
``provider_state``, ``start``/``end``) and add ``search`` (payload names) and the payload's own
``sector``, ``mission`` and ``orbit`` regime. Names are resolved by
:mod:`cosmodrome.catalog.names`, sectors and missions by :mod:`cosmodrome.catalog.sectors`,
regimes by :mod:`cosmodrome.catalog.regimes`; an unknown name raises with the closest ones.

>>> payloads(con, PayloadFilter(search="Arktika-M"))            # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from cosmodrome import naming
from cosmodrome.catalog import names
from cosmodrome.catalog.queries import RowFilter, Where, page_sql, state_codes
from cosmodrome.catalog.regimes import resolve_regime
from cosmodrome.catalog.sectors import mission_label_sql, resolve_mission, resolve_sector
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.naming import closest_names
from cosmodrome.states import with_state_names
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    import pandas as pd

PAYLOAD_COLUMNS = (
    "p.piece",
    "p.name",
    "p.launch_tag",
    "l.time_utc AS launch_time_utc",
    "l.site",
    "l.site_name",
    "l.vehicle",
    "l.agency",
    "l.agency_name",
    "p.owner",
    "p.owner_name",
    "p.owner_state",
    "p.sector",
    "p.mission",
    f"{mission_label_sql()} AS mission_name",
    "p.category",
    "p.program",
    "p.orbit_regime",
    "p.perigee_km",
    "p.apogee_km",
    "p.inc_deg",
    "p.orbit_source",
    "p.mass_kg",
    "p.mass_source",
    "p.result",
    "p.is_primary",
    "p.satcat",
)
SORTABLE = {"launch_time_utc", "piece", "name", "mass_kg", "perigee_km", "apogee_km"}

#: The folded names of a payload (``payloads.search_text``, built by
#: :func:`cosmodrome.catalog.payload_facts.search_text`).
SEARCH_TEXT_SQL = "p.search_text"


@dataclass(frozen=True, kw_only=True)
class PayloadFilter(RowFilter):
    """Filters of ``cosmodrome payloads``: the shared fields and a name search."""

    search: str | None = None


def where_payloads(con: duckdb.DuckDBPyConnection, f: PayloadFilter) -> tuple[str, list[Any]]:
    """The SQL condition (payload alias ``p``, launch alias ``l``) and its parameters.

    Every name is resolved here, once per question. A search that matches nothing is not
    looked up here: the query's answer says so, and :func:`_check_search` then tells an
    unknown name from a filter that leaves nothing.
    """
    w = Where()
    if f.search:
        w.add(f"contains({SEARCH_TEXT_SQL}, ?)", _search_key(f.search))
    if f.owner:
        w.add("list_contains(?, p.owner)", names.resolve_owners(con, f.owner))
    if f.owner_state:
        w.add("list_contains(?, p.owner_state)", state_codes(f.owner_state))
    if f.sector:
        w.add("p.sector = ?", resolve_sector(f.sector))
    if f.mission:
        w.add("list_contains(string_split(p.missions, '/'), ?)", resolve_mission(f.mission))
    if f.orbit:
        w.add("p.orbit_regime = ?", resolve_regime(f.orbit))
    w.launch(
        con,
        site=f.site,
        vehicle=f.vehicle,
        agency=f.agency,
        provider_state=f.provider_state,
        start=f.start,
        end=f.end,
    )
    return w.sql(), w.params


def _search_key(text: str) -> str:
    """The folded search text (what ``payloads.search_text`` holds)."""
    key = naming.plain(text)
    if not key:
        raise InputError(f"cannot search for {text!r}: it has no letters or digits")
    return key


def _check_search(con: duckdb.DuckDBPyConnection, f: PayloadFilter) -> None:
    """For a question that found nothing: a searched name no payload has raises with the
    closest names (the other filters may simply leave nothing)."""
    if not f.search:
        return
    found = con.execute(
        f"SELECT count(*) FROM payloads p WHERE contains({SEARCH_TEXT_SQL}, ?)",
        [_search_key(f.search)],
    ).fetchone()
    if found and found[0]:
        return
    every = [n for (n,) in con.execute("SELECT DISTINCT name FROM payloads").fetchall() if n]
    raise UnknownNameError("payload", f.search, closest_names(f.search, every))


def _payload_sql(
    where: tuple[str, list[Any]],
    limit: int | None,
    offset: int,
    sort: str,
    descending: bool,
    extra: tuple[str, ...] = (),
) -> tuple[str, list[Any]]:
    rows = page_sql(sort, SORTABLE, limit, offset)
    condition, params = where
    sql = (
        f"SELECT {', '.join((*PAYLOAD_COLUMNS, *extra))} {_FROM} WHERE {condition} "
        f"ORDER BY {sort} {'DESC' if descending else 'ASC'} NULLS LAST, p.launch_tag, p.piece"
        f"{rows}"
    )
    return sql, params


_FROM = "FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag"


def payloads(
    con: duckdb.DuckDBPyConnection,
    f: PayloadFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "launch_time_utc",
    descending: bool = False,
) -> pd.DataFrame:
    """Payloads matching ``f``, in launch order (oldest first) by default.

    One row per payload: its piece, name, launch (tag, time, site, vehicle, provider), owner,
    sector, main mission (GCAT code; ``category`` keeps GCAT's full entry with its ``?`` and
    ``*`` qualifiers), regime and operational orbit with its source, mass (NULL where
    unknown), GCAT's result, whether it is its launch's primary payload, and NORAD number.
    :func:`payload_rows` gives the same rows without pandas.
    """
    f = f or PayloadFilter()
    sql, params = _payload_sql(where_payloads(con, f), limit, offset, sort, descending)
    frame = con.execute(sql, params).df()
    if frame.empty and limit != 0:
        _check_search(con, f)
    # Codes keep their names beside them (owner_state_name after owner_state).
    return with_state_names(frame, "owner_state")


def payload_rows(
    con: duckdb.DuckDBPyConnection,
    f: PayloadFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "launch_time_utc",
    descending: bool = False,
) -> Rows:
    """The same payloads as :func:`payloads`, as plain rows (no pandas: the CLI's path)."""
    f = f or PayloadFilter()
    sql, params = _payload_sql(where_payloads(con, f), limit, offset, sort, descending)
    found = Rows.fetched(con.execute(sql, params))
    if not found.rows and limit != 0:
        _check_search(con, f)
    return with_state_names(found, "owner_state")


def payload_page(
    con: duckdb.DuckDBPyConnection,
    f: PayloadFilter | None = None,
    *,
    limit: int,
    offset: int = 0,
    sort: str = "launch_time_utc",
    descending: bool = False,
) -> tuple[int, Rows]:
    """How many payloads match ``f`` in all, and one page of them as :func:`payload_rows`
    gives it: names resolved once, the total a window over every match of the same query."""
    f = f or PayloadFilter()
    where = where_payloads(con, f)
    sql, params = _payload_sql(
        where, limit, offset, sort, descending, ("count(*) OVER () AS matching",)
    )
    found = Rows.fetched(con.execute(sql, params))
    if found.rows:
        total = int(found.rows[0][found.columns.index("matching")])
    else:  # a page past the end, or nothing at all: the window saw no row to count on
        total = _count(con, where)
        if not total:
            _check_search(con, f)
    return total, with_state_names(found.without("matching"), "owner_state")


def count_payloads(con: duckdb.DuckDBPyConnection, f: PayloadFilter | None = None) -> int:
    """How many payloads match ``f`` (a searched name no payload has raises)."""
    f = f or PayloadFilter()
    count = _count(con, where_payloads(con, f))
    if not count:
        _check_search(con, f)
    return count


def _count(con: duckdb.DuckDBPyConnection, where: tuple[str, list[Any]]) -> int:
    condition, params = where
    row = con.execute(f"SELECT count(*) {_FROM} WHERE {condition}", params).fetchone()
    return int(row[0]) if row else 0
