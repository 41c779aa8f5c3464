"""Connections to the catalog: read-only, with a time limit and a row cap.

All writes happen in :mod:`cosmodrome.catalog.build`, which writes a new file and swaps it
in; every other reader opens the catalog read-only.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from cosmodrome import config
from cosmodrome.errors import CatalogMissingError, InputError
from cosmodrome.tables import Rows

if TYPE_CHECKING:  # loaded by the functions that use them, not at CLI start-up
    import pandas as pd
    import pyarrow as pa

DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_ROW_CAP = 100_000
#: Default cap on the bytes a user query may return (Arrow size of the result).
DEFAULT_MAX_OUTPUT_BYTES = 64_000_000
#: DuckDB's memory limit for user queries, in MB.
DEFAULT_MEMORY_LIMIT_MB = 1024
#: How much a user query may spill to its private temporary folder, in memory limits.
SPILL_FACTOR = 2
#: Rows per fetched batch: small enough that a batch of wide rows stays near the output cap.
FETCH_BATCH_ROWS = 256
#: How long a reader keeps retrying a catalog that an update is swapping in.
LOCK_RETRY_S = 5.0


def open_catalog(home: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the catalog in ``home`` read-only; a missing catalog says how to build one.

    The file is attached read-only to a fresh in-memory DuckDB instance rather than opened
    with ``duckdb.connect(path)``: DuckDB shares one instance per path inside a process, so
    after ``update`` swapped in a new file a plain reconnect could still see the old one.
    Sessions run in UTC, so date comparisons never depend on the machine's time zone.
    """
    path = config.catalog_path(home)
    if not path.is_file():
        raise CatalogMissingError(
            f"no catalog at {path}. Build it with `cosmodrome update` (downloads GCAT) or "
            "`cosmodrome update --source PATH` for a local mirror such as ../shared/data."
        )
    deadline = time.monotonic() + LOCK_RETRY_S
    while True:
        con = duckdb.connect(":memory:")
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


def lock_down(
    con: duckdb.DuckDBPyConnection,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
    spill: Path | None = None,
) -> None:
    """Forbid file access (COPY, ATTACH, read_csv), cap memory and spill, and lock the
    configuration.

    DuckDB spills what passes ``memory_limit`` to ``temp_directory``, by default ``.tmp`` in
    the working directory with 90 % of the disk allowed: a user's ``DISTINCT`` over
    300 million rows wrote 3.2 GB there. With ``spill`` (a private folder the caller removes)
    the spill goes there, at most :data:`SPILL_FACTOR` times the memory limit; without it,
    nothing spills.
    """
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchall()
    if locked and locked[0][0]:
        return
    # The spill folder first: without external access DuckDB refuses to change it.
    if spill is not None:
        quoted = str(spill).replace("'", "''")
        con.execute(f"SET temp_directory = '{quoted}'")
        con.execute(f"SET max_temp_directory_size = '{int(memory_limit_mb * SPILL_FACTOR)}MB'")
    else:
        con.execute("SET temp_directory = ''")
    con.execute("SET enable_external_access = false")
    con.execute(f"SET memory_limit = '{int(memory_limit_mb)}MB'")
    con.execute("SET lock_configuration = true")


@dataclass(frozen=True)
class QueryResult:
    """A user query's rows as plain Python values, and whether ``row_cap`` cut them short."""

    rows: Rows
    truncated: bool

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, for Python users (loads pandas; names may repeat)."""
        import pandas as pd

        columns = self.rows.columns
        frame = pd.DataFrame({i: [row[i] for row in self.rows.rows] for i in range(len(columns))})
        if frame.empty and not len(frame.columns):
            frame = pd.DataFrame(columns=range(len(columns)))
        frame.columns = pd.Index(columns)
        return frame


def check_limits(**limits: float) -> None:
    """Refuse a limit that is zero or negative: it would switch the limit off, not tighten it."""
    for name, value in limits.items():
        if not value > 0:
            raise InputError(f"{name} must be positive, not {value:g}")


def run_user_sql(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    row_cap: int = DEFAULT_ROW_CAP,
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
    params: dict[str, object] | None = None,
) -> QueryResult:
    """Run a user's SQL: read-only, no file access, bounded in time, memory and output;
    ``params`` are the values of its named parameters (``$site``), never spliced into it.

    The time limit covers executing the query and fetching its rows (DuckDB is interrupted,
    and the fetch checks the clock between batches); DuckDB's ``memory_limit`` bounds what
    the query may hold; the result is fetched as Arrow batches whose size is counted, and a
    result larger than ``max_output_bytes`` is an error rather than gigabytes of output.
    """
    check_limits(
        time_limit_s=time_limit_s,
        row_cap=row_cap,
        max_output_bytes=max_output_bytes,
        memory_limit_mb=memory_limit_mb,
    )
    spill = Path(tempfile.mkdtemp(prefix="cosmodrome-sql-"))
    try:
        lock_down(con, memory_limit_mb, spill)
        return _run_locked(
            con, sql, params, time_limit_s, row_cap, max_output_bytes, memory_limit_mb
        )
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _run_locked(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, object] | None,
    time_limit_s: float,
    row_cap: int,
    max_output_bytes: int,
    memory_limit_mb: int,
) -> QueryResult:
    """:func:`run_user_sql` on a locked-down connection."""

    deadline = time.monotonic() + time_limit_s
    timer = threading.Timer(time_limit_s, con.interrupt)
    timer.start()
    try:
        relation = con.sql(sql, params=params or None)
        if relation is None:
            return QueryResult(Rows([], []), False)
        table, truncated = _fetch_bounded(relation, row_cap, max_output_bytes, deadline)
        if time.monotonic() > deadline:
            raise duckdb.InterruptException("time limit")
    except duckdb.InterruptException:
        raise InputError(
            f"query stopped after the {time_limit_s:g} s time limit (--time-limit-s)"
        ) from None
    except duckdb.OutOfMemoryException:
        raise InputError(
            f"query stopped at the {memory_limit_mb:,} MB memory limit (and "
            f"{memory_limit_mb * SPILL_FACTOR:,} MB of spill to disk); select fewer rows or "
            "columns, or aggregate"
        ) from None
    except duckdb.Error as error:
        message = str(error)
        if "read-only" in message or "read_only" in message:
            raise InputError(f"the catalog is read-only; {message}") from None
        raise InputError(f"SQL error: {message}") from None
    finally:
        timer.cancel()
    return QueryResult(_rows(table), truncated)


def _fetch_bounded(
    relation: duckdb.DuckDBPyRelation, row_cap: int, max_output_bytes: int, deadline: float
) -> tuple[pa.Table, bool]:
    """At most ``row_cap`` rows as Arrow, refusing more than ``max_output_bytes``."""
    import pyarrow as pa

    reader = relation.to_arrow_reader(FETCH_BATCH_ROWS)
    batches: list[pa.RecordBatch] = []
    rows = size = 0
    try:
        for batch in reader:
            size += batch.nbytes
            if size > max_output_bytes:
                raise InputError(
                    f"the result is larger than the {max_output_bytes / 1e6:g} MB output cap "
                    "(--max-output-mb); select fewer rows or columns"
                )
            if time.monotonic() > deadline:
                raise duckdb.InterruptException("time limit")
            batches.append(batch)
            rows += batch.num_rows
            if rows > row_cap:
                break
    except (OSError, pa.ArrowException) as error:
        # DuckDB interrupted mid-stream surfaces through Arrow's reader as an Arrow error.
        if time.monotonic() >= deadline or "interrupt" in str(error).lower():
            raise duckdb.InterruptException("time limit") from None
        raise InputError(f"SQL error: {error}") from None
    finally:
        reader.close()
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return table.slice(0, row_cap), rows > row_cap


def _rows(table: pa.Table) -> Rows:
    """Python values per column (as DuckDB's ``fetchall`` gives them); names may repeat."""
    columns = [column.to_pylist() for column in table.columns]
    return Rows(list(table.column_names), list(zip(*columns, strict=True)))
