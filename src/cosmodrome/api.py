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

from cosmodrome.catalog.db import catalog, catalog_cursor, meta, open_catalog
from cosmodrome.catalog.names import (
    Resolution,
    matched_notes,
    resolution,
    resolve_agencies,
    resolve_owners,
    resolve_pads,
    resolve_sites,
    resolve_vehicles,
    warm_names,
)
from cosmodrome.catalog.outcomes import OUTCOME_NAMES, outcome_filter
from cosmodrome.catalog.queries import SORTABLE as LAUNCH_SORT_KEYS
from cosmodrome.catalog.queries import (
    LaunchFilter,
    RowFilter,
    count_launches,
    launch_page,
    launch_rows,
    launches,
    launches_per_year,
    site_detail,
    sites,
    vehicle_totals,
)
from cosmodrome.catalog.sandbox import (
    DEFAULT_MAX_OUTPUT_BYTES,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_ROW_CAP,
    DEFAULT_TIME_LIMIT_S,
    QueryResult,
    check_limits,
    run_user_sql,
    serve_from_forkserver,
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
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    # What mypy sees of the lazy names: the (module, attribute) pairs of _LAZY, which
    # tests/test_architecture.py holds to them.
    import pandas as pd

    from cosmodrome.analytics import (
        DEFAULT_EVENTS,
        DIMENSIONS,
        PERIODS,
        SOURCE_LINE,
        Event,
        Migration,
        Selection,
        SiteProfile,
        cadence,
        cadence_chart,
        customer_migration,
        dollar_year,
        event_effects_chart,
        events_from,
        foreign_customers,
        launch_value,
        launch_values,
        mass_coverage,
        mass_to_orbit,
        migration_chart,
        parse_event,
        poisson_interval,
        price_points,
        profile_chart,
        rate_ratio_interval,
        share,
        share_chart,
        site_profile,
        site_report,
        source_line,
        svg_text,
        value_per_kg,
        value_share,
        world_totals,
    )
    from cosmodrome.analytics import save as save_chart
    from cosmodrome.astro import celestrak
    from cosmodrome.astro.celestrak import update_groups
    from cosmodrome.astro.coverage.analysis import CoverageResult, point_series
    from cosmodrome.astro.coverage.estimate import WorkEstimate
    from cosmodrome.astro.coverage.operations import (
        CoveragePlan,
        CoverageRequest,
        WalkerPattern,
        estimate_coverage,
        plan_coverage,
        run_coverage,
    )
    from cosmodrome.astro.coverage.plot import metadata as coverage_metadata
    from cosmodrome.astro.coverage.plot import write_output as write_coverage
    from cosmodrome.astro.coverage.regions import Region
    from cosmodrome.astro.elements import ElementSet, load_elements
    from cosmodrome.astro.gazetteer import resolve_launch_point, resolve_location
    from cosmodrome.astro.operations import (
        ElementsUpdateAnswer,
        ElementsUpdateRequest,
        PassesAnswer,
        PassesRequest,
        TargetSpec,
        WhereAnswer,
        WhereRequest,
        WindowsAnswer,
        WindowsRequest,
        element_source,
        element_store_summary,
        load_elements_file,
        passes,
        update_elements,
        where,
        windows,
    )
    from cosmodrome.astro.passes import find_passes
    from cosmodrome.astro.store import ElementStore, LoadedFile, NoElementsError, elements_path
    from cosmodrome.astro.where import where_frame
    from cosmodrome.astro.windows import launch_windows, plane_target, windows_from
    from cosmodrome.capability.reach import CONFIGURATION_NOTE, Target, capability_summary, reach
    from cosmodrome.catalog.build import BuildReport, CatalogShrinkError, CatalogWriteError
    from cosmodrome.catalog.facets import FACETS, launch_facets, payload_facets
    from cosmodrome.catalog.gcat import GcatFileError
    from cosmodrome.catalog.payload_queries import SORTABLE as PAYLOAD_SORT_KEYS
    from cosmodrome.catalog.payload_queries import (
        PayloadFilter,
        count_payloads,
        payload_page,
        payload_rows,
        payloads,
    )
    from cosmodrome.catalog.ucs import agreement as ucs_agreement
    from cosmodrome.catalog.ucs import agreement_rows as ucs_agreement_rows
    from cosmodrome.forecast.cadence import CadenceRequest
    from cosmodrome.forecast.cadence import backtest as cadence_backtest
    from cosmodrome.forecast.cadence import forecast as cadence_forecast
    from cosmodrome.forecast.launchprob import next_launches, next_rows
    from cosmodrome.forecast.reliability import ReliabilityRequest, reliability
    from cosmodrome.forecast.reliability import backtest as reliability_backtest
    from cosmodrome.hooks import add_hook, read_hooks, remove_hook, resume_hook
    from cosmodrome.hooks import deliveries as hook_deliveries
    from cosmodrome.refresh import SOURCES as REFRESH_SOURCES
    from cosmodrome.refresh import Sources as RefreshSources
    from cosmodrome.refresh import health as source_health
    from cosmodrome.refresh import notify, refresh
    from cosmodrome.schedule import (
        SLIP_RULE,
        ChangeFilter,
        ScheduleFilter,
        change_rows,
        changes,
        slip_history,
        slip_rows,
        slips,
        upcoming,
        update_schedule,
    )
    from cosmodrome.schedule import ics as schedule_ics
    from cosmodrome.schedule import input_report as schedule_report
    from cosmodrome.schedule import report_rows as schedule_report_rows
    from cosmodrome.schedule import snapshot_rows as schedule_snapshot_rows
    from cosmodrome.schedule import snapshots as schedule_snapshots
    from cosmodrome.schedule.changes import KINDS as CHANGE_KINDS
    from cosmodrome.schedule.changes import no_changes
    from cosmodrome.schedule.feed import atom_feed as changes_atom
    from cosmodrome.schedule.ical import empty_feed as empty_calendar
    from cosmodrome.schedule.store import ScheduleMissingError
    from cosmodrome.schedule.store import store_path as schedule_path
    from cosmodrome.stores import home_health as store_health

#: The façade's names loaded on first use, by module: the analyses, astrodynamics and
#: capability models pull in pandas, matplotlib and Skyfield, which a quick command never
#: needs. With the eager imports above and the analytics package's ``__all__`` this is the
#: one list: ``__all__`` is made from them (:func:`_public_names`), :func:`__getattr__`
#: loads from them.
_LAZY_BY_MODULE: dict[str, tuple[str, ...]] = {
    "cosmodrome.schedule": (
        "SLIP_RULE",
        "ChangeFilter",
        "ScheduleFilter",
        "change_rows",
        "changes",
        "slip_history",
        "slip_rows",
        "slips",
        "upcoming",
        "update_schedule",
    ),
    "cosmodrome.schedule.store": ("ScheduleMissingError",),
    "cosmodrome.refresh": ("notify", "refresh"),
    "cosmodrome.schedule.changes": ("no_changes",),
    "cosmodrome.catalog.facets": ("FACETS", "launch_facets", "payload_facets"),
    "cosmodrome.hooks": ("add_hook", "read_hooks", "remove_hook", "resume_hook"),
    "cosmodrome.astro.celestrak": ("update_groups",),
    "cosmodrome.astro.coverage.analysis": ("CoverageResult", "point_series"),
    "cosmodrome.astro.coverage.operations": (
        "CoveragePlan",
        "CoverageRequest",
        "WalkerPattern",
        "estimate_coverage",
        "plan_coverage",
        "run_coverage",
    ),
    "cosmodrome.astro.coverage.estimate": ("WorkEstimate",),
    "cosmodrome.astro.coverage.regions": ("Region",),
    "cosmodrome.astro.elements": ("ElementSet", "load_elements"),
    "cosmodrome.astro.gazetteer": ("resolve_launch_point", "resolve_location"),
    "cosmodrome.astro.operations": (
        "ElementsUpdateAnswer",
        "ElementsUpdateRequest",
        "PassesRequest",
        "TargetSpec",
        "WhereRequest",
        "WindowsRequest",
        "PassesAnswer",
        "WhereAnswer",
        "WindowsAnswer",
        "element_source",
        "element_store_summary",
        "load_elements_file",
        "passes",
        "update_elements",
        "where",
        "windows",
    ),
    "cosmodrome.astro.passes": ("find_passes",),
    "cosmodrome.astro.store": ("ElementStore", "LoadedFile", "NoElementsError", "elements_path"),
    "cosmodrome.astro.where": ("where_frame",),
    "cosmodrome.astro.windows": ("launch_windows", "plane_target", "windows_from"),
    "cosmodrome.capability.reach": ("CONFIGURATION_NOTE", "Target", "capability_summary", "reach"),
    "cosmodrome.catalog.build": ("BuildReport", "CatalogShrinkError", "CatalogWriteError"),
    "cosmodrome.catalog.gcat": ("GcatFileError",),
    "cosmodrome.catalog.payload_queries": (
        "PayloadFilter",
        "count_payloads",
        "payload_page",
        "payload_rows",
        "payloads",
    ),
    "cosmodrome.forecast.reliability": ("ReliabilityRequest", "reliability"),
    "cosmodrome.forecast.launchprob": ("next_launches", "next_rows"),
    "cosmodrome.forecast.cadence": ("CadenceRequest",),
}
#: Lazy names that differ from their module's (façade name -> (module, attribute)); an
#: attribute of ``None`` is the module itself.
_LAZY_RENAMED: dict[str, tuple[str, str | None]] = {
    "save_chart": ("cosmodrome.analytics", "save"),
    "schedule_ics": ("cosmodrome.schedule", "ics"),
    "CHANGE_KINDS": ("cosmodrome.schedule.changes", "KINDS"),
    "changes_atom": ("cosmodrome.schedule.feed", "atom_feed"),
    "empty_calendar": ("cosmodrome.schedule.ical", "empty_feed"),
    "REFRESH_SOURCES": ("cosmodrome.refresh", "SOURCES"),
    "RefreshSources": ("cosmodrome.refresh", "Sources"),
    "source_health": ("cosmodrome.refresh", "health"),
    "hook_deliveries": ("cosmodrome.hooks", "deliveries"),
    "schedule_report": ("cosmodrome.schedule", "input_report"),
    "schedule_report_rows": ("cosmodrome.schedule", "report_rows"),
    "schedule_snapshots": ("cosmodrome.schedule", "snapshots"),
    "schedule_snapshot_rows": ("cosmodrome.schedule", "snapshot_rows"),
    "schedule_path": ("cosmodrome.schedule.store", "store_path"),
    "store_health": ("cosmodrome.stores", "home_health"),
    "celestrak": ("cosmodrome.astro.celestrak", None),
    "coverage_metadata": ("cosmodrome.astro.coverage.plot", "metadata"),
    "write_coverage": ("cosmodrome.astro.coverage.plot", "write_output"),
    "ucs_agreement": ("cosmodrome.catalog.ucs", "agreement"),
    "ucs_agreement_rows": ("cosmodrome.catalog.ucs", "agreement_rows"),
    "PAYLOAD_SORT_KEYS": ("cosmodrome.catalog.payload_queries", "SORTABLE"),
    "reliability_backtest": ("cosmodrome.forecast.reliability", "backtest"),
    "cadence_forecast": ("cosmodrome.forecast.cadence", "forecast"),
    "cadence_backtest": ("cosmodrome.forecast.cadence", "backtest"),
}
_LAZY: dict[str, tuple[str, str | None]] = {
    **{name: (module, name) for module, names in _LAZY_BY_MODULE.items() for name in names},
    **_LAZY_RENAMED,
}


_ANALYTICS = "cosmodrome.analytics"


def __getattr__(name: str) -> Any:
    """Load a lazy name of the façade on first use (PEP 562): a name of :data:`_LAZY` (an
    attribute of its module, or with ``None`` the module itself), any name the analytics
    package exports (its own ``__all__`` is the list), or ``__all__`` itself."""
    if name == "__all__":
        return _public_names()
    if name in _LAZY:
        module, attribute = _LAZY[name]
        loaded = importlib.import_module(module)
        value = loaded if attribute is None else getattr(loaded, attribute)
    elif not name.startswith("_") and name in _analytics_names():
        value = getattr(importlib.import_module(_ANALYTICS), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _analytics_names() -> list[str]:
    # Importing the package loads pandas: done only for a name the eager imports and _LAZY
    # do not know, so a quick command never pays for it.
    return [name for name in importlib.import_module(_ANALYTICS).__all__ if name != "save"]


def vocabularies() -> dict[str, list[dict[str, str]]]:
    """Every closed list the interfaces offer, as ``{"value", "label"}`` pairs in the order
    menus show them: sectors, missions, orbit regimes (with a ``title``), outcome filters and
    outcomes, orbit classes, sort keys of launches and payloads, share dimensions, periods,
    states and the named orbits of ``reach``. The dashboard builds its menus from these, never from copies of its own."""
    from cosmodrome.analytics import DIMENSIONS, PERIODS
    from cosmodrome.capability.reach import NAMED_ORBITS
    from cosmodrome.catalog.outcomes import ORBIT_CLASSES, OUTCOME_LABELS
    from cosmodrome.catalog.payload_queries import SORTABLE as payload_sort
    from cosmodrome.catalog.regimes import REGIME_TITLES, REGIMES
    from cosmodrome.catalog.sectors import MISSIONS, SECTOR_TITLES, SECTORS
    from cosmodrome.display import column_label
    from cosmodrome.states import all_states

    def pairs(values: dict[str, str]) -> list[dict[str, str]]:
        return [{"value": value, "label": label} for value, label in values.items()]

    return {
        "sectors": pairs({s: SECTOR_TITLES[s] for s in SECTORS if s != "unknown"}),
        "missions": pairs(MISSIONS),
        "regimes": [
            {"value": r, "label": r, "title": REGIME_TITLES[r]} for r in REGIMES if r != "unknown"
        ],
        "outcome_filters": pairs({o: _OUTCOME_FILTER_LABELS[o] for o in OUTCOME_NAMES}),
        "outcomes": pairs(OUTCOME_LABELS),
        "orbit_classes": pairs({c: c.replace("_", " ") for c in ORBIT_CLASSES.values()}),
        "launch_sort": pairs({k: column_label(k) for k in _in_order(LAUNCH_SORT_KEYS)}),
        "payload_sort": pairs({k: column_label(k) for k in _in_order(payload_sort)}),
        "dimensions": pairs(
            {d.name: d.title[:1].upper() + d.title[1:] for d in DIMENSIONS.values()}
        ),
        "periods": pairs({p: p.capitalize() for p in PERIODS}),
        "states": pairs({s.code: s.label for s in all_states()}),
        "reach_orbits": pairs(NAMED_ORBITS),
    }


#: The outcome filters in words: a success or a failure counts its partial ones.
_OUTCOME_FILTER_LABELS = {
    "success": "success (with partial successes)",
    "failure": "failure (with partial failures)",
    "full-success": "full success",
    "full-failure": "full failure",
    "partial": "partial (success or failure)",
    "partial-success": "partial success",
    "partial-failure": "partial failure",
}


def _in_order(keys: set[str]) -> list[str]:
    # Dates first (the default sort), then the rest alphabetically: a stable menu.
    return sorted(keys, key=lambda k: (not k.endswith("time_utc"), k))


#: Names this module uses without offering them.
_PLUMBING = frozenset(
    {"annotations", "importlib", "Callable", "datetime", "Path", "TYPE_CHECKING", "Any", "duckdb"}
)


def _public_names() -> list[str]:
    """``__all__``, made from the one list: what this module imports and defines, the lazy
    table and the analytics package's exports (computed on request: it loads pandas)."""
    here = (n for n in globals() if n not in _PLUMBING and not n.startswith("_"))
    return sorted({*here, *_LAZY, *_analytics_names()})


CATALOG_TABLES = (
    "launches",
    "prices",
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
    from cosmodrome.schedule.service import rematch

    report = build_catalog(
        source,
        home,
        allow_shrink=allow_shrink,
        lock_wait_s=DEFAULT_LOCK_WAIT_S if lock_wait_s is None else lock_wait_s,
        on_wait=on_wait,
    )
    rematch(home)  # the kept schedules, matched against the new catalog
    return report


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
    with ``ElementsUpdateRequest(designators=("2023-198",))``); see
    :mod:`cosmodrome.astro.launch_orbits`. :func:`launch_orbit_rows` gives the same rows
    without pandas.
    """
    from cosmodrome.astro.launch_orbits import launch_orbits as _launch_orbits
    from cosmodrome.astro.store import ElementStore, elements_path

    with ElementStore(elements_path(home)) as store:
        return _launch_orbits(con, store, launch, when_utc)


def launch_orbit_rows(
    con: duckdb.DuckDBPyConnection,
    launch: str,
    *,
    when_utc: datetime | None = None,
    home: Path | None = None,
) -> Rows:
    """:func:`launch_orbits` as plain rows (no pandas: the CLI's and the web's path)."""
    from cosmodrome.astro.launch_orbits import launch_orbit_rows as _launch_orbit_rows
    from cosmodrome.astro.store import ElementStore, elements_path

    with ElementStore(elements_path(home)) as store:
        return _launch_orbit_rows(con, store, launch, when_utc)


def prices(con: duckdb.DuckDBPyConnection, vehicle: str | None = None) -> Rows:
    """Dated, sourced price points (:mod:`cosmodrome.catalog.prices`): every one, or those of
    the vehicle a name means (``Falcon 9``, ``Long March 3B``; an unknown name raises with
    the closest names)."""
    from cosmodrome.analytics.value import price_points as _price_points

    if vehicle is None:
        return _price_points(con)
    return _price_points(con, resolve_vehicles(con, vehicle))


def coverage(
    request: CoverageRequest,
    home: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> CoverageResult:
    """Coverage of a region or a place by a constellation (see :class:`CoverageRequest`);
    ``progress`` is called with the number of time steps done."""
    from cosmodrome.astro.coverage.operations import plan_coverage, run_coverage

    return run_coverage(plan_coverage(request, home), progress)
