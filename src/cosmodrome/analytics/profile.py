"""A launch site's story in numbers: cadence, outcomes, pads, vehicles, providers, customers.

A payload is *domestic* when its owner state (``payloads.owner_state``, the customer's
state) equals the state of the launch's provider (``launches.provider_state``), and
*foreign* otherwise. Baikonur's host country is Kazakhstan but its launches are provided by
Russian agencies, so a Russian payload launched there is domestic and an Angolan one foreign.

>>> from cosmodrome import api                                        # doctest: +SKIP
>>> with api.catalog() as con:                                        # doctest: +SKIP
...     p = api.site_profile(con, "Baikonur")
...     p.yearly.to_frame().tail(3)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from cosmodrome.analytics.common import (
    DIMENSIONS,
    PROVIDER_JOIN,
    PROVIDER_KEY_SQL,
    customer_join_sql,
    customer_names_sql,
    customer_sql,
    data_date,
    join_params,
    same_state_sql,
)
from cosmodrome.analytics.events import DEFAULT_EVENTS, EFFECT_COLUMNS, Event, compare_around
from cosmodrome.analytics.mix import MIX_COLUMNS, site_mixes
from cosmodrome.catalog import names
from cosmodrome.states import with_state_names
from cosmodrome.tables import Rows

FOREIGN_COLUMNS = [
    "era",
    "customer",
    "customer_name",
    "owner_state",
    "payloads",
    "launches",
    "first_launch",
    "last_launch",
]


@dataclass
class SiteProfile:
    """Every table of a site profile, each as :class:`~cosmodrome.tables.Rows` computed in
    DuckDB (``.to_frame()`` gives a pandas DataFrame for a chart or export)."""

    name: str
    sites: list[str]
    data_date: date
    totals: dict[str, Any]
    #: ``year``, ``launches``, ``successes``, ``failures``, ``payloads``,
    #: ``domestic_payloads``, ``foreign_payloads`` — every year from the first launch on.
    yearly: Rows
    by_pad: Rows
    by_family: Rows
    #: ``provider`` (the organisation: :mod:`~cosmodrome.analytics.common`),
    #: ``agency_name`` (its name), ``provider_state``, ``provider_state_name``, counts.
    by_provider: Rows
    #: ``year``, ``owner_state``, ``owner_state_name``, ``payloads``, ``domestic``.
    payloads_by_owner_state: Rows
    #: ``era``, ``customer``, ``customer_name``, ``owner_state``, ``owner_state_name``,
    #: ``payloads``, ``launches``, ``first_launch``, ``last_launch``.
    foreign_customers: Rows
    busiest_years: Rows
    events: list[Event] = field(default_factory=list)
    #: ``era``, ``group`` (sector), ``label``, ``launches`` (by primary payload),
    #: ``payloads``, ``launch_share``, ``payload_share`` (:mod:`~.mix`).
    sector_mix: Rows = field(default_factory=lambda: Rows(MIX_COLUMNS, []))
    #: the same by GCAT mission code (``label`` in words).
    mission_mix: Rows = field(default_factory=lambda: Rows(MIX_COLUMNS, []))
    #: before/after mean yearly cadence around each event (:func:`~.events.compare_around`).
    event_effects: Rows = field(default_factory=lambda: Rows(EFFECT_COLUMNS, []))

    def tables(self) -> dict[str, Rows]:
        """The profile's tables by name, for export (``--format json``) and reports."""
        return {
            "yearly": self.yearly,
            "by_pad": self.by_pad,
            "by_family": self.by_family,
            "by_provider": self.by_provider,
            "payloads_by_owner_state": self.payloads_by_owner_state,
            "foreign_customers": self.foreign_customers,
            "sector_mix": self.sector_mix,
            "mission_mix": self.mission_mix,
            "busiest_years": self.busiest_years,
            "event_effects": self.event_effects,
        }


def site_profile(
    con: duckdb.DuckDBPyConnection,
    site: str,
    *,
    events: Sequence[Event] = DEFAULT_EVENTS,
    window_years: int = 5,
    busiest: int = 5,
) -> SiteProfile:
    """Profile of the site called ``site`` (any name: ``Baikonur``, ``Tyuratam``, ``GIK-5``).

    ``events`` are marked and compared (mean yearly cadence ``window_years`` before and
    after, with 95 % Poisson intervals) where they concern the site (:meth:`Event.concerns`:
    the Russian events are not applied to Kennedy); ``busiest`` is how many top years to list.
    """
    ucodes = names.resolve_sites(con, site)
    end = date.fromisoformat(data_date(con))
    row = con.execute(
        """SELECT coalesce(list((time_utc AT TIME ZONE 'UTC')::DATE ORDER BY time_utc), []),
                  coalesce(list(DISTINCT provider_state) FILTER (WHERE provider_state
                                                                 IS NOT NULL), []),
                  string_agg(DISTINCT site_name, ' + ')
           FROM launches WHERE list_contains(?, site)""",
        [ucodes],
    ).fetchone()
    days, providers, display_name = row if row else ([], [], None)
    chosen = sorted((e for e in events if e.concerns(providers)), key=lambda e: e.day)
    yearly, owner_states = _yearly(con, ucodes, end)
    periods = eras(chosen, days[0], end) if days else []
    by_pad, by_family, by_provider = _breakdowns(con, ucodes)
    at = {c: i for i, c in enumerate(yearly.columns)}
    mixes = site_mixes(con, ucodes, periods)
    busiest_rows = sorted(yearly.rows, key=lambda r: (-r[at["launches"]], r[at["year"]]))
    return SiteProfile(
        name=display_name or site,
        sites=ucodes,
        data_date=end,
        totals=_totals(yearly, by_pad),
        yearly=yearly,
        by_pad=by_pad,
        by_family=by_family,
        by_provider=with_state_names(by_provider, "provider_state"),
        payloads_by_owner_state=with_state_names(owner_states, "owner_state"),
        foreign_customers=with_state_names(_foreign_customers(con, ucodes, periods), "owner_state"),
        busiest_years=Rows(yearly.columns, busiest_rows[:busiest]),
        events=chosen,
        event_effects=compare_around(days, chosen, data_end=end, window_years=window_years),
        sector_mix=mixes["sector"],
        mission_mix=mixes["mission"],
    )


#: Payloads of the sites in parameter 1, with the launch's attributes and ``domestic``.
SITE_PAYLOADS = f"""
    SELECT l.launch_tag, l.year, (l.time_utc AT TIME ZONE 'UTC')::DATE AS day, p.owner,
           coalesce(p.owner_state, '(unknown)') AS owner_state, l.provider_state,
           {same_state_sql()} AS domestic
    FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag
    WHERE list_contains(?, l.site)"""

#: Launches of the sites in parameter 1.
SITE_LAUNCHES = """
    SELECT launch_tag, (time_utc AT TIME ZONE 'UTC')::DATE AS day, year,
           coalesce(pad, '(unknown)') AS pad, coalesce(vehicle_family, vehicle) AS vehicle_family,
           provider_state, is_success, payload_count
    FROM launches WHERE list_contains(?, site)"""


def foreign_customers(
    con: duckdb.DuckDBPyConnection,
    site: str,
    start: date | None = None,
    end: date | None = None,
) -> Rows:
    """Foreign customers of a site between ``start`` and ``end`` (inclusive UTC days).

    One row per customer (owner organisation) and owner state: ``customer``,
    ``customer_name``, ``owner_state``, ``owner_state_name``, ``payloads``, ``launches``,
    ``first_launch``, ``last_launch``, most payloads first.
    """
    ucodes = names.resolve_sites(con, site)
    rows = Rows.fetched(
        con.execute(
            f"""SELECT f.customer, coalesce(n.name, f.customer) AS customer_name, f.owner_state,
                       payloads, launches, first_launch, last_launch
                FROM (SELECT {customer_sql()} AS customer, p.owner_state, count(*) AS payloads,
                             count(DISTINCT l.launch_tag) AS launches,
                             min(l.time_utc AT TIME ZONE 'UTC')::DATE AS first_launch,
                             max(l.time_utc AT TIME ZONE 'UTC')::DATE AS last_launch
                      FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag
                           {customer_join_sql(con)}
                      WHERE list_contains(?, l.site) AND NOT {same_state_sql()}
                        AND (?::DATE IS NULL OR (l.time_utc AT TIME ZONE 'UTC')::DATE >= ?::DATE)
                        AND (?::DATE IS NULL OR (l.time_utc AT TIME ZONE 'UTC')::DATE <= ?::DATE)
                      GROUP BY ALL) f
                LEFT JOIN {customer_names_sql(con)} n ON n.ucode = f.customer
                ORDER BY payloads DESC, f.customer""",
            [ucodes, start, start, end, end],
        )
    )
    return with_state_names(rows, "owner_state")


def _totals(yearly: Rows, by_pad: Rows) -> dict[str, Any]:
    totals: dict[str, Any] = {
        column: int(sum(yearly.column(column)))
        for column in ("launches", "successes", "failures", "payloads", "foreign_payloads")
    }
    totals["first_launch"] = min(by_pad.column("first_launch")) if len(by_pad) else None
    totals["last_launch"] = max(by_pad.column("last_launch")) if len(by_pad) else None
    return totals


YEARLY_COLUMNS = [
    "year",
    "launches",
    "successes",
    "failures",
    "payloads",
    "domestic_payloads",
    "foreign_payloads",
]


def _yearly(con: duckdb.DuckDBPyConnection, ucodes: list[str], end: date) -> tuple[Rows, Rows]:
    """Every year from the site's first launch to the data date, zeros included, and the
    payloads of each year per owner state (``year``, ``owner_state``, ``payloads``,
    ``domestic``), the second summed into the first: one query."""
    cursor = con.execute(
        f"""WITH l AS ({SITE_LAUNCHES}), p AS ({SITE_PAYLOADS}),
            po AS MATERIALIZED (
                SELECT year, owner_state, count(*) AS payloads,
                       count(*) FILTER (WHERE domestic) AS domestic_payloads,
                       bool_or(domestic) AS domestic
                FROM p GROUP BY ALL),
            years AS (SELECT unnest(range((SELECT min(year) FROM l), ? + 1))::INTEGER AS year),
            ly AS (SELECT year, count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes
                   FROM l GROUP BY year),
            py AS (SELECT year, sum(payloads) AS payloads, sum(domestic_payloads) AS domestic
                   FROM po GROUP BY year)
            SELECT 'year' AS kind, y.year, NULL AS owner_state,
                   coalesce(ly.launches, 0) AS launches, coalesce(ly.successes, 0) AS successes,
                   coalesce(ly.launches - ly.successes, 0) AS failures,
                   coalesce(py.payloads, 0)::BIGINT AS payloads,
                   coalesce(py.domestic, 0)::BIGINT AS domestic_payloads,
                   coalesce(py.payloads - py.domestic, 0)::BIGINT AS foreign_payloads,
                   NULL AS domestic
            FROM years y LEFT JOIN ly ON ly.year = y.year LEFT JOIN py ON py.year = y.year
            UNION ALL
            SELECT 'owner', year, owner_state, NULL, NULL, NULL, payloads, NULL, NULL, domestic
            FROM po
            ORDER BY kind DESC, year, payloads DESC, owner_state""",
        [ucodes, ucodes, end.year],
    )
    rows = cursor.fetchall()
    return (
        Rows(YEARLY_COLUMNS, [row[1:2] + row[3:9] for row in rows if row[0] == "year"]),
        Rows(
            ["year", "owner_state", "payloads", "domestic"],
            [(row[1], row[2], row[6], row[9]) for row in rows if row[0] == "owner"],
        ),
    )


#: Launch counts of a breakdown (alias ``l``).
COUNTS = """count(*) AS launches, count(*) FILTER (WHERE l.is_success) AS successes,
            count(*) FILTER (WHERE NOT l.is_success) AS failures,
            min(l.day) AS first_launch, max(l.day) AS last_launch"""


def _breakdowns(con: duckdb.DuckDBPyConnection, ucodes: list[str]) -> tuple[Rows, Rows, Rows]:
    """Launches per pad, per vehicle family and per provider (the organisation, named and
    stated as of its latest launch), most first, in one query."""
    cursor = con.execute(
        f"""WITH l AS MATERIALIZED (
                SELECT (l.time_utc AT TIME ZONE 'UTC')::DATE AS day, l.time_utc,
                       coalesce(l.pad, '(unknown)') AS pad,
                       coalesce(l.vehicle_family, l.vehicle) AS vehicle_family,
                       {PROVIDER_KEY_SQL} AS provider,
                       coalesce(pe.plabel, l.agency_name, l.agency) AS agency_name,
                       l.provider_state, l.is_success
                FROM launches l {PROVIDER_JOIN} WHERE list_contains(?, l.site))
            SELECT 'pad' AS kind, pad AS key, NULL AS name, NULL AS state, {COUNTS}
            FROM l GROUP BY pad
            UNION ALL
            SELECT 'vehicle_family', vehicle_family, NULL, NULL, {COUNTS}
            FROM l GROUP BY vehicle_family
            UNION ALL
            SELECT 'provider', provider, arg_max(agency_name, time_utc),
                   arg_max(provider_state, time_utc), {COUNTS}
            FROM l GROUP BY provider
            ORDER BY kind, launches DESC, key""",
        [*join_params(con, DIMENSIONS["provider"]), ucodes],
    )
    rows = cursor.fetchall()
    counts = ["launches", "successes", "failures", "first_launch", "last_launch"]

    def kind(name: str, columns: list[str]) -> Rows:
        width = len(columns) - len(counts)
        return Rows(columns, [(*row[1 : 1 + width], *row[4:]) for row in rows if row[0] == name])

    return (
        kind("pad", ["pad", *counts]),
        kind("vehicle_family", ["vehicle_family", *counts]),
        kind("provider", ["provider", "agency_name", "provider_state", *counts]),
    )


def eras(events: Sequence[Event], first: date, end: date) -> list[tuple[str, date, date]]:
    """Periods between the events inside ``first``..``end``: ``(label, from_day, to_day)``."""
    cuts = [e.day for e in events if first < e.day <= end]
    bounds = [first, *cuts, end + timedelta(days=1)]
    return [
        (f"{a.isoformat()} to {(b - timedelta(days=1)).isoformat()}", a, b - timedelta(days=1))
        for a, b in itertools.pairwise(bounds)
    ]


def _foreign_customers(
    con: duckdb.DuckDBPyConnection, ucodes: list[str], periods: list[tuple[str, date, date]]
) -> Rows:
    """Foreign customers of the sites per era (``periods``: :func:`eras`)."""
    if not periods:
        return Rows(FOREIGN_COLUMNS, [])
    return Rows.fetched(
        con.execute(
            f"""SELECT (?)[era_index] AS era, f.customer,
                       coalesce(n.name, f.customer) AS customer_name, owner_state,
                       count(*) AS payloads, count(DISTINCT launch_tag) AS launches,
                       min(day) AS first_launch, max(day) AS last_launch
                FROM (SELECT sp.*, {customer_sql("sp")} AS customer,
                             len(list_filter(?, lambda s: s <= day)) AS era_index
                      FROM ({SITE_PAYLOADS}) sp {customer_join_sql(con, "sp")}
                      WHERE NOT domestic) f
                LEFT JOIN {customer_names_sql(con)} n ON n.ucode = f.customer
                GROUP BY era_index, f.customer, n.name, owner_state
                ORDER BY era_index, payloads DESC, f.customer""",
            [[label for label, _, _ in periods], [start for _, start, _ in periods], ucodes],
        )
    )
