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

import duckdb
import pandas as pd

from cosmodrome import naming
from cosmodrome.analytics.common import (
    SITE_GROUP_JOIN,
    Dimension,
    check_period,
    data_date,
    dimension,
    filter_sql,
    label_states,
    period_label,
    period_start_sql,
    site_groups,
    with_dates,
)
from cosmodrome.catalog import names
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.catalog.regimes import resolve_regime
from cosmodrome.catalog.sectors import resolve_mission, resolve_sector
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import closest_names
from cosmodrome.states import organisation_label, resolve_state
from cosmodrome.tables import as_dates

CADENCE_COLUMNS = ["period", "period_start", "group", "label", "launches", "payloads"]
SHARE_COLUMNS = [
    *CADENCE_COLUMNS,
    "world_launches",
    "world_payloads",
    "launch_share",
    "payload_share",
]
OTHER = "(other)"
PRIMARY_RESOLVERS = {
    "owner-sector": resolve_sector,
    "mission": resolve_mission,
    "orbit-regime": resolve_regime,
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
) -> pd.DataFrame:
    """Launches and payloads per period and group, with zeros for quiet periods.

    ``by`` is one of ``site``, ``provider``, ``provider-state``, ``vehicle-family``,
    ``owner-state``, ``owner-sector``, ``mission`` or ``orbit-regime``; ``period`` one of ``year``, ``quarter``, ``month`` (UTC). ``only`` keeps
    the named groups (names people use: ``Baikonur``, ``SpaceX``, ``RU``, ``Falcon9``);
    ``start`` and ``end`` (inclusive UTC days) and ``where`` restrict the launches counted.
    ``top`` keeps the ``top`` busiest groups and adds the rest as one ``(other)`` group.

    Returns one row per period and group: ``period`` (``2022``, ``2022-Q1``, ``2022-03``),
    ``period_start`` (first UTC day), ``group`` (a code), ``label`` (its display name),
    ``launches`` and ``payloads``. Periods run from ``start`` (else the first launch
    counted) to ``end`` (else the catalog's data date).
    """
    dim = dimension(by)
    check_period(period)
    f = with_dates(where, start, end)
    sites = site_mapping(con, only if dim.name == "site" else None)
    wanted = resolve_groups(con, dim, only, sites) if only else None
    frame = _grouped(con, dim, period, f, sites)
    if wanted is not None:
        frame = frame[frame["group"].isin(wanted)]
    if top is not None:
        frame = _lump(frame, top)
    return _fill(con, frame, period, f, wanted, dict(zip(sites[1], sites[2], strict=True)))


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
) -> pd.DataFrame:
    """Each group's share of the world's launches and payloads per period.

    The same rows as :func:`cadence` plus the world totals of the period (every launch that
    passes ``start``, ``end`` and ``where``, whatever its group) and ``launch_share`` and
    ``payload_share``: fractions of those totals, between 0 and 1. Without ``only`` the shares
    of a period sum to 1; a period without any launch has no share (NaN).

    >>> share(con, by="provider-state", start=date(2015, 1, 1), top=5)   # doctest: +SKIP
    """
    frame = cadence(con, by, period, only=only, start=start, end=end, where=where, top=top)
    world = world_totals(con, period, with_dates(where, start, end))
    frame = frame.merge(world, on="period_start", how="left")
    frame[["world_launches", "world_payloads"]] = frame[
        ["world_launches", "world_payloads"]
    ].fillna(0)
    frame["world_launches"] = frame["world_launches"].astype("int64")
    frame["world_payloads"] = frame["world_payloads"].astype("int64")
    frame["launch_share"] = frame["launches"] / frame["world_launches"].where(
        frame["world_launches"] > 0
    )
    frame["payload_share"] = frame["payloads"] / frame["world_payloads"].where(
        frame["world_payloads"] > 0
    )
    return frame[SHARE_COLUMNS]


def world_totals(
    con: duckdb.DuckDBPyConnection, period: str, where: LaunchFilter | None = None
) -> pd.DataFrame:
    """Launches and payloads of the whole world per period: ``period_start``, ``world_*``."""
    condition, params = filter_sql(con, where)
    world = con.execute(
        f"""SELECT {period_start_sql(period)} AS period_start, count(*) AS world_launches,
                   sum(l.payload_count)::BIGINT AS world_payloads
            FROM launches l WHERE {condition} GROUP BY ALL ORDER BY 1""",
        params,
    ).df()
    return as_dates(world, "period_start")


SiteMapping = tuple[list[str], list[str], list[str]]


def site_mapping(
    con: duckdb.DuckDBPyConnection, wanted: Sequence[str] | None = None
) -> SiteMapping:
    """Site groups (:func:`site_groups`), where every site a wanted name resolves to joins
    one group under that name."""
    ucodes, keys, labels = site_groups(con)
    key_of = dict(zip(ucodes, keys, strict=True))
    label_of = dict(zip(keys, labels, strict=True))
    extra: dict[str, tuple[str, str]] = {}
    for name in wanted or ():
        resolved = names.resolve_sites(con, name)
        key = next((key_of[u] for u in resolved if u in key_of), resolved[0])
        label = label_of.get(key, name)
        for ucode in resolved:
            extra[ucode] = (key, label)
    merged = {u: (k, label_of[k]) for u, k in key_of.items()} | extra
    return list(merged), [k for k, _ in merged.values()], [lb for _, lb in merged.values()]


def resolve_groups(
    con: duckdb.DuckDBPyConnection,
    dim: Dimension,
    wanted: Sequence[str],
    sites: SiteMapping | None = None,
) -> list[str]:
    """Group keys of ``dim`` for names people use; unknown names raise with suggestions."""
    keys: list[str] = []
    if dim.name == "site":
        ucodes, group_keys, _ = sites or site_mapping(con, wanted)
        key_of = dict(zip(ucodes, group_keys, strict=True))
        for name in wanted:
            keys += [key_of.get(u, u) for u in names.resolve_sites(con, name)]
    elif dim.name == "provider":
        for name in wanted:
            keys += [a.split("/")[0] for a in names.resolve_agencies(con, name)]
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


def _grouped(
    con: duckdb.DuckDBPyConnection,
    dim: Dimension,
    period: str,
    f: LaunchFilter,
    sites: SiteMapping,
) -> pd.DataFrame:
    condition, params = filter_sql(con, f)
    site_params = list(sites) if dim.name == "site" else []
    join = SITE_GROUP_JOIN if dim.name == "site" else ""
    if dim.level == "primary":
        sql = f"""SELECT {period_start_sql(period)} AS period_start, {dim.key_sql} AS "group",
                         {dim.label_sql} AS label, count(*) FILTER (WHERE p.is_primary) AS launches,
                         count(*)::BIGINT AS payloads
                  FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag
                  WHERE {condition} GROUP BY 1, 2"""
    elif dim.level == "payload":
        sql = f"""SELECT {period_start_sql(period)} AS period_start, {dim.key_sql} AS "group",
                         {dim.label_sql} AS label, sum(1.0 / l.payload_count) AS launches,
                         count(*)::BIGINT AS payloads
                  FROM launches l JOIN payloads p ON p.launch_tag = l.launch_tag
                  WHERE {condition} GROUP BY 1, 2"""
    else:
        sql = f"""SELECT {period_start_sql(period)} AS period_start, {dim.key_sql} AS "group",
                         {dim.label_sql} AS label, count(*)::BIGINT AS launches,
                         sum(l.payload_count)::BIGINT AS payloads,
                         any_value(l.provider_state) AS provider_state
                  FROM launches l {join} WHERE {condition} GROUP BY 1, 2"""
    frame = con.execute(sql, site_params + params).df()
    as_dates(frame, "period_start")
    frame["group"] = frame["group"].fillna("(unknown)")
    frame["label"] = frame["label"].fillna(frame["group"])
    label_states(frame, dim)
    if dim.name == "provider":
        frame["label"] = [
            organisation_label(label, state)
            for label, state in zip(frame["label"], frame["provider_state"], strict=True)
        ]
    return frame.drop(columns=["provider_state"], errors="ignore")


def _lump(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """Keep the ``top`` groups with most launches overall; sum the others into ``(other)``."""
    totals = frame.groupby("group")["launches"].sum().sort_values(ascending=False, kind="stable")
    keep = set(totals.index[: max(top, 0)])
    rest = frame[~frame["group"].isin(keep)]
    if rest.empty:
        return frame
    other = rest.groupby("period_start", as_index=False)[["launches", "payloads"]].sum()
    other["group"] = OTHER
    other["label"] = "other"
    return pd.concat([frame[frame["group"].isin(keep)], other], ignore_index=True)


def _fill(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    period: str,
    f: LaunchFilter,
    wanted: list[str] | None,
    default_labels: dict[str, str],
) -> pd.DataFrame:
    """Every period from start to end for every group, zeros where nothing flew; sorted."""
    first = _day(f.start) or (min(frame["period_start"]) if len(frame) else None)
    last = _day(f.end) or date.fromisoformat(data_date(con))
    if first is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CADENCE_COLUMNS})
    freq = {"year": "YS", "quarter": "QS", "month": "MS"}[period]
    starts = [d.date() for d in pd.date_range(_period_floor(first, period), last, freq=freq)]
    labels = frame.groupby("group")["label"].first().to_dict()
    groups = list(wanted) if wanted is not None else []
    groups += [str(g) for g in labels if g not in groups]
    labels = {g: default_labels.get(g, g) for g in groups} | labels
    grid = pd.MultiIndex.from_product([starts, groups], names=["period_start", "group"])
    counts = frame.groupby(["period_start", "group"])[["launches", "payloads"]].sum()
    full = counts.reindex(grid, fill_value=0).reset_index()
    full["label"] = full["group"].map(labels)
    full["period"] = [period_label(period, d) for d in full["period_start"]]
    order = {g: i for i, g in enumerate(_ordered_groups(full))}
    full = full.sort_values(
        ["period_start", "group"], key=lambda s: s.map(order) if s.name == "group" else s
    )
    return full[CADENCE_COLUMNS].reset_index(drop=True)


def _period_floor(day: date, period: str) -> date:
    if period == "year":
        return date(day.year, 1, 1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def _ordered_groups(frame: pd.DataFrame) -> list[str]:
    """Busiest group first, ``(other)`` last."""
    totals = frame.groupby("group")["launches"].sum().sort_values(ascending=False, kind="stable")
    ordered = [str(g) for g in totals.index if g != OTHER]
    return ordered + ([OTHER] if OTHER in totals.index else [])
