"""Read-only access to the catalog for the web app, safe while ``update`` swaps the file.

``cosmodrome update`` writes a new catalog beside the old one and renames it into place, so
the file at ``catalog.duckdb`` changes inode. :class:`CatalogPool` checks the file's inode,
size and modification time on every request (one ``stat`` call) and, when they change, opens
the new file as a new *generation*; requests already running keep their cursor on the old
generation, which is closed when its last request ends.

Each generation is opened with :func:`cosmodrome.api.open_catalog`, which attaches
the file read-only to its own in-memory instance (DuckDB shares one instance per path, so a
plain reconnect could keep serving the replaced file).

Every query also runs under a time limit: a watchdog thread interrupts a cursor that is still
busy after ``time_limit_s``; a cursor whose client went away is interrupted at once (see
:mod:`cosmodrome.web.load`). A new file that cannot be opened yet (mid-swap) leaves the
previous generation serving.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cosmodrome import __version__ as package_version
from cosmodrome import api, config
from cosmodrome.errors import CatalogMissingError, CosmodromeError
from cosmodrome.web.load import CURRENT_REQUEST

DEFAULT_QUERY_TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class FileSignature:
    """What identifies one catalog file on disk: a swapped file has a new inode."""

    inode: int
    size_bytes: int
    mtime_ns: int


def file_signature(path: Path) -> FileSignature:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise CatalogMissingError("the server has no catalog yet").with_hints(
            web="Its operator builds one with `make run` or `cosmodrome update`."
        ) from None
    return FileSignature(st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class Generation:
    """One opened catalog file, its metadata, and how many requests are using it."""

    path: Path
    signature: FileSignature
    connection: duckdb.DuckDBPyConnection
    meta: dict[str, str]
    users: int = 0
    retired: bool = False
    #: Cursors that finished a request cleanly, ready for the next one (opening a cursor
    #: and setting it up costs about a millisecond; requests reuse them instead).
    idle: list[duckdb.DuckDBPyConnection] = field(default_factory=list)

    @property
    def catalog_version(self) -> str:
        return self.meta.get("catalog_version", "unknown")

    @property
    def data_date(self) -> str:
        return self.meta.get("data_date", "")

    @property
    def etag(self) -> str:
        """A strong ETag: the catalog version plus a digest of the build and the app version."""
        salt = f"{self.meta.get('built_at_utc', '')}|{package_version}".encode()
        return f'"{self.catalog_version}-{hashlib.sha256(salt).hexdigest()[:8]}"'

    def close(self) -> None:
        for cursor in self.idle:
            with contextlib.suppress(duckdb.Error):
                cursor.close()
        self.idle.clear()
        self.connection.close()


#: Idle cursors kept per generation.
MAX_IDLE_CURSORS = 32


def _open_generation(path: Path, signature: FileSignature) -> Generation:
    con = api.open_catalog(path.parent)
    con.execute("SET enable_external_access = false")
    try:
        meta = api.meta(con)
    except duckdb.Error as error:
        con.close()
        raise CatalogMissingError(
            f"the catalog {path} cannot be read ({str(error).strip().splitlines()[-1]}); it is "
            "damaged"
        ).with_hints(web="Its operator rebuilds it with `cosmodrome update`.") from None
    return Generation(path, signature, con, meta)


@dataclass(order=True)
class _Deadline:
    at_monotonic_s: float
    number: int
    cursor: duckdb.DuckDBPyConnection = field(compare=False)
    done: bool = field(default=False, compare=False)


class Watchdog:
    """Interrupts cursors that run longer than their time limit (one thread for all)."""

    def __init__(self, tick_s: float = 0.1) -> None:
        self._tick_s = tick_s
        self._heap: list[_Deadline] = []
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="cosmodrome-query-watchdog", daemon=True
        )
        self._thread.start()

    def watch(self, cursor: duckdb.DuckDBPyConnection, time_limit_s: float) -> _Deadline:
        deadline = _Deadline(time.monotonic() + time_limit_s, next(self._counter), cursor)
        with self._lock:
            heapq.heappush(self._heap, deadline)
        return deadline

    def _run(self) -> None:
        while not self._stop.wait(self._tick_s):
            now = time.monotonic()
            expired: list[_Deadline] = []
            with self._lock:
                while self._heap and (self._heap[0].done or self._heap[0].at_monotonic_s <= now):
                    item = heapq.heappop(self._heap)
                    if not item.done:
                        expired.append(item)
            for item in expired:
                with contextlib.suppress(duckdb.Error):
                    item.cursor.interrupt()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)


class CatalogPool:
    """Hands out per-request cursors on the current catalog file, re-opening it when swapped.

    >>> pool = CatalogPool(Path("/tmp/web-home"))                      # doctest: +SKIP
    >>> with pool.cursor() as (generation, cursor):                    # doctest: +SKIP
    ...     api.count_launches(cursor)
    6828
    """

    def __init__(
        self, home: Path | None = None, *, time_limit_s: float = DEFAULT_QUERY_TIME_LIMIT_S
    ) -> None:
        self.path = config.catalog_path(home)
        self.time_limit_s = time_limit_s
        self._lock = threading.Lock()
        self._current: Generation | None = None
        self._watchdog = Watchdog()

    def _acquire(self) -> Generation:
        signature = file_signature(self.path)
        with self._lock:
            current = self._current
            if current is None or current.signature != signature:
                try:
                    fresh = _open_generation(self.path, signature)
                except CosmodromeError:
                    if current is None:
                        raise
                    # The new file cannot be opened yet (mid-swap): keep serving the
                    # previous generation; the next request tries the new one again.
                    current.users += 1
                    return current
                if current is not None:
                    current.retired = True
                    if current.users == 0:
                        current.close()
                self._current = current = fresh
            current.users += 1
            return current

    def _release(self, generation: Generation) -> None:
        with self._lock:
            generation.users -= 1
            if generation.retired and generation.users == 0:
                generation.close()

    def generation(self) -> Generation:
        """The current generation (for metadata only; do not keep it across requests)."""
        generation = self._acquire()
        self._release(generation)
        return generation

    @contextmanager
    def cursor(
        self, time_limit_s: float | None = None
    ) -> Iterator[tuple[Generation, duckdb.DuckDBPyConnection]]:
        """A cursor of the current generation, interrupted after ``time_limit_s``."""
        generation = self._acquire()
        limit_s = time_limit_s or self.time_limit_s
        try:
            with self._lock:
                cursor = generation.idle.pop() if generation.idle else None
            if cursor is None:
                cursor = api.catalog_cursor(generation.connection)
            reusable = False
            started = time.monotonic()
            request = CURRENT_REQUEST.get()
            try:
                if request is not None:
                    request.attach(cursor)  # a client that goes away interrupts it
                deadline = self._watchdog.watch(cursor, limit_s)
                try:
                    yield generation, cursor
                    # Reuse only a cursor far from its deadline: a late interrupt must never
                    # reach the next request's query.
                    reusable = time.monotonic() - started < limit_s / 2
                finally:
                    deadline.done = True
                    if request is not None:
                        request.detach(cursor)
                        reusable = reusable and not request.cancelled
            finally:
                with self._lock:
                    keep = reusable and not generation.retired
                    if keep and len(generation.idle) < MAX_IDLE_CURSORS:
                        generation.idle.append(cursor)
                    else:
                        keep = False
                if not keep:
                    cursor.close()
        finally:
            self._release(generation)

    def warm(self) -> None:
        """Read the catalog's name indexes and labels now, so that the first requests do
        not; without a readable catalog there is nothing to read."""
        try:
            with self.cursor() as (_, cursor):
                api.warm_names(cursor)
        except (CosmodromeError, duckdb.Error):
            # Missing or damaged: the server starts anyway, and /api/health says which.
            pass

    def close(self) -> None:
        self._watchdog.stop()
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.close()
                self._current = None
