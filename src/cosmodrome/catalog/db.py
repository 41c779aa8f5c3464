"""Connections to the catalog, read-only.

All writes happen in :mod:`cosmodrome.catalog.build`, which writes a new file and swaps it
in; every other reader opens the catalog read-only. Users' own SQL runs in the sandbox of
:mod:`cosmodrome.catalog.sandbox`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cosmodrome import config
from cosmodrome.errors import CatalogMissingError

#: How long a reader keeps retrying a catalog that an update is swapping in.
LOCK_RETRY_S = 5.0


def open_catalog(home: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the catalog in ``home`` read-only; a missing catalog says how to build one.

    The file is attached read-only to a fresh in-memory DuckDB instance rather than opened
    with ``duckdb.connect(path)``: DuckDB shares one instance per path inside a process, so
    after ``update`` swapped in a new file a plain reconnect could still see the old one.
    Sessions run in UTC, so date comparisons never depend on the machine's time zone. Each
    query runs on the thread that asks it: the catalog's tables are small (thousands of
    launches), DuckDB's second thread cost the analyses up to a fifth more CPU for as much
    wall time, give or take a tenth (``benchmarks/bench_analytics.py``), and a server's
    concurrent requests keep every core busy themselves (``benchmarks/bench_load.py``: the
    median answer at 200/s took 15 ms, not 21).
    """
    path = config.catalog_path(home)
    if not path.is_file():
        raise CatalogMissingError(
            f"no catalog at {path}. Build it with `cosmodrome update` (downloads GCAT) or "
            "`cosmodrome update --source PATH` for a local mirror such as ../shared/data."
        )
    deadline = time.monotonic() + LOCK_RETRY_S
    while True:
        con = duckdb.connect(":memory:", config={"threads": 1})
        try:
            quoted = str(path).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS catalog (READ_ONLY)")
            _use_catalog_in_utc(con)
        except duckdb.Error as error:
            con.close()
            # A file being swapped in can be briefly locked or gone: try again shortly.
            transient = "lock" in str(error).lower() or not path.is_file()
            if transient and time.monotonic() < deadline:
                time.sleep(0.02)
                continue
            raise CatalogMissingError(
                f"cannot open the catalog at {path}: {error}. Rebuild it with `cosmodrome update`."
            ) from None
        return con


def catalog_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor (for another thread) on a connection from :func:`open_catalog`."""
    cursor = con.cursor()
    _use_catalog_in_utc(cursor)
    return cursor


def _use_catalog_in_utc(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("USE catalog")
    con.execute("SET TimeZone = 'UTC'")


@contextmanager
def catalog(home: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(home)
    try:
        yield con
    finally:
        con.close()


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())
