"""Pieces every analysis shares: grouping dimensions, periods, spaceport and customer keys.

The analyses read the catalog through SQL on a read-only connection; nothing here writes
to the database or registers objects on the connection, so one connection can serve
several analyses (and threads) at once.

Attribution is explicit everywhere:

* a launch's **provider** is its GCAT agency (``launches.agency``) and that agency's state
  (``launches.provider_state``);
* a payload's **customer** is its owner (``payloads.owner``) and owner state
  (``payloads.owner_state``); owners are grouped into one customer by the organisation's
  ``ucode`` (``ONEWEB``, ``ONEWEBN`` and ``ONEWEBE`` are one customer, One Web).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb

from cosmodrome.catalog import names
from cosmodrome.catalog.db import meta
from cosmodrome.catalog.queries import LaunchFilter, where_launches
from cosmodrome.catalog.sectors import mission_label_sql
from cosmodrome.catalog.summaries import summary
from cosmodrome.errors import InputError
from cosmodrome.states import gcat_state, state_label, state_name

PERIODS = ("year", "quarter", "month")
SOURCE_LINE = "Data: GCAT, J. McDowell, CC BY 4.0"


@dataclass(frozen=True)
class Dimension:
    """A way to group launches: SQL for its key and label, and its level."""

    name: str
    key_sql: str
    #: SQL aggregate giving the group's display name.
    label_sql: str
    #: ``launch`` dimensions are attributes of the launch; ``payload`` ones of each payload
    #: (a launch is shared between its payloads' groups); ``primary`` ones of each payload,
    #: with the launch counted whole in its primary payload's group.
    level: str
    title: str
    #: A join the key needs (its parameters from :func:`join_params`), or none.
    join: str = ""


PROVIDER_JOIN = (
    "LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS pkey, "
    "unnest(?::VARCHAR[]) AS plabel) pe ON pe.code = split_part(l.agency, '/', 1)"
)
"""A join giving each launch ``pe.pkey`` and ``pe.plabel``, its provider
(:func:`cosmodrome.catalog.names.provider_entities`); parameters from :func:`join_params`."""

SITE_GROUP_JOIN = (
    "LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS ucode, unnest(?::VARCHAR[]) AS gkey, "
    "unnest(?::VARCHAR[]) AS glabel) sg ON sg.ucode = l.site"
)
"""A join giving each launch ``sg.gkey`` and ``sg.glabel``: sites joined into one group
under a name asked for (parameters: three lists, sites, keys, labels)."""

#: SQL of a launch's provider key (alias ``l``, with :data:`PROVIDER_JOIN`).
PROVIDER_KEY_SQL = "coalesce(pe.pkey, split_part(l.agency, '/', 1))"
#: SQL aggregate of a provider's display name: the curated name, else the latest agency name.
PROVIDER_LABEL_SQL = "coalesce(any_value(pe.plabel), arg_max(l.agency_name, l.time_utc))"

DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension(
            "site",
            "coalesce(sg.gkey, l.site)",
            "any_value(coalesce(sg.glabel, l.site_name, l.site))",
            "launch",
            "launch site",
            SITE_GROUP_JOIN,
        ),
        Dimension(
            "provider",
            PROVIDER_KEY_SQL,
            PROVIDER_LABEL_SQL,
            "launch",
            "provider (launch organisation)",
            PROVIDER_JOIN,
        ),
        Dimension(
            "agency",
            "split_part(l.agency, '/', 1)",
            # The code beside the name: GCAT's codes of one organisation share its name
            # (ULAB and ULAL are both United Launch Alliance).
            "arg_max(l.agency_name, l.time_utc) || ' ('"
            " || any_value(split_part(l.agency, '/', 1)) || ')'",
            "launch",
            "launch agency (GCAT code)",
        ),
        Dimension(
            "provider-state",
            "l.provider_state",
            "any_value(l.provider_state)",
            "launch",
            "provider state",
        ),
        Dimension(
            "vehicle-family",
            "coalesce(l.vehicle_family, l.vehicle)",
            "any_value(coalesce(l.vehicle_family, l.vehicle))",
            "launch",
            "vehicle family",
        ),
        Dimension(
            "owner-state",
            "p.owner_state",
            "any_value(p.owner_state)",
            "payload",
            "payload owner state",
        ),
        Dimension(
            "owner-sector",
            "p.sector",
            "any_value(p.sector)",
            "primary",
            "payload owner sector",
        ),
        Dimension(
            "mission", "p.mission", f"any_value({mission_label_sql()})", "primary", "mission"
        ),
        Dimension(
            "orbit-regime", "p.orbit_regime", "any_value(p.orbit_regime)", "primary", "orbit regime"
        ),
    )
}


def join_params(
    con: duckdb.DuckDBPyConnection, dim: Dimension, sites: SiteMapping | None = None
) -> list[Any]:
    """The parameters of ``dim.join``: the provider mapping, or the site groups (each
    site its own group unless ``sites`` joins some)."""
    if dim.join == PROVIDER_JOIN:
        entities = names.provider_entities(con)
        return [
            list(entities),
            [k for k, _ in entities.values()],
            [lb for _, lb in entities.values()],
        ]
    if dim.join == SITE_GROUP_JOIN:
        return list(sites) if sites is not None else [[], [], []]
    return []


SiteMapping = tuple[list[str], list[str], list[str]]


StateNames = tuple[list[str], list[str | None], list[str | None], list[str]]


def state_names(con: duckdb.DuckDBPyConnection) -> StateNames:
    """Every state code of the catalog's providers and owners with its label (``France
    (F)``), the country an organisation of it is named with (``None`` where it is itself an
    organisation: ``Arianespace (France)`` but ``European Space Agency``) and its name
    (``France``), once per catalog: four parallel lists for a SQL join, so an answer names
    its rows in the query."""

    def derive() -> StateNames:
        codes = [
            str(code)
            for (code,) in con.execute(
                "SELECT provider_state FROM launches WHERE provider_state IS NOT NULL UNION "
                "SELECT owner_state FROM payloads WHERE owner_state IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        countries = [
            None if gcat_state(code).kind == "organisation" else state_name(code) for code in codes
        ]
        words = [state_name(code) or code for code in codes]
        return codes, [state_label(code) for code in codes], countries, words

    return names.per_catalog(con, "state names", derive)


def dimension(name: str) -> Dimension:
    """The dimension called ``name`` (``provider_state`` and ``provider-state`` both work)."""
    key = name.strip().lower().replace("_", "-")
    if key not in DIMENSIONS:
        raise InputError(f"cannot group by {name!r}; choose one of {', '.join(DIMENSIONS)}")
    return DIMENSIONS[key]


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise InputError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")
    return period


def period_start_sql(period: str, column: str = "l.time_utc") -> str:
    """SQL for the first UTC day of the period holding ``column`` (a TIMESTAMPTZ); a
    launch's year is its stored UTC ``year`` (no time zone arithmetic per row)."""
    if period == "year" and column == "l.time_utc":
        return "make_date(l.year, 1, 1)"
    return f"date_trunc('{check_period(period)}', {column} AT TIME ZONE 'UTC')::DATE"


def period_label(period: str, start: date) -> str:
    """``2022``, ``2022-Q1`` or ``2022-03`` for the period that begins on ``start``."""
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def customer_sql(alias: str = "p") -> str:
    """SQL (on payload alias ``p``) for the customer key: the owner organisation's ``ucode``.

    A compound owner such as ``NRO/SAFSP`` is attributed to its first organisation.
    """
    return f"coalesce(oc.ucode, split_part({alias}.owner, '/', 1))"


def customer_join_sql(con: duckdb.DuckDBPyConnection, alias: str = "p") -> str:
    """A join giving ``oc.ucode`` for each payload's owner organisation."""
    codes = summary(con, "customer_codes")
    return f"LEFT JOIN (SELECT * FROM {codes}) oc ON oc.code = split_part({alias}.owner, '/', 1)"


def customer_names_sql(con: duckdb.DuckDBPyConnection) -> str:
    """A subquery giving each customer ``ucode`` its display ``name`` (the build stores them:
    :mod:`cosmodrome.catalog.summaries`)."""
    return f"(SELECT * FROM {summary(con, 'customer_names')})"


def filter_sql(con: duckdb.DuckDBPyConnection, f: LaunchFilter | None) -> tuple[str, list[Any]]:
    """The catalog's own launch filter (alias ``l``), so analyses and listings agree, for
    launches from Earth only: GCAT's ``other`` class (ascents from the Moon) is no part of
    any launch market or cadence."""
    condition, params = where_launches(con, f or LaunchFilter())
    return f"({condition}) AND {FROM_EARTH_SQL}", params


#: Launches from Earth (orbital and deep-space), alias ``l``.
FROM_EARTH_SQL = "l.orbit_class <> 'other'"


def state_lineage_sql(column: str) -> str:
    """SQL mapping a state code to its lineage, so the Soviet Union (``SU``) and Russia
    (``RU``) count as one state when payloads are split into domestic and foreign."""
    return f"(CASE WHEN {column} = 'SU' THEN 'RU' ELSE {column} END)"


def same_state_sql(owner: str = "p.owner_state", provider: str = "l.provider_state") -> str:
    """SQL true when a payload's owner state is the launch provider's (``SU`` = ``RU``)."""
    return f"coalesce({state_lineage_sql(owner)} = {state_lineage_sql(provider)}, false)"


def data_date(con: duckdb.DuckDBPyConnection) -> str:
    """The catalog's data date (latest launch), ``meta`` key ``data_date``; read once per
    catalog version."""
    return names.per_catalog(con, "data date", lambda: meta(con).get("data_date", "unknown"))


def source_line(con: duckdb.DuckDBPyConnection) -> str:
    """The credit line every chart and report carries, with the data date."""
    return f"{SOURCE_LINE}; data to {data_date(con)}"


def with_dates(
    where: LaunchFilter | None, start: date | datetime | None, end: date | datetime | None
) -> LaunchFilter:
    """``where`` (or no filter) with ``start`` and ``end`` where they are given."""
    f = where or LaunchFilter()
    if start is not None or end is not None:
        f = replace(
            f, start=start if start is not None else f.start, end=end if end is not None else f.end
        )
    return f
