"""A launch site's story in numbers: cadence, outcomes, pads, vehicles, providers, customers.

A payload is *domestic* when its owner state (``payloads.owner_state``, the customer's
state) equals the state of the launch's provider (``launches.provider_state``), and
*foreign* otherwise. Baikonur's host country is Kazakhstan but its launches are provided by
Russian agencies, so a Russian payload launched there is domestic and an Angolan one foreign.

>>> from cosmodrome import api                                        # doctest: +SKIP
>>> with api.catalog() as con:                                        # doctest: +SKIP
...     p = api.site_profile(con, "Baikonur")
...     p.yearly.tail(3)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.analytics.common import (
    CUSTOMER_NAMES,
    customer_join_sql,
    customer_names,
    customer_sql,
    data_date,
    same_state_sql,
)
from cosmodrome.analytics.events import DEFAULT_EVENTS, Event, compare_around
from cosmodrome.analytics.mix import site_mix
from cosmodrome.catalog import names
from cosmodrome.states import with_state_names
from cosmodrome.tables import as_dates


@dataclass
class SiteProfile:
    """Every table of a site profile; each is a pandas DataFrame ready for a chart or export."""

    name: str
    sites: list[str]
    data_date: date
    totals: dict[str, Any]
    #: ``year``, ``launches``, ``successes``, ``failures``, ``payloads``,
    #: ``domestic_payloads``, ``foreign_payloads`` — every year from the first launch on.
    yearly: pd.DataFrame
    by_pad: pd.DataFrame
    by_family: pd.DataFrame
    by_provider: pd.DataFrame
    #: ``year``, ``owner_state``, ``payloads``, ``domestic``.
    payloads_by_owner_state: pd.DataFrame
    #: ``era``, ``customer``, ``customer_name``, ``owner_state``, ``payloads``, ``launches``,
    #: ``first_launch``, ``last_launch``.
    foreign_customers: pd.DataFrame
    busiest_years: pd.DataFrame
    events: list[Event] = field(default_factory=list)
    #: ``era``, ``group`` (sector), ``label``, ``launches`` (by primary payload),
    #: ``payloads``, ``launch_share``, ``payload_share`` (:mod:`~.mix`).
    sector_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the same by GCAT mission code (``label`` in words).
    mission_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: before/after mean yearly cadence around each event (:func:`~.events.compare_around`).
    event_effects: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
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
    providers = [
        state
        for (state,) in con.execute(
            "SELECT DISTINCT provider_state FROM launches WHERE list_contains(?, site) "
            "AND provider_state IS NOT NULL",
            [ucodes],
        ).fetchall()
    ]
    chosen = sorted((e for e in events if e.concerns(providers)), key=lambda e: e.day)
    days = [
        pd.Timestamp(d).date()
        for (d,) in con.execute(
            "SELECT (time_utc AT TIME ZONE 'UTC')::DATE FROM launches WHERE list_contains(?, site)",
            [ucodes],
        ).fetchall()
    ]
    yearly = _yearly(con, ucodes, end)
    periods = eras(chosen, min(days), end) if days else []
    by_pad = _breakdown(con, ucodes, ["pad"])
    return SiteProfile(
        name=_display_name(con, site, ucodes),
        sites=ucodes,
        data_date=end,
        totals=_totals(yearly, by_pad),
        yearly=yearly,
        by_pad=by_pad,
        by_family=_breakdown(con, ucodes, ["vehicle_family"]),
        by_provider=with_state_names(
            _breakdown(con, ucodes, ["provider", "agency_name", "provider_state"]),
            "provider_state",
        ),
        payloads_by_owner_state=with_state_names(_owner_states(con, ucodes), "owner_state"),
        foreign_customers=with_state_names(
            _foreign_customers(con, ucodes, chosen, end), "owner_state"
        ),
        busiest_years=yearly.sort_values(["launches", "year"], ascending=[False, True])
        .head(busiest)
        .reset_index(drop=True),
        events=chosen,
        event_effects=compare_around(days, chosen, data_end=end, window_years=window_years),
        sector_mix=site_mix(con, ucodes, periods, "sector"),
        mission_mix=site_mix(con, ucodes, periods, "mission"),
    )


#: Payloads of the sites in parameter 1, with the launch's attributes and ``domestic``.
SITE_PAYLOADS = f"""
    SELECT l.launch_tag, l.year, (l.time_utc AT TIME ZONE 'UTC')::DATE AS day, p.owner,
           coalesce(p.owner_state, '(unknown)') AS owner_state, l.provider_state,
           {customer_sql()} AS customer,
           {same_state_sql()} AS domestic
    FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag {customer_join_sql()}
    WHERE list_contains(?, l.site)"""

#: Launches of the sites in parameter 1.
SITE_LAUNCHES = """
    SELECT launch_tag, (time_utc AT TIME ZONE 'UTC')::DATE AS day, year,
           coalesce(pad, '(unknown)') AS pad, coalesce(vehicle_family, vehicle) AS vehicle_family,
           split_part(agency, '/', 1) AS provider, coalesce(agency_name, agency) AS agency_name,
           provider_state, is_success, payload_count
    FROM launches WHERE list_contains(?, site)"""


def foreign_customers(
    con: duckdb.DuckDBPyConnection,
    site: str,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Foreign customers of a site between ``start`` and ``end`` (inclusive UTC days).

    One row per customer (owner organisation) and owner state: ``customer``,
    ``customer_name``, ``owner_state``, ``payloads``, ``launches``, ``first_launch``,
    ``last_launch``, most payloads first.
    """
    ucodes = names.resolve_sites(con, site)
    frame = con.execute(
        f"""SELECT {customer_sql()} AS customer, p.owner_state, count(*) AS payloads,
                   count(DISTINCT l.launch_tag) AS launches,
                   min(l.time_utc AT TIME ZONE 'UTC')::DATE AS first_launch,
                   max(l.time_utc AT TIME ZONE 'UTC')::DATE AS last_launch
            FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag {customer_join_sql()}
            WHERE list_contains(?, l.site) AND NOT {same_state_sql()}
              AND (?::DATE IS NULL OR (l.time_utc AT TIME ZONE 'UTC')::DATE >= ?::DATE)
              AND (?::DATE IS NULL OR (l.time_utc AT TIME ZONE 'UTC')::DATE <= ?::DATE)
            GROUP BY ALL ORDER BY payloads DESC, customer""",
        [ucodes, start, start, end, end],
    ).df()
    label = customer_names(con)
    frame.insert(1, "customer_name", [label.get(c, c) for c in frame["customer"]])
    for column in ("first_launch", "last_launch"):
        frame[column] = [pd.Timestamp(d).date() for d in frame[column]]
    return with_state_names(frame, "owner_state")


def _display_name(con: duckdb.DuckDBPyConnection, asked: str, sites: list[str]) -> str:
    row = con.execute(
        "SELECT string_agg(DISTINCT site_name, ' + ') FROM launches WHERE list_contains(?, site)",
        [sites],
    ).fetchone()
    return str(row[0]) if row and row[0] else asked


def _totals(yearly: pd.DataFrame, by_pad: pd.DataFrame) -> dict[str, Any]:
    totals: dict[str, Any] = {
        column: int(yearly[column].sum())
        for column in ("launches", "successes", "failures", "payloads", "foreign_payloads")
    }
    totals["first_launch"] = min(by_pad["first_launch"]) if len(by_pad) else None
    totals["last_launch"] = max(by_pad["last_launch"]) if len(by_pad) else None
    return totals


def _yearly(con: duckdb.DuckDBPyConnection, ucodes: list[str], end: date) -> pd.DataFrame:
    """Every year from the site's first launch to the data date, zeros included."""
    return con.execute(
        f"""WITH l AS ({SITE_LAUNCHES}), p AS ({SITE_PAYLOADS}),
            years AS (SELECT unnest(range((SELECT min(year) FROM l), ? + 1))::INTEGER AS year),
            ly AS (SELECT year, count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes
                   FROM l GROUP BY year),
            py AS (SELECT year, count(*) AS payloads, count(*) FILTER (WHERE domestic) AS domestic
                   FROM p GROUP BY year)
            SELECT y.year, coalesce(ly.launches, 0) AS launches,
                   coalesce(ly.successes, 0) AS successes,
                   coalesce(ly.launches - ly.successes, 0) AS failures,
                   coalesce(py.payloads, 0) AS payloads, coalesce(py.domestic, 0) AS domestic_payloads,
                   coalesce(py.payloads - py.domestic, 0) AS foreign_payloads
            FROM years y LEFT JOIN ly ON ly.year = y.year LEFT JOIN py ON py.year = y.year
            ORDER BY y.year""",
        [ucodes, ucodes, end.year],
    ).df()


def _breakdown(con: duckdb.DuckDBPyConnection, ucodes: list[str], keys: list[str]) -> pd.DataFrame:
    columns = ", ".join(keys)
    frame = con.execute(
        f"""SELECT {columns}, count(*) AS launches, count(*) FILTER (WHERE is_success) AS successes,
                   count(*) FILTER (WHERE NOT is_success) AS failures,
                   min(day) AS first_launch, max(day) AS last_launch
            FROM ({SITE_LAUNCHES}) GROUP BY {columns} ORDER BY launches DESC, {keys[0]}""",
        [ucodes],
    ).df()
    return as_dates(frame, "first_launch", "last_launch")


def _owner_states(con: duckdb.DuckDBPyConnection, ucodes: list[str]) -> pd.DataFrame:
    return con.execute(
        f"""SELECT year, owner_state, count(*) AS payloads, bool_or(domestic) AS domestic
            FROM ({SITE_PAYLOADS}) GROUP BY ALL ORDER BY year, payloads DESC, owner_state""",
        [ucodes],
    ).df()


def eras(events: Sequence[Event], first: date, end: date) -> list[tuple[str, date, date]]:
    """Periods between the events inside ``first``..``end``: ``(label, from_day, to_day)``."""
    cuts = [e.day for e in events if first < e.day <= end]
    bounds = [first, *cuts, end + timedelta(days=1)]
    return [
        (f"{a.isoformat()} to {(b - timedelta(days=1)).isoformat()}", a, b - timedelta(days=1))
        for a, b in itertools.pairwise(bounds)
    ]


def _foreign_customers(
    con: duckdb.DuckDBPyConnection,
    ucodes: list[str],
    events: Sequence[Event],
    end: date,
) -> pd.DataFrame:
    row = con.execute(f"SELECT min(day) FROM ({SITE_LAUNCHES})", [ucodes]).fetchone()
    if not row or row[0] is None:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="object")
                for c in (
                    "era",
                    "customer",
                    "customer_name",
                    "owner_state",
                    "payloads",
                    "launches",
                    "first_launch",
                    "last_launch",
                )
            }
        )
    periods = eras(events, pd.Timestamp(row[0]).date(), end)
    frame = con.execute(
        f"""SELECT (?)[era_index] AS era, f.customer, coalesce(n.name, f.customer) AS customer_name,
                   owner_state, count(*) AS payloads, count(DISTINCT launch_tag) AS launches,
                   min(day) AS first_launch, max(day) AS last_launch
            FROM (SELECT *, len(list_filter(?, lambda s: s <= day)) AS era_index
                  FROM ({SITE_PAYLOADS}) WHERE NOT domestic) f
            LEFT JOIN ({CUSTOMER_NAMES}) n ON n.ucode = f.customer
            GROUP BY era_index, f.customer, n.name, owner_state
            ORDER BY era_index, payloads DESC, f.customer""",
        [[label for label, _, _ in periods], [start for _, start, _ in periods], ucodes],
    ).df()
    return as_dates(frame, "first_launch", "last_launch")
