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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from cosmodrome.analytics.common import (
    CUSTOMER_NAMES,
    DIMENSIONS,
    PROVIDER_JOIN,
    PROVIDER_KEY_SQL,
    customer_join_sql,
    customer_sql,
    data_date,
    join_params,
    state_names,
)
from cosmodrome.analytics.events import years_before
from cosmodrome.catalog import names
from cosmodrome.errors import InputError
from cosmodrome.states import codes_within, resolve_states, state_name
from cosmodrome.tables import Rows, json_records

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
    customers: Rows
    #: One row per customer and provider after the cutoff: ``customer``, ``customer_name``,
    #: ``provider`` (the organisation, :mod:`~cosmodrome.analytics.common`),
    #: ``provider_name``, ``provider_state``, ``selected``, ``launches``, ``payloads``,
    #: ``first_launch``, ``last_launch``, ``sites``, ``vehicles``.
    flows: Rows
    #: One row per customer and provider before the cutoff (same columns as ``flows``).
    flows_before: Rows

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
        about = {str(r["customer"]): r for r in self.customers.records()}
        before = _by_customer(self.flows_before)
        after = _by_customer(self.flows)
        for customer in chosen:
            row = about[customer]
            middle = node(
                "customer", customer, str(row["customer_name"]), _text(row["owner_state"])
            )
            for flow in before.get(customer, []):
                left = node(
                    "before",
                    str(flow["provider"]),
                    str(flow["provider_name"]),
                    _text(flow["provider_state"]),
                )
                links.append({"source": left, "target": middle, "payloads": int(flow["payloads"])})
            for flow in after.get(customer, []):
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
    codes, _, _, state_words = state_names(con)
    base = f"""
        WITH pl AS (
            SELECT {customer_sql()} AS customer, p.owner_state, l.launch_tag, l.time_utc,
                   (l.time_utc AT TIME ZONE 'UTC')::DATE AS day,
                   {PROVIDER_KEY_SQL} AS provider,
                   coalesce(pe.plabel, l.agency_name, l.agency) AS provider_name,
                   l.provider_state, coalesce(l.site_name, l.site) AS site, l.vehicle,
                   ({condition}) AS selected
            FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag {customer_join_sql()}
                 {PROVIDER_JOIN}
            WHERE (l.time_utc AT TIME ZONE 'UTC')::DATE >= ?::DATE),
        before AS (SELECT * FROM pl WHERE day < ?::DATE AND selected),
        after AS (SELECT * FROM pl WHERE day >= ?::DATE
                  AND customer IN (SELECT customer FROM before)),
        names AS ({CUSTOMER_NAMES}),
        sn AS (SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS name)"""
    args = [
        *params,
        *join_params(con, DIMENSIONS["provider"]),
        start,
        cutoff,
        cutoff,
        codes,
        state_words,
    ]
    flows_before = _flows(con, base, "before", args)
    flows_after = _flows(con, base, "after", args)
    cursor = con.execute(
        f"""{base},
        -- Each provider once (its latest name and state), with its state's name.
        fp AS (SELECT t.customer, t.provider, arg_max(t.provider_name, t.time_utc) AS name,
                      arg_max(t.provider_state, t.time_utc) AS state, min(t.day) AS first_day,
                      t.kind
               FROM (SELECT *, 'before' AS kind FROM before
                     UNION ALL SELECT *, 'after' AS kind FROM after) t GROUP BY ALL),
        fpn AS (SELECT fp.*, fp.name || ' (' || coalesce(sn.name, fp.state) || ')' AS named,
                       sn.name AS state_name
                FROM fp LEFT JOIN sn ON sn.code = fp.state),
        fb AS (SELECT customer, string_agg(named, ', ' ORDER BY first_day, provider) AS providers
               FROM fpn WHERE kind = 'before' GROUP BY customer),
        fa AS (SELECT customer, string_agg(named, ', ' ORDER BY first_day, provider) AS providers,
                      string_agg(DISTINCT state, ', ' ORDER BY state) AS states
               FROM fpn WHERE kind = 'after' GROUP BY customer),
        fan AS (SELECT customer, string_agg(coalesce(sn.name, state), ', ' ORDER BY state)
                           AS state_names
                FROM (SELECT DISTINCT customer, state FROM fpn WHERE kind = 'after') s
                LEFT JOIN sn ON sn.code = s.state GROUP BY customer),
        b AS (SELECT customer, mode(owner_state) AS owner_state, count(*) AS payloads_before,
                     count(DISTINCT launch_tag) AS launches_before FROM before GROUP BY customer),
        a AS (SELECT customer, count(*) AS payloads_after, count(DISTINCT launch_tag) AS launches_after,
                     count(*) FILTER (WHERE selected) AS selected_payloads_after,
                     min(day) AS first_launch_after FROM after GROUP BY customer)
        SELECT b.customer, coalesce(n.name, b.customer) AS customer_name, b.owner_state,
               os.name AS owner_state_name,
               CASE WHEN a.customer IS NULL THEN 'none since'
                    WHEN a.selected_payloads_after = a.payloads_after THEN 'stayed'
                    WHEN a.selected_payloads_after = 0 THEN 'moved' ELSE 'split' END AS status,
               b.payloads_before, b.launches_before, fb.providers AS providers_before,
               coalesce(a.payloads_after, 0) AS payloads_after,
               coalesce(a.launches_after, 0) AS launches_after,
               coalesce(a.selected_payloads_after, 0) AS selected_payloads_after,
               a.first_launch_after, coalesce(fa.providers, '') AS providers_after,
               coalesce(fa.states, '') AS provider_states_after,
               fan.state_names AS provider_states_after_name
        FROM b LEFT JOIN a USING (customer) LEFT JOIN fb USING (customer)
             LEFT JOIN fa USING (customer) LEFT JOIN fan USING (customer)
             LEFT JOIN names n ON n.ucode = b.customer LEFT JOIN sn os ON os.code = b.owner_state
        ORDER BY list_position(?, status), payloads_before DESC, b.customer""",
        [*args, list(STATUSES)],
    )
    customers = Rows([d[0] for d in cursor.description], cursor.fetchall())
    return Migration(selection.describe(), cutoff, start, end, customers, flows_after, flows_before)


def _flows(con: duckdb.DuckDBPyConnection, base: str, table: str, args: list[Any]) -> Rows:
    """Customer -> provider flows of the ``before`` or ``after`` rows."""
    cursor = con.execute(
        f"""{base}
        SELECT t.customer, coalesce(any_value(n.name), t.customer) AS customer_name, provider,
               arg_max(provider_name, time_utc) AS provider_name,
               arg_max(provider_state, time_utc) AS provider_state,
               arg_max(sn.name, time_utc) AS provider_state_name,
               bool_or(selected) AS selected, count(DISTINCT launch_tag) AS launches,
               count(*) AS payloads, min(day) AS first_launch, max(day) AS last_launch,
               string_agg(DISTINCT site, ', ' ORDER BY site) AS sites,
               string_agg(DISTINCT vehicle, ', ' ORDER BY vehicle) AS vehicles
        FROM {table} t LEFT JOIN names n ON n.ucode = t.customer
             LEFT JOIN sn ON sn.code = t.provider_state
        GROUP BY t.customer, provider
        ORDER BY t.customer, first_launch, provider""",
        args,
    )
    return Rows([d[0] for d in cursor.description], cursor.fetchall())


def _by_customer(flows: Rows) -> dict[str, list[dict[str, Any]]]:
    """Flow records grouped by customer, in their order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for flow in flows.records():
        grouped.setdefault(str(flow["customer"]), []).append(flow)
    return grouped


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _diagram_customers(customers: Rows, limit: int | None) -> list[str]:
    ranked = sorted(
        customers.records(), key=lambda r: (-int(r["payloads_before"]), str(r["customer"]))
    )
    chosen = [str(r["customer"]) for r in ranked]
    return chosen if limit is None else chosen[:limit]
