"""The public Python API: the façade the CLI, the REST API and the dashboard all use.

>>> from cosmodrome import api
>>> api.update("../shared/data")                                  # doctest: +SKIP
>>> with api.catalog() as con:                                    # doctest: +SKIP
...     api.launches(con, api.LaunchFilter(site="Baikonur"), limit=5)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

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
from cosmodrome.astro.launch_orbits import launch_orbits as _launch_orbits
from cosmodrome.astro.passes import find_passes
from cosmodrome.astro.store import ElementStore, elements_path
from cosmodrome.astro.where import where_frame
from cosmodrome.astro.windows import launch_windows, plane_target, windows_from
from cosmodrome.capability.reach import Target, capability_summary, reach
from cosmodrome.catalog.build import DEFAULT_LOCK_WAIT_S, BuildReport, build_catalog
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
)
from cosmodrome.catalog.payload_queries import PayloadFilter, count_payloads, payloads
from cosmodrome.catalog.queries import (
    LaunchFilter,
    count_launches,
    launches,
    launches_per_year,
    site_detail,
    sites,
)
from cosmodrome.catalog.ucs import agreement as ucs_agreement
from cosmodrome.schedule import (
    SLIP_RULE,
    ScheduleFilter,
    slip_history,
    slips,
    upcoming,
    update_schedule,
)
from cosmodrome.schedule import ics as schedule_ics
from cosmodrome.schedule import input_report as schedule_report
from cosmodrome.schedule import snapshots as schedule_snapshots
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

__all__ = [
    "DEFAULT_EVENTS",
    "SLIP_RULE",
    "BuildReport",
    "ElementStore",
    "Event",
    "LaunchFilter",
    "Migration",
    "PayloadFilter",
    "QueryResult",
    "ScheduleFilter",
    "SiteProfile",
    "State",
    "Target",
    "cadence",
    "cadence_chart",
    "catalog",
    "celestrak",
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
    "launch_windows",
    "launches",
    "launches_per_year",
    "load_elements",
    "mass_coverage",
    "mass_to_orbit",
    "meta",
    "migration_chart",
    "open_catalog",
    "organisation_label",
    "payloads",
    "plane_target",
    "profile_chart",
    "reach",
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
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Download GCAT from ``source`` (URL or local mirror) and rebuild the catalog.

    Refuses a build that loses more than ``MAX_SHRINK_FRACTION`` of the installed catalog
    unless ``allow_shrink``; waits up to ``lock_wait_s`` for another update to finish.
    """
    return build_catalog(
        source, home, allow_shrink=allow_shrink, lock_wait_s=lock_wait_s, on_wait=on_wait
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
    with ElementStore(elements_path(home)) as store:
        return _launch_orbits(con, store, launch, when_utc)
