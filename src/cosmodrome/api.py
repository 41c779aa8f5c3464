"""The public Python API: the façade the CLI, the REST API and the dashboard all use.

>>> from cosmodrome import api
>>> api.update("../shared/data")                                  # doctest: +SKIP
>>> with api.catalog() as con:                                    # doctest: +SKIP
...     api.launches(con, api.LaunchFilter(site="Baikonur"), limit=5)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from cosmodrome.capability.reach import capability_summary
from cosmodrome.catalog.build import BuildReport, build_catalog
from cosmodrome.catalog.db import QueryResult, catalog, meta, open_catalog, run_user_sql
from cosmodrome.catalog.names import (
    resolve_agencies,
    resolve_owners,
    resolve_sites,
    resolve_vehicles,
)
from cosmodrome.catalog.queries import (
    LaunchFilter,
    count_launches,
    launches,
    launches_per_year,
    site_detail,
    sites,
)

__all__ = [
    "BuildReport",
    "LaunchFilter",
    "QueryResult",
    "catalog",
    "count_launches",
    "export_catalog",
    "launches",
    "launches_per_year",
    "meta",
    "open_catalog",
    "resolve_agencies",
    "resolve_owners",
    "resolve_sites",
    "resolve_vehicles",
    "run_user_sql",
    "site_capability",
    "site_detail",
    "sites",
    "update",
]

CATALOG_TABLES = (
    "launches",
    "payloads",
    "sites",
    "organisations",
    "vehicles",
    "objects",
    "quarantine",
    "meta",
)


def update(source: str, home: Path | None = None) -> BuildReport:
    """Download GCAT from ``source`` (URL or local mirror) and rebuild the catalog."""
    return build_catalog(source, home)


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
