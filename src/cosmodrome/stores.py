"""The DuckDB stores beside the catalog (element sets, schedule snapshots): one writer at a
time, readers never blocked, a failed write leaves no trace.

The catalog is rebuilt whole and swapped in (:mod:`cosmodrome.catalog.build`); the element
and schedule stores only grow, so a writer here copies the current file to
``NAME.building-PID-RANDOM``, adds to the copy and renames it over the store when done,
holding ``NAME.lock`` (``filelock``) meanwhile. DuckDB lets a file be open for writing by
one process and for nothing else, so writing in place made every reader (``elements
where``, the server's ``/api/passes``) fail with "Could not set lock" while a load ran;
with the copy, readers keep the previous state until the rename, as SQLite promises of a
database file: a reader sees a complete state, and a writer that fails (full disk,
read-only home, Ctrl-C) leaves the store as it was.

A store that cannot be read (truncated, overwritten) is a :class:`StoreDamagedError` saying
how to rebuild it; :func:`store_health` reports each store's state for ``/api/health``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import filelock

from cosmodrome.errors import CosmodromeError

#: How long a writer waits for another writer of the same store.
DEFAULT_LOCK_WAIT_S = 120.0


class StoreDamagedError(CosmodromeError):
    """A store file that exists but cannot be read; says how to rebuild it."""


class StoreWriteError(CosmodromeError):
    """A store could not be written (full disk, read-only home); the store is unchanged."""


class StoreLockedError(CosmodromeError):
    """Another writer held the store's lock for longer than this one would wait."""


@dataclass(frozen=True)
class StoreKind:
    """What a store is called and the command that (re)fills it."""

    label: str
    rebuild: str


def _reason(error: BaseException) -> str:
    """The last line of an error (DuckDB's carry a multi-line context)."""
    text = str(error).strip() or type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror + (f": {error.filename}" if error.filename else "")
    return text.splitlines()[-1]


def damaged(path: Path, kind: StoreKind, error: BaseException) -> StoreDamagedError:
    return StoreDamagedError(
        f"the {kind.label} {path} cannot be read ({_reason(error)}); it is damaged. Move it "
        f"aside and rebuild it with `{kind.rebuild}`"
    )


def connect_read_only(path: Path, kind: StoreKind) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``path``; a file DuckDB cannot open is damaged.

    As for the catalog (:func:`cosmodrome.catalog.db.open_catalog`), the file is attached to
    a fresh in-memory instance: DuckDB shares one instance per path inside a process, and a
    server whose requests overlap would otherwise keep reading a replaced file for ever.
    """
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
        con.execute("USE store")
    except duckdb.Error as error:
        con.close()
        raise damaged(path, kind, error) from None
    return con


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def writer_lock(path: Path, kind: StoreKind, wait_s: float = DEFAULT_LOCK_WAIT_S) -> Iterator[None]:
    """Hold the writer lock of the store at ``path``; wait up to ``wait_s`` for another."""
    lock = filelock.FileLock(str(lock_path(path)))
    try:
        lock.acquire(timeout=wait_s)
    except filelock.Timeout:
        raise StoreLockedError(
            f"another command is writing the {kind.label} {path} (lock {lock_path(path)}) and "
            f"still was after {wait_s:g} s; try again when it has finished"
        ) from None
    except OSError as error:
        raise StoreWriteError(
            f"cannot write the {kind.label} in {path.parent}: {error.strerror or error}"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def write_store(
    path: Path, kind: StoreKind, wait_s: float = DEFAULT_LOCK_WAIT_S
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of the store, renamed over it when the block ends
    without an error; on an error the copy is removed and the store is as it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreWriteError(f"cannot create {path.parent}: {error.strerror or error}") from None
    with writer_lock(path, kind, wait_s):
        remove_unfinished(path)
        building = path.with_name(f"{path.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            con = _open_copy(path, building, kind)
            try:
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(building, path)
        except (OSError, duckdb.Error) as error:
            raise StoreWriteError(
                f"could not write the {kind.label} {path}: {_reason(error)}. The store is "
                "unchanged."
            ) from None
        finally:
            for leftover in (building, building.with_name(building.name + ".wal")):
                leftover.unlink(missing_ok=True)


def _open_copy(path: Path, building: Path, kind: StoreKind) -> duckdb.DuckDBPyConnection:
    """Copy the store (and a write-ahead log an older writer left) and open the copy."""
    if path.is_file():
        _check_readable(path, kind)
        shutil.copyfile(path, building)
        wal = path.with_name(path.name + ".wal")
        if wal.is_file():
            shutil.copyfile(wal, building.with_name(building.name + ".wal"))
    return duckdb.connect(str(building))


def _check_readable(path: Path, kind: StoreKind) -> None:
    """Refuse to add to a damaged store: the copy would carry the damage forward."""
    con = connect_read_only(path, kind)
    try:
        con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
    except duckdb.Error as error:
        raise damaged(path, kind, error) from None
    finally:
        con.close()


def remove_unfinished(path: Path) -> None:
    """Delete copies killed writers left (only called under the lock)."""
    for leftover in path.parent.glob(path.name + ".building-*"):
        leftover.unlink(missing_ok=True)


def store_health(path: Path, kind: StoreKind, probe_sql: str) -> dict[str, str]:
    """``{"state": "ok" | "missing" | "damaged", ...}`` for one store, with how to rebuild
    a damaged or missing one; ``probe_sql`` reads a little of each table that matters."""
    if not path.is_file():
        return {"state": "missing", "rebuild": kind.rebuild}
    try:
        con = connect_read_only(path, kind)
        try:
            con.execute(probe_sql).fetchall()
        finally:
            con.close()
    except (StoreDamagedError, duckdb.Error) as error:
        reason = str(error) if isinstance(error, StoreDamagedError) else _reason(error)
        return {"state": "damaged", "reason": reason, "rebuild": kind.rebuild}
    return {"state": "ok"}


#: Each store of a home: its file name, what it is, and a query that reads its main tables.
HOME_STORES: dict[str, tuple[str, StoreKind, str]] = {
    "catalog": (
        "catalog.duckdb",
        StoreKind("catalog", "cosmodrome update"),
        "SELECT (SELECT count(*) FROM meta), (SELECT count(*) FROM launches)",
    ),
    "elements": (
        "elements.duckdb",
        StoreKind("element store", "cosmodrome elements update"),
        "SELECT count(*) FROM element_sets",
    ),
    "schedule": (
        "schedule.duckdb",
        StoreKind("schedule store", "cosmodrome schedule update --source URL_OR_FOLDER"),
        "SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM entries)",
    ),
}


def home_health(home: Path) -> dict[str, dict[str, str]]:
    """The state of every store in ``home`` (see :func:`store_health`), by store name."""
    return {
        name: store_health(home / file, kind, probe)
        for name, (file, kind, probe) in HOME_STORES.items()
    }
