"""The SQL sandbox: a user's query runs in a child process bounded in time, memory, spill and
output, so that no query can take the caller (``cosmodrome sql``, the server) down with it.

Why a child process: DuckDB's ``memory_limit`` bounds its buffer manager, not every
allocation. ``SELECT repeat('x', 1000000000) FROM range(3)`` peaked at 4 GB under a 256 MB
limit in the caller's own process. The child caps the memory it may allocate
(``RLIMIT_DATA``) at what it holds after opening the catalog plus the memory limit, with
DuckDB's ``memory_limit`` at :data:`DUCKDB_SHARE` of it so that DuckDB usually refuses first
with its own error; any allocation past the cap fails inside the child (a DuckDB error, or
the child's end), and the caller answers with one line either way. The caller also kills a
child that outlives the time limit by :data:`KILL_GRACE_S`.

The command line forks the child (the CLI process holds no DuckDB instance and no threads
when it forks). A multi-threaded caller (the server; any program whose other threads use
DuckDB) calls :func:`serve_from_forkserver` first, and children are then forked from a
small single-threaded process instead.
"""

from __future__ import annotations

import multiprocessing
import resource
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import duckdb

from cosmodrome import config
from cosmodrome.catalog.db import open_catalog
from cosmodrome.errors import CatalogMissingError, InputError
from cosmodrome.tables import Rows

if TYPE_CHECKING:  # loaded by the functions that use them, not at CLI start-up
    from multiprocessing.context import ForkContext, ForkServerContext

    import pandas as pd

DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_ROW_CAP = 100_000
#: Default cap on the bytes a user query may return (text by its length, numbers 8 bytes).
DEFAULT_MAX_OUTPUT_BYTES = 64_000_000
#: The memory a user query may take beyond the query process's size at start, in MB.
DEFAULT_MEMORY_LIMIT_MB = 1024
#: DuckDB's own ``memory_limit``, as a share of the bound: the rest is for what DuckDB
#: allocates outside its buffer manager (a query's strings, the rows of its result).
DUCKDB_SHARE = 0.5
#: How much a user query may spill to its private temporary folder, in memory limits.
SPILL_FACTOR = 2
#: Rows per fetched batch: small enough that a batch of wide rows stays near the output cap.
FETCH_BATCH_ROWS = 64
#: How long past the time limit a child may run before it is killed.
KILL_GRACE_S = 5.0

_context: ForkContext | ForkServerContext = multiprocessing.get_context("fork")


def serve_from_forkserver() -> None:
    """Fork query processes from a forkserver, started now: for a multi-threaded caller (the
    web server), whose own threads and DuckDB instances a fork would copy half-way."""
    global _context
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload([__name__, *_what_main_uses()])
    from multiprocessing import forkserver as server

    server.ensure_running()
    _context = forkserver


def _what_main_uses() -> list[str]:
    """The modules the caller's main module took its names from.

    multiprocessing runs the caller's main module again in each child (as ``__mp_main__``;
    the forkserver's own ``__main__`` preload misses it, its path never reaching the server),
    so the console script's ``from cosmodrome.cli.main import main`` imported the whole CLI
    for every query (90 ms). With those modules preloaded it is a lookup.
    """
    main = sys.modules["__main__"]
    own = getattr(getattr(main, "__spec__", None), "name", None)
    used = set()
    for value in vars(main).values():
        name = (
            value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        )
        if isinstance(name, str) and name in sys.modules and name not in (own, "__main__"):
            used.add(name)
    return sorted(used)


def lock_down(con: duckdb.DuckDBPyConnection, memory_limit_mb: int, spill: Path) -> None:
    """Forbid file access (COPY, ATTACH, read_csv), set DuckDB's memory limit (its share of
    ``memory_limit_mb``) and the spill's, and lock the configuration.

    DuckDB spills what passes ``memory_limit`` to ``temp_directory``, by default ``.tmp`` in
    the working directory with 90 % of the disk allowed: a user's ``DISTINCT`` over
    300 million rows wrote 3.2 GB there. Here the spill goes to ``spill`` (a private folder
    the caller removes), at most :data:`SPILL_FACTOR` times the memory limit.
    """
    # The spill folder first: without external access DuckDB refuses to change it.
    quoted = str(spill).replace("'", "''")
    con.execute(f"SET temp_directory = '{quoted}'")
    con.execute(f"SET max_temp_directory_size = '{memory_limit_mb * SPILL_FACTOR}MB'")
    con.execute("SET enable_progress_bar = false")  # not into the caller's terminal or log
    con.execute("SET enable_external_access = false")
    con.execute(f"SET memory_limit = '{max(1, int(memory_limit_mb * DUCKDB_SHARE))}MB'")
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


@dataclass(frozen=True)
class Limits:
    """What one user query may use."""

    time_limit_s: float
    row_cap: int
    max_output_bytes: int
    memory_limit_mb: int

    def memory_message(self) -> str:
        return (
            f"query stopped at the {self.memory_limit_mb:,} MB memory limit (and "
            f"{self.memory_limit_mb * SPILL_FACTOR:,} MB of spill to disk); select fewer rows "
            "or columns, or aggregate"
        )

    def time_message(self) -> str:
        return f"query stopped after the {self.time_limit_s:g} s time limit (--time-limit-s)"


def check_limits(**limits: float) -> None:
    """Refuse a limit that is zero or negative: it would switch the limit off, not tighten it."""
    for name, value in limits.items():
        if not value > 0:
            raise InputError(f"{name} must be positive, not {value:g}")


def run_user_sql(
    home: Path | None,
    sql: str,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    row_cap: int = DEFAULT_ROW_CAP,
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
    params: dict[str, object] | None = None,
) -> QueryResult:
    """Run a user's SQL on the catalog in ``home``: read-only, no file access, bounded in
    time, memory, spill and output; ``params`` are the values of its named parameters
    (``$site``), never spliced into it.

    The query runs in a child process (see the module's notes): the time limit covers
    executing the query and fetching its rows; ``memory_limit_mb`` bounds what the child may
    allocate beyond its size at start; the result is fetched in batches whose size is counted,
    and a result larger than ``max_output_bytes`` is an error rather than gigabytes of
    output. Passing any bound is an :class:`InputError` of one line.
    """
    check_limits(
        time_limit_s=time_limit_s,
        row_cap=row_cap,
        max_output_bytes=max_output_bytes,
        memory_limit_mb=memory_limit_mb,
    )
    limits = Limits(time_limit_s, row_cap, max_output_bytes, memory_limit_mb)
    # The caller's home, resolved here: a forkserver keeps the environment it started with.
    folder = config.catalog_path(home).parent
    spill = Path(tempfile.mkdtemp(prefix="cosmodrome-sql-"))
    try:
        answer = _run_in_child(folder, sql, params, limits, spill)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return _answer(answer, limits)


#: What the child sends back: ("rows", Rows, truncated) or ("error", kind, text).
Answer = tuple[str, object, object]


def _run_in_child(
    home: Path | None,
    sql: str,
    params: dict[str, object] | None,
    limits: Limits,
    spill: Path,
) -> Answer:
    """The child's answer, or ("ended", its exit status, None) when it sent none."""
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_child_main, args=(sender, home, sql, params, limits, spill), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.time_limit_s + KILL_GRACE_S):
            raise InputError(limits.time_message())
        answer: Answer = receiver.recv()
        return answer
    except EOFError:
        child.join()
        return ("ended", child.exitcode, None)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _answer(answer: Answer, limits: Limits) -> QueryResult:
    kind, payload, detail = answer
    if kind == "ended":
        # Killed by a signal (negative status): an allocation past the cap that C++ code
        # could not turn into an error. A positive status is a bug, whose traceback the
        # child printed.
        if isinstance(payload, int) and payload < 0:
            raise InputError(limits.memory_message())
        raise InputError(f"the query's process ended without an answer (status {payload})")
    if kind == "rows":
        assert isinstance(payload, Rows) and isinstance(detail, bool)
        return QueryResult(payload, detail)
    if payload == "catalog":
        raise CatalogMissingError(str(detail))
    raise InputError(str(detail))


def _child_main(
    sender: Connection,
    home: Path | None,
    sql: str,
    params: dict[str, object] | None,
    limits: Limits,
    spill: Path,
) -> None:
    """In the child: open the catalog, cap the address space, run, send one answer."""
    answer: Answer
    try:
        con = open_catalog(home)
        _cap_data(limits.memory_limit_mb)
        lock_down(con, limits.memory_limit_mb, spill)
        answer = _run_locked(con, sql, params, limits)
    except CatalogMissingError as error:
        answer = ("error", "catalog", str(error))
    except InputError as error:
        answer = ("error", "input", str(error))
    except MemoryError:
        answer = ("error", "input", limits.memory_message())
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("error", "input", limits.memory_message()))
    sender.close()


def _cap_data(memory_limit_mb: int) -> None:
    """Let this process allocate at most ``memory_limit_mb`` more than it holds now.

    ``RLIMIT_DATA`` counts the private writable memory a process maps (heap, anonymous
    mappings, thread stacks), close to what it can make resident; ``RLIMIT_AS`` would also
    count the address space that allocators reserve without using (a thread's malloc arena
    reserves 64 MB), a gigabyte of it once DuckDB has started its threads.
    """
    with open("/proc/self/status", encoding="utf-8") as status:
        held_kb = next(int(line.split()[1]) for line in status if line.startswith("VmData:"))
    cap = held_kb * 1024 + memory_limit_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _run_locked(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, object] | None,
    limits: Limits,
) -> Answer:
    """The query's rows, on a locked-down connection."""
    deadline = time.monotonic() + limits.time_limit_s
    timer = threading.Timer(limits.time_limit_s, con.interrupt)
    timer.start()
    try:
        con.execute(sql, params or None)  # a stream: rows are made as they are fetched
        if con.description is None:  # a statement without rows
            return ("rows", Rows([], []), False)
        rows, truncated = _fetch_bounded(con, limits, deadline)
        if time.monotonic() > deadline:
            raise duckdb.InterruptException("time limit")
        return ("rows", rows, truncated)
    except duckdb.InterruptException:
        raise InputError(limits.time_message()) from None
    except duckdb.OutOfMemoryException:
        raise InputError(limits.memory_message()) from None
    except duckdb.Error as error:
        message = str(error)
        if "read-only" in message or "read_only" in message:
            raise InputError(f"the catalog is read-only; {message}") from None
        if "bad_alloc" in message or "bad allocation" in message:
            raise InputError(limits.memory_message()) from None
        raise InputError(f"SQL error: {message}") from None
    finally:
        timer.cancel()


def _fetch_bounded(
    con: duckdb.DuckDBPyConnection, limits: Limits, deadline: float
) -> tuple[Rows, bool]:
    """At most ``row_cap`` rows as Python values (as DuckDB's ``fetchall`` gives them; names
    may repeat), refusing more than ``max_output_bytes``, fetched in batches so that the
    caps hold before the whole result exists."""
    rows: list[tuple[object, ...]] = []
    size = 0
    while len(rows) <= limits.row_cap:
        batch = con.fetchmany(FETCH_BATCH_ROWS)
        if not batch:
            break
        size += sum(map(_size_bytes, batch))
        if size > limits.max_output_bytes:
            raise InputError(
                f"the result is larger than the {limits.max_output_bytes / 1e6:g} MB "
                "output cap (--max-output-mb); select fewer rows or columns"
            )
        if time.monotonic() > deadline:
            raise duckdb.InterruptException("time limit")
        rows.extend(batch)
    columns = [column[0] for column in con.description or ()]
    return Rows(columns, rows[: limits.row_cap]), len(rows) > limits.row_cap


def _size_bytes(value: object) -> int:
    """About what ``value`` takes in an answer: text and bytes their length, containers the
    sum of their items, any other value 8 bytes."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, tuple | list):
        return 8 + sum(map(_size_bytes, value))
    if isinstance(value, dict):
        return 8 + sum(_size_bytes(k) + _size_bytes(v) for k, v in value.items())
    return 8
