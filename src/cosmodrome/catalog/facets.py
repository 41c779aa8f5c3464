"""Facet counts: how the launches (or payloads) a filter picks spread over sites, vehicles,
providers, states, outcomes and years, as Datasette shows beside a table.

Counted in DuckDB over the filter's own condition (:func:`~.queries.where_launches`,
:func:`~.payload_queries.where_payloads`), busiest value first, at most
:data:`MAX_VALUES` values per facet (``truncated`` says when there were more). Launches
count launches; payloads count payloads, and their ``state`` is the owner's state (a
launch's is the provider's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from cosmodrome.catalog.payload_queries import PayloadFilter, where_payloads
from cosmodrome.catalog.queries import LaunchFilter, where_launches
from cosmodrome.errors import InputError
from cosmodrome.states import state_name

FACETS = ("site", "vehicle", "provider", "state", "outcome", "year")
MAX_VALUES = 30


@dataclass(frozen=True)
class _Facet:
    value: str
    label: str | None


_LAUNCH_FACETS = {
    "site": _Facet("l.site", "l.site_name"),
    "vehicle": _Facet("l.vehicle", None),
    "provider": _Facet("l.agency", "l.agency_name"),
    "state": _Facet("l.provider_state", None),
    "outcome": _Facet("l.outcome", None),
    "year": _Facet("l.year", None),
}
_PAYLOAD_FACETS = {**_LAUNCH_FACETS, "state": _Facet("p.owner_state", None)}


def check_facets(names: list[str]) -> list[str]:
    """``names`` when each is a facet; else an error listing them."""
    unknown = [name for name in names if name not in FACETS]
    if unknown:
        raise InputError(f"facet: unknown facet {unknown[0]!r}; choose from {', '.join(FACETS)}")
    return list(dict.fromkeys(names))


def launch_facets(
    con: duckdb.DuckDBPyConnection, f: LaunchFilter, names: list[str]
) -> dict[str, dict[str, Any]]:
    """Per facet of ``names``: the launches ``f`` picks, counted by that facet's value."""
    condition, params = where_launches(con, f)
    return {
        name: _count(con, "launches l", _LAUNCH_FACETS[name], condition, params)
        for name in check_facets(names)
    }


def payload_facets(
    con: duckdb.DuckDBPyConnection, f: PayloadFilter, names: list[str]
) -> dict[str, dict[str, Any]]:
    """Per facet of ``names``: the payloads ``f`` picks, counted by that facet's value."""
    condition, params = where_payloads(con, f)
    source = "payloads p JOIN launches l ON l.launch_tag = p.launch_tag"
    return {
        name: _count(con, source, _PAYLOAD_FACETS[name], condition, params)
        for name in check_facets(names)
    }


def _count(
    con: duckdb.DuckDBPyConnection, source: str, facet: _Facet, condition: str, params: list[Any]
) -> dict[str, Any]:
    label = f"any_value({facet.label})" if facet.label else "NULL"
    rows = con.execute(
        f"SELECT {facet.value} AS value, {label} AS label, count(*) AS n FROM {source} "
        f"WHERE {condition} GROUP BY 1 ORDER BY n DESC, value NULLS LAST LIMIT ?",
        [*params, MAX_VALUES + 1],
    ).fetchall()
    values = [
        {"value": value, "label": _label(facet, value, named), "count": int(n)}
        for value, named, n in rows[:MAX_VALUES]
    ]
    return {"values": values, "truncated": len(rows) > MAX_VALUES}


def _label(facet: _Facet, value: Any, named: Any) -> Any:
    """What a person reads for a value: a site or provider by name, a state by its name."""
    if facet.value.endswith("_state") and isinstance(value, str):
        return state_name(value)
    return named if named is not None else value
