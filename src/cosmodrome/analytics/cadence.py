"""Launch cadence and market share per period, grouped by site, provider, state or family.

Both measures are counted for every group and period:

* ``launches`` — launches (one per GCAT ``Launch_Tag``);
* ``payloads`` — payloads (rows of GCAT's launch log) on those launches.

Grouped by a *launch* attribute (site, provider, provider state, vehicle family) a launch
belongs to exactly one group. Grouped by *payload owner state*, a launch carrying payloads of
several states is shared between them in proportion to its payloads (a rideshare with 3 US
and 1 Finnish payload counts 0.75 launch for US and 0.25 for FI), so that launches still add
up to the world total and shares to 1.

Grouped by a payload's *sector* (``owner-sector``: commercial, civil, military, academic,
mixed), *mission* (GCAT's main mission code) or *orbit regime* (``orbit-regime``), each
payload counts in its own group, and each launch counts whole in the group of its **primary
payload** (the heaviest with a known mass, else the first GCAT lists:
:mod:`cosmodrome.catalog.payload_facts`), so launches and payloads both add up to the world
totals. The ``sector``, ``mission`` and ``orbit`` filters of a
:class:`~cosmodrome.catalog.queries.LaunchFilter` select launches by their primary payload.

>>> from cosmodrome import api                                             # doctest: +SKIP
>>> with api.catalog() as con:                                            # doctest: +SKIP
...     api.cadence(con, by="site", only=["Baikonur", "Vostochny"], start=date(2010, 1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from cosmodrome import naming
from cosmodrome.analytics.common import (
    PROVIDER_JOIN,
    Dimension,
    SiteMapping,
    check_period,
    data_date,
    dimension,
    filter_sql,
    join_params,
    period_start_sql,
    state_names,
    with_dates,
)
from cosmodrome.catalog import names
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.catalog.regimes import resolve_regime
from cosmodrome.catalog.sectors import resolve_mission, resolve_sector
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import closest_names
from cosmodrome.states import resolve_state
from cosmodrome.tables import Rows

CADENCE_COLUMNS = ["period", "period_start", "group", "label", "launches", "payloads"]
SHARE_COLUMNS = [
    *CADENCE_COLUMNS,
    "world_launches",
    "world_payloads",
    "launch_share",
    "payload_share",
]
OTHER = "(other)"
UNKNOWN = "(unknown)"
PRIMARY_RESOLVERS = {
    "owner-sector": resolve_sector,
    "mission": resolve_mission,
    "orbit-regime": resolve_regime,
}
#: SQL of a period's label (``2022``, ``2022-Q1``, ``2022-03``) from its first day ``d``.
PERIOD_LABEL_SQL = {
    "year": "strftime(d, '%Y')",
    "quarter": "strftime(d, '%Y') || '-Q' || quarter(d)",
    "month": "strftime(d, '%Y-%m')",
}


def cadence(
    con: duckdb.DuckDBPyConnection,
    by: str = "site",
    period: str = "year",
    *,
    only: Sequence[str] | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
    top: int | None = None,
) -> Rows:
    """Launches and payloads per period and group, with zeros for quiet periods.

    ``by`` is one of ``site``, ``provider``, ``agency``, ``provider-state``,
    ``vehicle-family``, ``owner-state``, ``owner-sector``, ``mission`` or ``orbit-regime``;
    ``period`` one of ``year``, ``quarter``, ``month`` (UTC). ``only`` keeps the named groups
    (names people use: ``Baikonur``, ``SpaceX``, ``RU``, ``Falcon9``); ``start`` and ``end``
    (inclusive UTC days) and ``where`` restrict the launches counted. ``top`` keeps the
    ``top`` busiest groups and adds the rest as one ``(other)`` group.

    Returns :class:`~cosmodrome.tables.Rows` (``.to_frame()`` for a DataFrame), one per
    period and group: ``period`` (``2022``, ``2022-Q1``, ``2022-03``), ``period_start``
    (first UTC day), ``group`` (a code), ``label`` (its display name), ``launches`` and
    ``payloads``; busiest group first in each period, ``(other)`` last. Periods run from
    ``start`` (else the first launch counted) to ``end`` (else the catalog's data date).
    """
    return _counted(con, by, period, only, with_dates(where, start, end), top, world=False)


def share(
    con: duckdb.DuckDBPyConnection,
    by: str = "provider-state",
    period: str = "year",
    *,
    only: Sequence[str] | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    where: LaunchFilter | None = None,
    top: int | None = None,
) -> Rows:
    """Each group's share of the world's launches and payloads per period.

    The same rows as :func:`cadence` plus the world totals of the period (every launch that
    passes ``start``, ``end`` and ``where``, whatever its group) and ``launch_share`` and
    ``payload_share``: fractions of those totals, between 0 and 1. Without ``only`` the shares
    of a period sum to 1; a period without any launch has no share (``None``).

    >>> share(con, by="provider-state", start=date(2015, 1, 1), top=5)   # doctest: +SKIP
    """
    return _counted(con, by, period, only, with_dates(where, start, end), top, world=True)


def world_totals(
    con: duckdb.DuckDBPyConnection, period: str, where: LaunchFilter | None = None
) -> Rows:
    """Launches and payloads of the whole world per period: ``period_start``, ``world_*``."""
    condition, params = filter_sql(con, where)
    cursor = con.execute(
        f"""SELECT {period_start_sql(period)} AS period_start, count(*) AS world_launches,
                   sum(l.payload_count)::BIGINT AS world_payloads
            FROM launches l WHERE {condition} GROUP BY ALL ORDER BY 1""",
        params,
    )
    return Rows.fetched(cursor)


def _counted(
    con: duckdb.DuckDBPyConnection,
    by: str,
    period: str,
    only: Sequence[str] | None,
    f: LaunchFilter,
    top: int | None,
    *,
    world: bool,
) -> Rows:
    """Cadence (or, with ``world``, share) rows in one query: grouped, kept to the wanted
    groups, lumped, filled with zeros, named, ordered and divided by the world totals; each
    step only where asked for."""
    dim = dimension(by)
    check_period(period)
    sites = site_mapping(con, only if dim.name == "site" else None)
    wanted = resolve_groups(con, dim, only, sites) if only else None
    condition, params = filter_sql(con, f)
    first, last = _day(f.start), _day(f.end) or date.fromisoformat(data_date(con))
    ctes = [f"g AS MATERIALIZED ({_grouped_sql(dim, period, condition)})"]
    args: list[Any] = [*join_params(con, dim, sites), *params]
    counts = "g"
    if wanted is not None:
        ctes.append('k AS (SELECT * FROM g WHERE list_contains(?, "group"))')
        args.append(wanted)
        counts = "k"
    if top is not None:
        ctes.append(
            f"""r AS (SELECT "group", row_number() OVER (ORDER BY sum(launches) DESC, "group")
                                 <= ? AS keep FROM {counts} GROUP BY 1),
            t AS MATERIALIZED (
                SELECT period_start, CASE WHEN keep THEN "group" ELSE '{OTHER}' END AS "group",
                       any_value(CASE WHEN keep THEN label ELSE 'other' END) AS label,
                       any_value(CASE WHEN keep THEN state END) AS state,
                       sum(launches) AS launches, sum(payloads) AS payloads
                FROM {counts} JOIN r USING ("group") GROUP BY 1, 2)"""
        )
        args.append(max(top, 0))
        counts = "t"
    quiet = ""
    if wanted is not None:  # a group asked for that never flew: zeros, no error
        quiet = f"""UNION ALL SELECT w, NULL, NULL, 0 FROM unnest(?::VARCHAR[]) u(w)
                    WHERE w NOT IN (SELECT "group" FROM {counts})"""
        args.append(wanted)
    names_params, label_sql, on = _label_join(con, dim, sites)
    ctes.append(
        f"""gr AS (SELECT "group", arg_max(label, period_start) AS label,
                          arg_max(state, period_start) AS state, sum(launches) AS total
                   FROM {counts} GROUP BY 1 {quiet}),
            nm AS (SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS label,
                          unnest(?::VARCHAR[]) AS country),
            groups AS (SELECT gr."group", CASE WHEN gr."group" = '{OTHER}' THEN 'other'
                                               ELSE {label_sql} END AS label, gr.total
                       FROM gr LEFT JOIN nm ON nm.code = gr.{on})"""
    )
    args += names_params
    start_sql = (
        f"date_trunc('{period}', ?::DATE)::DATE"
        if first is not None
        else f"(SELECT min(period_start) FROM {counts})"
    )
    ctes.append(
        f"""periods AS (SELECT unnest(generate_series({start_sql}, ?::DATE,
                                                      INTERVAL 1 {period}))::DATE AS d)"""
    )
    args += [first, last] if first is not None else [last]
    share_sql, world_join = "", ""
    if world:
        ctes.append(
            f"""w AS (SELECT {period_start_sql(period)} AS period_start,
                             count(*) AS world_launches, sum(l.payload_count) AS world_payloads
                      FROM launches l WHERE {condition} GROUP BY 1)"""
        )
        args += params
        share_sql = """, coalesce(w.world_launches, 0)::BIGINT AS world_launches,
               coalesce(w.world_payloads, 0)::BIGINT AS world_payloads,
               coalesce(c.launches, 0) / nullif(w.world_launches, 0) AS launch_share,
               coalesce(c.payloads, 0) / nullif(w.world_payloads, 0) AS payload_share"""
        world_join = "LEFT JOIN w ON w.period_start = p.d"
    cursor = con.execute(
        f"""WITH {", ".join(ctes)}
        SELECT {PERIOD_LABEL_SQL[period]} AS period, p.d AS period_start, gr."group",
               gr.label, coalesce(c.launches, 0) AS launches,
               coalesce(c.payloads, 0)::BIGINT AS payloads{share_sql}
        FROM periods p CROSS JOIN groups gr
             LEFT JOIN {counts} c ON c.period_start = p.d AND c."group" = gr."group"
             {world_join}
        ORDER BY p.d, gr."group" = '{OTHER}', gr.total DESC, gr."group" """,
        args,
    )
    return Rows.fetched(cursor)


def _label_join(
    con: duckdb.DuckDBPyConnection, dim: Dimension, sites: SiteMapping
) -> tuple[list[list[Any]], str, str]:
    """Display names of the groups, names never bare codes, as the parameters of the
    ``nm`` table (code, label, country), the SQL of a group's label on ``gr`` and ``nm``,
    and the column of ``gr`` that ``nm.code`` matches: states by name, providers with
    their state, a site asked for by the name it was asked by."""
    if dim.name in ("provider-state", "owner-state"):
        codes, labels, countries, _ = state_names(con)
        return [codes, labels, countries], 'coalesce(nm.label, gr."group")', '"group"'
    if dim.join == PROVIDER_JOIN:
        codes, labels, countries, _ = state_names(con)
        name = 'coalesce(gr.label, gr."group")'
        return (
            [codes, labels, countries],
            f"""CASE WHEN nm.country IS NULL OR nm.country = {name} THEN {name}
                     ELSE {name} || ' (' || nm.country || ')' END""",
            "state",
        )
    _, keys, site_labels = sites
    return (
        [list(keys), list(site_labels), [None] * len(keys)],
        'coalesce(gr.label, nm.label, gr."group")',
        '"group"',
    )


def _grouped_sql(dim: Dimension, period: str, condition: str) -> str:
    """Launches and payloads per period and group (nonzero ones only), with each group's
    label and, for providers, state."""
    key = f"coalesce({dim.key_sql}, '{UNKNOWN}')"
    state = "arg_max(l.provider_state, l.time_utc)" if dim.join == PROVIDER_JOIN else "NULL"
    head = f"""SELECT {period_start_sql(period)} AS period_start, {key} AS "group",
                      {dim.label_sql} AS label, {state} AS state"""
    if dim.level == "primary":
        return f"""{head}, count(*) FILTER (WHERE p.is_primary) AS launches,
                      count(*)::BIGINT AS payloads
                   FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag
                   WHERE {condition} GROUP BY 1, 2"""
    if dim.level == "payload":
        return f"""{head}, sum(1.0 / l.payload_count) AS launches, count(*)::BIGINT AS payloads
                   FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag
                   WHERE {condition} GROUP BY 1, 2"""
    return f"""{head}, count(*)::BIGINT AS launches, sum(l.payload_count)::BIGINT AS payloads
               FROM launches l {dim.join} WHERE {condition} GROUP BY 1, 2"""


def site_mapping(
    con: duckdb.DuckDBPyConnection, wanted: Sequence[str] | None = None
) -> SiteMapping:
    """Sites that join one group: every site a wanted name resolves to, under that name
    (three parallel lists: sites, group keys, labels). Any other site is its own group."""
    if not wanted:
        return [], [], []
    known = names.per_catalog(con, "launch site names", lambda: _site_names(con))
    merged: dict[str, tuple[str, str]] = {}
    for name in wanted:
        resolved = names.resolve_sites(con, name)
        key = next((u for u in resolved if u in known), resolved[0])
        label = known.get(key, name)
        for ucode in resolved:
            merged[ucode] = (key, label)
    return list(merged), [k for k, _ in merged.values()], [lb for _, lb in merged.values()]


def _site_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every launch site's display name, by site."""
    rows = con.execute(
        "SELECT site, any_value(coalesce(site_name, site)) FROM launches "
        "WHERE site IS NOT NULL GROUP BY site"
    ).fetchall()
    return {str(site): str(name) for site, name in rows}


def resolve_groups(
    con: duckdb.DuckDBPyConnection,
    dim: Dimension,
    wanted: Sequence[str],
    sites: SiteMapping | None = None,
) -> list[str]:
    """Group keys of ``dim`` for names people use; unknown names raise with suggestions."""
    keys: list[str] = []
    if dim.name == "site":  # each name's sites are one group (site_mapping)
        keys += (sites or site_mapping(con, wanted))[1]
    elif dim.name in ("provider", "agency"):
        entities = names.provider_entities(con) if dim.name == "provider" else {}
        for name in wanted:
            codes = [a.split("/")[0] for a in names.resolve_agencies(con, name)]
            keys += [str(entities[c][0]) if c in entities else c for c in codes]
    elif dim.name in ("provider-state", "owner-state"):
        for name in wanted:
            keys.append(resolve_state(name).code)
    elif dim.name in PRIMARY_RESOLVERS:
        keys += [PRIMARY_RESOLVERS[dim.name](name) for name in wanted]
    else:
        known = {
            str(v)
            for (v,) in con.execute(
                "SELECT DISTINCT coalesce(vehicle_family, vehicle) FROM launches"
            ).fetchall()
            if v is not None
        }
        folded = {naming.fold(v): v for v in known}
        for name in wanted:
            match = folded.get(naming.fold(name))
            if match is None:
                raise UnknownNameError(dim.title, name, closest_names(name, sorted(known)))
            keys.append(match)
    return list(dict.fromkeys(keys))


def _day(bound: date | datetime | None) -> date | None:
    """The UTC day of a bound (a time bound keeps its time in the filter, its day here)."""
    return bound.date() if isinstance(bound, datetime) else bound
