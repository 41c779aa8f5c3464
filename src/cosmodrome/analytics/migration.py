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
    DIMENSIONS,
    PROVIDER_JOIN,
    PROVIDER_KEY_SQL,
    customer_join_sql,
    customer_names_sql,
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
        WITH pl AS MATERIALIZED (
            SELECT {customer_sql()} AS customer, p.owner_state, l.launch_tag, l.time_utc,
                   (l.time_utc AT TIME ZONE 'UTC')::DATE AS day,
                   {PROVIDER_KEY_SQL} AS provider,
                   coalesce(pe.plabel, l.agency_name, l.agency) AS provider_name,
                   l.provider_state, coalesce(l.site_name, l.site) AS site, l.vehicle,
                   ({condition}) AS selected
            FROM payloads p JOIN launches l ON l.launch_tag = p.launch_tag {customer_join_sql(con)}
                 {PROVIDER_JOIN}
            WHERE (l.time_utc AT TIME ZONE 'UTC')::DATE >= ?::DATE),
        before AS MATERIALIZED (SELECT * FROM pl WHERE day < ?::DATE AND selected),
        after AS MATERIALIZED (SELECT * FROM pl WHERE day >= ?::DATE
                  AND customer IN (SELECT customer FROM before)),
        names AS {customer_names_sql(con)},
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
    cursor = con.execute(
        f"""{base},
        -- Customer -> provider flows before and after the cutoff, each provider named and
        -- stated as of its latest launch; the customers are summed from them.
        fl AS MATERIALIZED (
            SELECT t.kind, t.customer, provider,
                   arg_max(provider_name, time_utc) AS provider_name,
                   arg_max(provider_state, time_utc) AS provider_state,
                   bool_or(selected) AS selected, count(DISTINCT launch_tag) AS launches,
                   count(*) AS payloads, count(*) FILTER (WHERE selected) AS selected_payloads,
                   min(day) AS first_launch, max(day) AS last_launch,
                   string_agg(DISTINCT site, ', ' ORDER BY site) AS sites,
                   string_agg(DISTINCT vehicle, ', ' ORDER BY vehicle) AS vehicles
            FROM (SELECT *, 'before' AS kind FROM before
                  UNION ALL SELECT *, 'after' AS kind FROM after) t
            GROUP BY t.kind, t.customer, provider),
        fln AS MATERIALIZED (
            SELECT fl.*, sn.name AS provider_state_name,
                   fl.provider_name || ' (' || coalesce(sn.name, fl.provider_state) || ')'
                       AS named
            FROM fl LEFT JOIN sn ON sn.code = fl.provider_state),
        c AS (
            SELECT customer,
                   sum(payloads) FILTER (WHERE kind = 'before') AS payloads_before,
                   sum(launches) FILTER (WHERE kind = 'before') AS launches_before,
                   string_agg(named, ', ' ORDER BY first_launch, provider)
                       FILTER (WHERE kind = 'before') AS providers_before,
                   sum(payloads) FILTER (WHERE kind = 'after') AS payloads_after,
                   sum(launches) FILTER (WHERE kind = 'after') AS launches_after,
                   sum(selected_payloads) FILTER (WHERE kind = 'after') AS selected_after,
                   min(first_launch) FILTER (WHERE kind = 'after') AS first_launch_after,
                   string_agg(named, ', ' ORDER BY first_launch, provider)
                       FILTER (WHERE kind = 'after') AS providers_after
            FROM fln GROUP BY customer),
        st AS (SELECT customer, string_agg(state, ', ' ORDER BY state) AS states,
                      string_agg(coalesce(sn.name, state), ', ' ORDER BY state) AS state_names
               FROM (SELECT DISTINCT customer, provider_state AS state FROM fl
                     WHERE kind = 'after') s
               LEFT JOIN sn ON sn.code = s.state GROUP BY customer),
        b AS (SELECT customer, mode(owner_state) AS owner_state FROM before GROUP BY customer),
        flows AS (
            SELECT customer, list((kind, provider, provider_name, provider_state,
                                   provider_state_name, selected, launches, payloads,
                                   first_launch, last_launch, sites, vehicles)
                                  ORDER BY first_launch, provider) AS flows
            FROM fln GROUP BY customer)
        SELECT c.customer, coalesce(n.name, c.customer) AS customer_name, b.owner_state,
               os.name AS owner_state_name,
               CASE WHEN c.payloads_after IS NULL THEN 'none since'
                    WHEN c.selected_after = c.payloads_after THEN 'stayed'
                    WHEN c.selected_after = 0 THEN 'moved' ELSE 'split' END AS status,
               c.payloads_before, c.launches_before, c.providers_before,
               coalesce(c.payloads_after, 0) AS payloads_after,
               coalesce(c.launches_after, 0) AS launches_after,
               coalesce(c.selected_after, 0) AS selected_payloads_after,
               c.first_launch_after, coalesce(c.providers_after, '') AS providers_after,
               coalesce(st.states, '') AS provider_states_after,
               st.state_names AS provider_states_after_name, flows.flows
        FROM c JOIN b USING (customer) JOIN flows USING (customer)
             LEFT JOIN st USING (customer) LEFT JOIN names n ON n.ucode = c.customer
             LEFT JOIN sn os ON os.code = b.owner_state
        ORDER BY list_position(?, status), payloads_before DESC, c.customer""",
        [*args, list(STATUSES)],
    )
    rows = cursor.fetchall()
    customers = Rows([d[0] for d in cursor.description][:-1], [row[:-1] for row in rows])
    flows_before, flows_after = _flows(rows)
    return Migration(selection.describe(), cutoff, start, end, customers, flows_after, flows_before)


FLOW_COLUMNS = [
    "customer",
    "customer_name",
    "provider",
    "provider_name",
    "provider_state",
    "provider_state_name",
    "selected",
    "launches",
    "payloads",
    "first_launch",
    "last_launch",
    "sites",
    "vehicles",
]


def _flows(customers: list[tuple[Any, ...]]) -> tuple[Rows, Rows]:
    """The flows before and after the cutoff, from each customer row's list of its flows
    (kind first), ordered by customer, first launch and provider."""
    before: list[tuple[Any, ...]] = []
    after: list[tuple[Any, ...]] = []
    for customer, name, *_, flows in sorted(customers, key=lambda row: str(row[0])):
        for flow in flows:
            kind, *rest = flow
            (after if kind == "after" else before).append((customer, name, *rest))
    return Rows(FLOW_COLUMNS, before), Rows(FLOW_COLUMNS, after)


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
