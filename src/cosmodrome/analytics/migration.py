"""Customer migration: where the customers of a group of providers went after a cutoff.

A *customer* is a payload owner organisation (owners sharing a GCAT ``ucode`` are one
customer: ``ONEWEB``, ``ONEWEBN`` and ``ONEWEBE`` are One Web). The *selection* names the
launches of interest — by provider state, provider (agency), launch site or vehicle — and
the analysis takes every customer with a payload on a selected launch in the window before
the cutoff (default five years), then follows all of that customer's payloads launched
from the cutoff on, whoever launched them.

Each customer gets a status:

* ``stayed`` — every payload after the cutoff flew on a selected launch;
* ``moved`` — payloads flew after the cutoff, none on a selected launch;
* ``split`` — some on selected launches, some elsewhere;
* ``none since`` — no payload launched since the cutoff.

>>> from cosmodrome import api                                             # doctest: +SKIP
>>> with api.catalog() as con:                                             # doctest: +SKIP
...     m = api.customer_migration(con, date(2022, 2, 24), vehicles=["Soyuz"])
...     m.flows[m.flows.customer == "ONEWEB"]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.analytics.common import (
    CUSTOMER_NAMES,
    customer_join_sql,
    customer_sql,
    data_date,
)
from cosmodrome.analytics.events import years_before
from cosmodrome.catalog import names
from cosmodrome.errors import InputError
from cosmodrome.states import codes_within, resolve_states, state_name, with_state_names
from cosmodrome.tables import as_dates, json_records

STATUSES = ("moved", "split", "stayed", "none since")


@dataclass(frozen=True)
class Selection:
    """Which launches count as "the providers" of a migration; criteria combine with AND,
    names within one criterion with OR. Names are those people use (``Baikonur``,
    ``Roskosmos``, ``Soyuz``, ``RU``)."""

    provider_states: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.provider_states or self.providers or self.sites or self.vehicles)

    def describe(self) -> str:
        parts = [
            (
                "launches provided or built by",
                tuple(s.label for s in resolve_states(self.provider_states)),
            ),
            ("provider", self.providers),
            ("site", self.sites),
            ("vehicle", self.vehicles),
        ]
        return "; ".join(f"{label} {' or '.join(values)}" for label, values in parts if values)

    def sql(self, con: duckdb.DuckDBPyConnection) -> tuple[str, list[Any]]:
        """The SQL condition on launch alias ``l`` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.provider_states:
            # A state's launch industry: launches it provides or whose vehicle it builds.
            clauses.append(
                "(list_contains(?, l.provider_state) OR list_contains(?, l.vehicle_state))"
            )
            states = sorted(
                {c for state in resolve_states(self.provider_states) for c in codes_within(state)}
            )
            params.extend([states, states])
        if self.providers:
            agencies = sorted({a for n in self.providers for a in names.resolve_agencies(con, n)})
            clauses.append(
                "(list_contains(?, l.agency) OR list_contains(?, split_part(l.agency, '/', 1)))"
            )
            params += [agencies, agencies]
        if self.sites:
            clauses.append("list_contains(?, l.site)")
            params.append(sorted({s for n in self.sites for s in names.resolve_sites(con, n)}))
        if self.vehicles:
            clauses.append("list_contains(?, l.vehicle)")
            params.append(
                sorted({v for n in self.vehicles for v in names.resolve_vehicles(con, n)})
            )
        return (" AND ".join(clauses) or "TRUE"), params


@dataclass
class Migration:
    """The result of :func:`customer_migration`."""

    selection: str
    cutoff: date
    window_from: date
    data_date: date
    #: One row per customer: ``customer``, ``customer_name``, ``owner_state``, ``status``,
    #: ``payloads_before``, ``launches_before``, ``providers_before``, ``payloads_after``,
    #: ``launches_after``, ``selected_payloads_after``, ``first_launch_after``,
    #: ``providers_after``, ``provider_states_after``.
    customers: pd.DataFrame
    #: One row per customer and provider after the cutoff: ``customer``, ``customer_name``,
    #: ``provider``, ``provider_name``, ``provider_state``, ``selected``, ``launches``,
    #: ``payloads``, ``first_launch``, ``last_launch``, ``sites``, ``vehicles``.
    flows: pd.DataFrame
    #: One row per customer and provider before the cutoff (same columns as ``flows``).
    flows_before: pd.DataFrame

    def diagram(self, max_customers: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Flow-diagram data: ``nodes`` (providers before, customers, providers after) and
        ``links`` (``source``, ``target`` node indices and ``payloads``), Sankey style.

        ``max_customers`` keeps the customers with most payloads before the cutoff.
        """
        chosen = _diagram_customers(self.customers, max_customers)
        nodes: list[dict[str, Any]] = []
        index: dict[tuple[str, str], int] = {}

        def node(column: str, key: str, label: str, state: str | None) -> int:
            if (column, key) not in index:
                index[(column, key)] = len(nodes)
                nodes.append(
                    {
                        "id": f"{column}:{key}",
                        "column": column,
                        "label": label,
                        "state": state,
                        "state_name": state_name(state),
                    }
                )
            return index[(column, key)]

        links: list[dict[str, Any]] = []
        about = {str(r["customer"]): r for r in self.customers.to_dict(orient="records")}
        for customer in chosen:
            row = about[customer]
            middle = node(
                "customer", customer, str(row["customer_name"]), _text(row["owner_state"])
            )
            for flow in self.flows_before[self.flows_before["customer"] == customer].to_dict(
                orient="records"
            ):
                left = node(
                    "before",
                    str(flow["provider"]),
                    str(flow["provider_name"]),
                    _text(flow["provider_state"]),
                )
                links.append({"source": left, "target": middle, "payloads": int(flow["payloads"])})
            for flow in self.flows[self.flows["customer"] == customer].to_dict(orient="records"):
                right = node(
                    "after",
                    str(flow["provider"]),
                    str(flow["provider_name"]),
                    _text(flow["provider_state"]),
                )
                links.append(
                    {
                        "source": middle,
                        "target": right,
                        "payloads": int(flow["payloads"]),
                        "first_launch": str(flow["first_launch"]),
                    }
                )
        return {"nodes": nodes, "links": links}

    def to_dict(self, max_customers: int | None = None) -> dict[str, Any]:
        """Everything as plain data (``--format json``)."""
        return {
            "selection": self.selection,
            "cutoff": self.cutoff.isoformat(),
            "window_from": self.window_from.isoformat(),
            "data_date": self.data_date.isoformat(),
            "customers": json_records(self.customers),
            "flows_after": json_records(self.flows),
            "flows_before": json_records(self.flows_before),
            "diagram": self.diagram(max_customers),
        }


def customer_migration(
    con: duckdb.DuckDBPyConnection,
    cutoff: date,
    *,
    provider_states: Sequence[str] = (),
    providers: Sequence[str] = (),
    sites: Sequence[str] = (),
    vehicles: Sequence[str] = (),
    window_years: int = 5,
) -> Migration:
    """Customers of the selected launches in the ``window_years`` before ``cutoff``, and
    who launched their payloads from ``cutoff`` (inclusive, UTC day) to the data date.

    At least one of ``provider_states``, ``providers``, ``sites`` and ``vehicles`` is
    needed. A launch belongs to a state when that state provides it (the agency's state)
    *or builds its vehicle* (``launches.vehicle_state``): OneWeb's Soyuz launches were sold
    by Starsem and Arianespace, French providers in GCAT, but flew on Russian-built Soyuz,
    so they count for both ``provider_states=["RU"]`` and ``["F"]``.
    """
    selection = Selection(tuple(provider_states), tuple(providers), tuple(sites), tuple(vehicles))
    if selection.is_empty():
        raise InputError("choose the providers: a provider state (RU), provider, site or vehicle")
    if window_years <= 0:
        raise InputError("the window before the cutoff must be at least one year")
    end = date.fromisoformat(data_date(con))
    start = years_before(cutoff, window_years)
    condition, params = selection.sql(con)
    base = f"""
        WITH pl AS (
            SELECT {customer_sql()} AS customer, p.owner_state, l.launch_tag,
                   (l.time_utc AT TIME ZONE 'UTC')::DATE AS day,
                   split_part(l.agency, '/', 1) AS provider,
                   coalesce(l.agency_name, l.agency) AS provider_name, l.provider_state,
                   coalesce(l.site_name, l.site) AS site, l.vehicle, ({condition}) AS selected
            FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag {customer_join_sql()}
            WHERE (l.time_utc AT TIME ZONE 'UTC')::DATE >= ?::DATE),
        before AS (SELECT * FROM pl WHERE day < ?::DATE AND selected),
        after AS (SELECT * FROM pl WHERE day >= ?::DATE
                  AND customer IN (SELECT customer FROM before)),
        names AS ({CUSTOMER_NAMES})"""
    args = [*params, start, cutoff, cutoff]
    flows_before = _flows(con, base, "before", args)
    flows_after = _flows(con, base, "after", args)
    customers = as_dates(
        con.execute(
            f"""{base},
        fb AS (SELECT customer, string_agg(provider_name || ' (' || provider_state || ')', ', '
                      ORDER BY first_day, provider) AS providers
               FROM (SELECT customer, provider, provider_name, provider_state, min(day) AS first_day
                     FROM before GROUP BY ALL) GROUP BY customer),
        fa AS (SELECT customer, string_agg(provider_name || ' (' || provider_state || ')', ', '
                      ORDER BY first_day, provider) AS providers,
                      string_agg(DISTINCT provider_state, ', ' ORDER BY provider_state) AS states
               FROM (SELECT customer, provider, provider_name, provider_state, min(day) AS first_day
                     FROM after GROUP BY ALL) GROUP BY customer),
        b AS (SELECT customer, mode(owner_state) AS owner_state, count(*) AS payloads_before,
                     count(DISTINCT launch_tag) AS launches_before FROM before GROUP BY customer),
        a AS (SELECT customer, count(*) AS payloads_after, count(DISTINCT launch_tag) AS launches_after,
                     count(*) FILTER (WHERE selected) AS selected_payloads_after,
                     min(day) AS first_launch_after FROM after GROUP BY customer)
        SELECT b.customer, coalesce(n.name, b.customer) AS customer_name, b.owner_state,
               CASE WHEN a.customer IS NULL THEN 'none since'
                    WHEN a.selected_payloads_after = a.payloads_after THEN 'stayed'
                    WHEN a.selected_payloads_after = 0 THEN 'moved' ELSE 'split' END AS status,
               b.payloads_before, b.launches_before, fb.providers AS providers_before,
               coalesce(a.payloads_after, 0) AS payloads_after,
               coalesce(a.launches_after, 0) AS launches_after,
               coalesce(a.selected_payloads_after, 0) AS selected_payloads_after,
               a.first_launch_after, coalesce(fa.providers, '') AS providers_after,
               coalesce(fa.states, '') AS provider_states_after
        FROM b LEFT JOIN a USING (customer) LEFT JOIN fb USING (customer)
             LEFT JOIN fa USING (customer) LEFT JOIN names n ON n.ucode = b.customer
        ORDER BY list_position(?, status), payloads_before DESC, b.customer""",
            [*args, list(STATUSES)],
        ).df(),
        "first_launch_after",
    )
    for column in ("providers_before", "providers_after"):
        customers[column] = customers[column].map(_providers_named)
    customers = with_state_names(customers, "owner_state", "provider_states_after")
    return Migration(selection.describe(), cutoff, start, end, customers, flows_after, flows_before)


def _flows(con: duckdb.DuckDBPyConnection, base: str, table: str, args: list[Any]) -> pd.DataFrame:
    """Customer -> provider flows of the ``before`` or ``after`` rows."""
    frame = con.execute(
        f"""{base}
        SELECT t.customer, coalesce(n.name, t.customer) AS customer_name, provider, provider_name,
               provider_state, bool_or(selected) AS selected, count(DISTINCT launch_tag) AS launches,
               count(*) AS payloads, min(day) AS first_launch, max(day) AS last_launch,
               string_agg(DISTINCT site, ', ' ORDER BY site) AS sites,
               string_agg(DISTINCT vehicle, ', ' ORDER BY vehicle) AS vehicles
        FROM {table} t LEFT JOIN names n ON n.ucode = t.customer
        GROUP BY t.customer, n.name, provider, provider_name, provider_state
        ORDER BY t.customer, first_launch, provider""",
        args,
    ).df()
    frame = with_state_names(frame, "provider_state")
    return as_dates(frame, "first_launch", "last_launch")


def _providers_named(text: Any) -> Any:
    """``Arianespace (F), Starsem (F)`` -> ``Arianespace (France), Starsem (France)``: each
    provider with its state's name, as every other output shows it."""
    if not isinstance(text, str) or not text:
        return text
    return re.sub(r"\(([^()]+)\)(?=, |$)", lambda m: f"({state_name(m.group(1))})", text)


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _diagram_customers(customers: pd.DataFrame, limit: int | None) -> list[str]:
    ranked = customers.sort_values(
        ["payloads_before", "customer"], ascending=[False, True], kind="stable"
    )
    chosen = [str(c) for c in ranked["customer"]]
    return chosen if limit is None else chosen[:limit]
