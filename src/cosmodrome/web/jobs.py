"""Long computations (coverage over a country) run as jobs on a small thread pool.

``POST`` creates a job and answers its id at once; ``GET`` shows its status, progress
(0 to 1) and, once done, its result. A job's function receives a :class:`JobProgress` and
calls it as it goes; that call is also where a job past its time limit, or cancelled at
shutdown, stops (threads cannot be killed from outside, so the work must check in).

Jobs live in a SQLite file beside the catalog (``jobs.sqlite3``), so every worker process of
``cosmodrome serve --workers N`` sees every job whichever worker runs it, and finished jobs
survive a restart; a job whose server stopped before it finished is marked failed with a
message saying to submit it again. Limits keep one user from starving the others: at most
``max_queued`` jobs waiting or running in all, at most ``max_per_client`` of them from one
client (both answered ``429`` with ``Retry-After``), ``max_kept`` finished jobs remembered,
and ``time_limit_s`` per job.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cosmodrome.errors import CosmodromeError, InputError, UnknownNameError
from cosmodrome.timeutil import isoformat_z
from cosmodrome.web.errors import BusyError

Status = Literal["queued", "running", "done", "failed"]


class JobStopped(CosmodromeError):
    """A job stopped before finishing: past its time limit, or the server is shutting down."""


class JobProgress:
    """Handed to a job's function: ``progress(fraction, message)`` reports and checks in."""

    def __init__(
        self,
        job: Job,
        time_limit_s: float,
        stopping: threading.Event,
        save: Callable[[Job], None] = lambda _job: None,
    ) -> None:
        self._job = job
        self._deadline = time.monotonic() + time_limit_s
        self._time_limit_s = time_limit_s
        self._stopping = stopping
        self._save = save
        self._saved_at = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        self._job.progress = min(1.0, max(0.0, float(fraction)))
        if message:
            self._job.message = message
        now = time.monotonic()
        if now - self._saved_at > PROGRESS_SAVE_INTERVAL_S:  # other workers see progress
            self._saved_at = now
            self._save(self._job)
        if self._stopping.is_set():
            raise JobStopped("the server is shutting down; submit the job again")
        if time.monotonic() > self._deadline:
            raise JobStopped(
                f"the job ran past its {self._time_limit_s:g} s time limit; ask for a smaller "
                "region, a coarser grid or a shorter period"
            )


#: How often a running job's progress is written to the store, at most.
PROGRESS_SAVE_INTERVAL_S = 0.25


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    client: str = ""
    owner: str = ""
    status: Status = "queued"
    progress: float = 0.0
    message: str = "waiting for a worker"
    created_utc: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_utc: datetime | None = None
    finished_utc: datetime | None = None
    result: Any = None
    error: dict[str, Any] | None = None

    def view(self) -> dict[str, Any]:
        """The job as the API shows it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "created_utc": isoformat_z(self.created_utc),
            "started_utc": isoformat_z(self.started_utc) if self.started_utc else None,
            "finished_utc": isoformat_z(self.finished_utc) if self.finished_utc else None,
            "error": self.error,
            "result": self.result if self.status == "done" else None,
        }


JobFunction = Callable[[JobProgress], Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    client TEXT NOT NULL,
    owner TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL,
    message TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    started_utc TEXT,
    finished_utc TEXT,
    result TEXT,
    error TEXT
)
"""
_COLUMNS = (
    "id",
    "kind",
    "client",
    "owner",
    "params",
    "status",
    "progress",
    "message",
    "created_utc",
    "started_utc",
    "finished_utc",
    "result",
    "error",
)
ACTIVE = ("queued", "running")


def this_process() -> str:
    """Who runs a job: host and process id, so other workers can tell when it died."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's worker: trust its record
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobStore:
    """Jobs in a SQLite file that every worker process opens (WAL; one connection each)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: sqlite3.Connection | None = None

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._con is None:
                self._con = self._open()
            with self._con:
                yield self._con

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            con = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(str(self.path), timeout=10.0, check_same_thread=False)
            con.execute("PRAGMA journal_mode = WAL")
        con.execute(_SCHEMA)
        con.execute("CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, client)")
        return con

    def save(self, job: Job) -> None:
        row = (
            job.id,
            job.kind,
            job.client,
            job.owner,
            json.dumps(job.params),
            job.status,
            job.progress,
            job.message,
            job.created_utc.isoformat(),
            job.started_utc.isoformat() if job.started_utc else None,
            job.finished_utc.isoformat() if job.finished_utc else None,
            json.dumps(job.result) if job.status == "done" else None,
            json.dumps(job.error) if job.error is not None else None,
        )
        marks = ", ".join("?" for _ in _COLUMNS)
        with self.connection() as con:
            con.execute(
                f"INSERT OR REPLACE INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})", row
            )

    def load(self, job_id: str) -> Job | None:
        with self.connection() as con:
            row = con.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return None if row is None else _job_from_row(row)

    def active(self) -> list[tuple[str, str, str]]:
        """``(id, client, owner)`` of every queued or running job."""
        with self.connection() as con:
            return con.execute(
                "SELECT id, client, owner FROM jobs WHERE status IN (?, ?)", ACTIVE
            ).fetchall()

    def fail_orphans(self, owners_alive: Callable[[str], bool]) -> None:
        """Mark failed the active jobs whose server process is gone."""
        for job_id, _client, owner in self.active():
            if not owners_alive(owner):
                job = self.load(job_id)
                if job is not None:
                    orphaned(job)
                    self.save(job)

    def forget_old(self, keep: int) -> None:
        with self.connection() as con:
            con.execute(
                "DELETE FROM jobs WHERE status NOT IN (?, ?) AND id NOT IN "
                "(SELECT id FROM jobs WHERE status NOT IN (?, ?) "
                "ORDER BY finished_utc DESC LIMIT ?)",
                (*ACTIVE, *ACTIVE, keep),
            )


def _job_from_row(row: tuple[Any, ...]) -> Job:
    values = dict(zip(_COLUMNS, row, strict=True))
    return Job(
        id=values["id"],
        kind=values["kind"],
        params=json.loads(values["params"]),
        client=values["client"],
        owner=values["owner"],
        status=values["status"],
        progress=values["progress"],
        message=values["message"],
        created_utc=datetime.fromisoformat(values["created_utc"]),
        started_utc=_when(values["started_utc"]),
        finished_utc=_when(values["finished_utc"]),
        result=json.loads(values["result"]) if values["result"] else None,
        error=json.loads(values["error"]) if values["error"] else None,
    )


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def orphaned(job: Job) -> None:
    """A job whose server stopped before it finished: failed, with what to do."""
    message = "the server stopped before the job finished; submit it again"
    job.status = "failed"
    job.message = message
    job.finished_utc = datetime.now(UTC)
    job.error = {"type": "JobStopped", "status": 503, "message": message, "suggestions": []}


class JobManager:
    """Runs jobs on a :class:`~concurrent.futures.ThreadPoolExecutor`; keeps them in a store.

    ``store_path`` is the SQLite file shared by the server's workers (``None``: in memory,
    for one process).
    """

    def __init__(
        self,
        *,
        max_workers: int = 2,
        max_queued: int = 8,
        max_per_client: int = 2,
        max_kept: int = 100,
        time_limit_s: float = 120.0,
        store_path: Path | None = None,
    ) -> None:
        self.max_queued = max_queued
        self.max_per_client = max_per_client
        self.max_kept = max_kept
        self.time_limit_s = time_limit_s
        self.store = JobStore(store_path)
        self._max_workers = max_workers
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="cosmodrome-job"
        )
        self._running: dict[str, Job] = {}  # jobs of this process, freshest state
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._owner = this_process()
        self._orphans_checked = False

    def submit(
        self, kind: str, params: dict[str, Any], function: JobFunction, client: str = ""
    ) -> Job:
        """Queue ``function``; raises :class:`BusyError` (429) when the queue is full or the
        client already has ``max_per_client`` jobs queued or running."""
        with self._lock:
            self._check_orphans()
            active = [row for row in self.store.active() if owner_alive(row[2])]
            mine = sum(1 for _id, who, _owner in active if who == client)
            if mine >= self.max_per_client:
                raise BusyError(
                    f"you already have {mine} coverage job(s) queued or running (limit "
                    f"{self.max_per_client} per client); wait for one to finish",
                    status=429,
                    retry_after_s=10,
                )
            if len(active) >= self.max_queued:
                raise BusyError(
                    f"{len(active)} jobs are already queued or running (limit "
                    f"{self.max_queued}); wait for one to finish and try again",
                    status=429,
                    retry_after_s=10,
                )
            if self._stopping.is_set():
                raise BusyError("the server is shutting down; submit the job again shortly")
            job = Job(uuid.uuid4().hex, kind, params, client=client, owner=self._owner)
            self.store.save(job)
            self._running[job.id] = job
            self.store.forget_old(self.max_kept)
            self._executor.submit(self._run, job, function)
        return job

    def start(self) -> None:
        """(Re)start the worker pool: the server's start-up after an earlier shutdown."""
        with self._lock:
            if self._stopping.is_set():
                self._executor = ThreadPoolExecutor(
                    max_workers=self._max_workers, thread_name_prefix="cosmodrome-job"
                )
                self._stopping = threading.Event()

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._running.get(job_id)
        if job is not None:
            return job
        stored = self.store.load(job_id)
        if stored is None:
            raise UnknownNameError("job", job_id, [])
        if stored.status in ACTIVE and not owner_alive(stored.owner):
            orphaned(stored)
            self.store.save(stored)
        return stored

    def _check_orphans(self) -> None:
        if not self._orphans_checked:
            self.store.fail_orphans(owner_alive)
            self._orphans_checked = True

    def _run(self, job: Job, function: JobFunction) -> None:
        job.status = "running"
        job.message = "running"
        job.started_utc = datetime.now(UTC)
        self.store.save(job)
        try:
            result = function(JobProgress(job, self.time_limit_s, self._stopping, self._save))
        except CosmodromeError as error:
            status = 400 if isinstance(error, InputError) else 503
            job.error = {
                "type": type(error).__name__,
                "status": status,
                "message": str(error),
                "suggestions": getattr(error, "suggestions", []),
            }
            job.status = "failed"
            job.message = str(error)
        except Exception as error:  # a job must never take the pool down with it
            job.error = {
                "type": "InternalError",
                "status": 500,
                "suggestions": [],
                "message": f"unexpected {type(error).__name__}: {error}",
            }
            job.status = "failed"
            job.message = "failed"
        else:
            job.result = result
            job.progress = 1.0
            job.status = "done"
            job.message = "done"
        finally:
            job.finished_utc = datetime.now(UTC)
            self._save(job)
            with self._lock:
                self._running.pop(job.id, None)

    def _save(self, job: Job) -> None:
        with contextlib.suppress(sqlite3.Error):  # a locked store must not fail the job itself
            self.store.save(job)

    def shutdown(self) -> None:
        with self._lock:
            self._stopping.set()
            self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for job in self._running.values():
                if job.status == "queued":
                    orphaned(job)
                    self._save(job)
