"""The public Python API: the façade the CLI, the REST API and the dashboard all use.

>>> from cosmodrome import api
>>> api.update("../shared/data")                                  # doctest: +SKIP
>>> with api.catalog() as con:                                    # doctest: +SKIP
...     api.launches(con, api.LaunchFilter(site="Baikonur"), limit=5)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cosmodrome.catalog.db import (
    QueryResult,
    catalog,
    check_limits,
    meta,
    open_catalog,
    run_user_sql,
)
from cosmodrome.catalog.names import (
    resolve_agencies,
    resolve_owners,
    resolve_pads,
    resolve_sites,
    resolve_vehicles,
    warm_names,
)
from cosmodrome.catalog.queries import (
    LaunchFilter,
    count_launches,
    launch_page,
    launch_rows,
    launches,
    launches_per_year,
    site_detail,
    sites,
    vehicle_totals,
)
from cosmodrome.states import (
    State,
    organisation_label,
    resolve_state,
    resolve_states,
    state_label,
    state_name,
    with_state_names,
)

if TYPE_CHECKING:
    import pandas as pd

    from cosmodrome.analytics import (
        DEFAULT_EVENTS,
        Event,
        Migration,
        SiteProfile,
        cadence,
        cadence_chart,
        customer_migration,
        event_effects_chart,
        events_from,
        foreign_customers,
        mass_coverage,
        mass_to_orbit,
        migration_chart,
        profile_chart,
        share,
        share_chart,
        site_profile,
        site_report,
        source_line,
    )
    from cosmodrome.analytics import save as save_chart
    from cosmodrome.astro import celestrak
    from cosmodrome.astro.celestrak import update_elements, update_groups
    from cosmodrome.astro.elements import load_elements
    from cosmodrome.astro.gazetteer import resolve_launch_point, resolve_location
    from cosmodrome.astro.passes import find_passes
    from cosmodrome.astro.store import ElementStore
    from cosmodrome.astro.where import where_frame
    from cosmodrome.astro.windows import launch_windows, plane_target, windows_from
    from cosmodrome.capability.reach import Target, reach
    from cosmodrome.catalog.build import BuildReport
    from cosmodrome.catalog.payload_queries import PayloadFilter, count_payloads, payloads
    from cosmodrome.catalog.ucs import agreement as ucs_agreement
    from cosmodrome.forecast.cadence import CadenceRequest
    from cosmodrome.forecast.cadence import backtest as cadence_backtest
    from cosmodrome.forecast.cadence import forecast as cadence_forecast
    from cosmodrome.forecast.launchprob import next_launches
    from cosmodrome.forecast.reliability import ReliabilityRequest, reliability
    from cosmodrome.forecast.reliability import backtest as reliability_backtest
    from cosmodrome.schedule import (
        SLIP_RULE,
        ChangeFilter,
        ScheduleFilter,
        changes,
        slip_history,
        slips,
        upcoming,
        update_schedule,
    )
    from cosmodrome.schedule import ics as schedule_ics
    from cosmodrome.schedule import input_report as schedule_report
    from cosmodrome.schedule import snapshots as schedule_snapshots
    from cosmodrome.schedule.changes import KINDS as CHANGE_KINDS

#: Names loaded on first use (module, attribute): the analyses, astrodynamics and capability
#: models pull in pandas, matplotlib and Skyfield, which a quick command never needs. The
#: analyses are not listed: every name of ``cosmodrome.analytics.__all__`` is loaded from
#: there (see :func:`__getattr__`); ``save_chart`` is analytics' ``save`` under the façade's
#: name.
_LAZY: dict[str, tuple[str, str | None]] = {
    "save_chart": ("cosmodrome.analytics", "save"),
    **{
        name: ("cosmodrome.schedule", name)
        for name in (
            "SLIP_RULE",
            "ChangeFilter",
            "ScheduleFilter",
            "changes",
            "slip_history",
            "slips",
            "upcoming",
            "update_schedule",
        )
    },
    "schedule_ics": ("cosmodrome.schedule", "ics"),
    "CHANGE_KINDS": ("cosmodrome.schedule.changes", "KINDS"),
    "changes_atom": ("cosmodrome.schedule.feed", "atom_feed"),
    "schedule_report": ("cosmodrome.schedule", "input_report"),
    "schedule_snapshots": ("cosmodrome.schedule", "snapshots"),
    "load_elements": ("cosmodrome.astro.elements", "load_elements"),
    "resolve_launch_point": ("cosmodrome.astro.gazetteer", "resolve_launch_point"),
    "resolve_location": ("cosmodrome.astro.gazetteer", "resolve_location"),
    "find_passes": ("cosmodrome.astro.passes", "find_passes"),
    "ElementStore": ("cosmodrome.astro.store", "ElementStore"),
    "update_groups": ("cosmodrome.astro.celestrak", "update_groups"),
    "update_elements": ("cosmodrome.astro.celestrak", "update_elements"),
    "elements_path": ("cosmodrome.astro.store", "elements_path"),
    "celestrak": ("cosmodrome.astro.celestrak", None),
    "where_frame": ("cosmodrome.astro.where", "where_frame"),
    "launch_windows": ("cosmodrome.astro.windows", "launch_windows"),
    "plane_target": ("cosmodrome.astro.windows", "plane_target"),
    "windows_from": ("cosmodrome.astro.windows", "windows_from"),
    "Target": ("cosmodrome.capability.reach", "Target"),
    "capability_summary": ("cosmodrome.capability.reach", "capability_summary"),
    "reach": ("cosmodrome.capability.reach", "reach"),
    "BuildReport": ("cosmodrome.catalog.build", "BuildReport"),
    "ucs_agreement": ("cosmodrome.catalog.ucs", "agreement"),
    **{
        name: ("cosmodrome.forecast.reliability", name)
        for name in ("ReliabilityRequest", "reliability")
    },
    "reliability_backtest": ("cosmodrome.forecast.reliability", "backtest"),
    "next_launches": ("cosmodrome.forecast.launchprob", "next_launches"),
    "CadenceRequest": ("cosmodrome.forecast.cadence", "CadenceRequest"),
    "cadence_forecast": ("cosmodrome.forecast.cadence", "forecast"),
    "cadence_backtest": ("cosmodrome.forecast.cadence", "backtest"),
    **{
        name: ("cosmodrome.catalog.payload_queries", name)
        for name in ("PayloadFilter", "count_payloads", "payloads")
    },
}


def __getattr__(name: str) -> Any:
    """Load a heavy part of the façade on first use (PEP 562): a name of :data:`_LAZY` (an
    attribute of its module, or with ``None`` the module itself), or any name the analytics
    package exports."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        loaded = importlib.import_module(module)
        value = loaded if attribute is None else getattr(loaded, attribute)
    elif not name.startswith("_") and name in _analytics_names():
        value = getattr(importlib.import_module(ANALYTICS), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


ANALYTICS = "cosmodrome.analytics"


def _analytics_names() -> list[str]:
    # Importing the package loads pandas: done only for a name the eager imports and _LAZY
    # do not know, so a quick command never pays for it.
    return list(importlib.import_module(ANALYTICS).__all__)


__all__ = [
    "CHANGE_KINDS",
    "DEFAULT_EVENTS",
    "SLIP_RULE",
    "BuildReport",
    "CadenceRequest",
    "ChangeFilter",
    "ElementStore",
    "Event",
    "LaunchFilter",
    "Migration",
    "PayloadFilter",
    "QueryResult",
    "ReliabilityRequest",
    "ScheduleFilter",
    "SiteProfile",
    "State",
    "Target",
    "cadence",
    "cadence_backtest",
    "cadence_chart",
    "cadence_forecast",
    "catalog",
    "celestrak",
    "changes",
    "check_limits",
    "count_launches",
    "count_payloads",
    "customer_migration",
    "event_effects_chart",
    "events_from",
    "export_catalog",
    "find_passes",
    "foreign_customers",
    "launch_orbits",
    "launch_page",
    "launch_rows",
    "launch_windows",
    "launches",
    "launches_per_year",
    "load_elements",
    "mass_coverage",
    "mass_to_orbit",
    "meta",
    "migration_chart",
    "next_launches",
    "open_catalog",
    "organisation_label",
    "payloads",
    "plane_target",
    "profile_chart",
    "reach",
    "reliability",
    "reliability_backtest",
    "resolve_agencies",
    "resolve_launch_point",
    "resolve_location",
    "resolve_owners",
    "resolve_pads",
    "resolve_sites",
    "resolve_state",
    "resolve_states",
    "resolve_vehicles",
    "run_user_sql",
    "save_chart",
    "schedule_ics",
    "schedule_report",
    "schedule_snapshots",
    "share",
    "share_chart",
    "site_capability",
    "site_detail",
    "site_profile",
    "site_report",
    "sites",
    "slip_history",
    "slips",
    "source_line",
    "state_label",
    "state_name",
    "ucs_agreement",
    "upcoming",
    "update",
    "update_elements",
    "update_groups",
    "update_schedule",
    "vehicle_totals",
    "warm_names",
    "where_frame",
    "windows_from",
    "with_state_names",
]

CATALOG_TABLES = (
    "launches",
    "payloads",
    "sites",
    "organisations",
    "vehicles",
    "objects",
    "ucs",
    "quarantine",
    "meta",
)


def update(
    source: str,
    home: Path | None = None,
    *,
    allow_shrink: bool = False,
    lock_wait_s: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Download GCAT from ``source`` (URL or local mirror) and rebuild the catalog.

    Refuses a build that loses more than ``MAX_SHRINK_FRACTION`` of the installed catalog
    unless ``allow_shrink``; waits up to ``lock_wait_s`` (default
    :data:`~cosmodrome.catalog.build.DEFAULT_LOCK_WAIT_S`) for another update to finish.
    """
    from cosmodrome.catalog.build import DEFAULT_LOCK_WAIT_S, build_catalog

    return build_catalog(
        source,
        home,
        allow_shrink=allow_shrink,
        lock_wait_s=DEFAULT_LOCK_WAIT_S if lock_wait_s is None else lock_wait_s,
        on_wait=on_wait,
    )


def export_catalog(con: duckdb.DuckDBPyConnection, out: Path, fmt: str = "parquet") -> list[Path]:
    """Write every catalog table to ``out/<table>.<fmt>``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in CATALOG_TABLES:
        path = out / f"{table}.{fmt}"
        options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        con.execute(f"COPY \"{table}\" TO '{path.as_posix()}' ({options})")
        written.append(path)
    return written


def site_capability(name: str) -> dict[str, Any]:
    """Latitude, rotation speed, corridors and achievable inclinations of a spaceport."""
    from cosmodrome.capability.reach import capability_summary

    return capability_summary(name)


def launch_orbits(
    con: duckdb.DuckDBPyConnection,
    launch: str,
    *,
    when_utc: datetime | None = None,
    home: Path | None = None,
) -> pd.DataFrame:
    """The GCAT payloads of ``launch`` (``2023-198``) with their newest stored orbits.

    Element sets come from the store in ``home`` (``api.update_elements`` fills it, e.g.
    with ``[api.celestrak.intdes("2023-198")]``); see :mod:`cosmodrome.astro.launch_orbits`.
    """
    from cosmodrome.astro.launch_orbits import launch_orbits as _launch_orbits
    from cosmodrome.astro.store import ElementStore, elements_path

    with ElementStore(elements_path(home)) as store:
        return _launch_orbits(con, store, launch, when_utc)
