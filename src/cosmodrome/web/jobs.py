"""Long computations (coverage over a country) run as jobs on a small thread pool.

``POST`` creates a job and answers its id at once; ``GET`` shows its status, progress
(0 to 1) and, once done, its result. A job's function receives a :class:`JobProgress` and
calls it as it goes; that call is also where a job past its time limit, or cancelled at
shutdown, stops (threads cannot be killed from outside, so the work must check in).

Limits keep one user from starving the others: at most ``max_queued`` jobs waiting or
running, at most ``max_kept`` finished jobs remembered, and ``time_limit_s`` per job.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cosmodrome.errors import CosmodromeError, InputError, UnknownNameError
from cosmodrome.timeutil import isoformat_z
from cosmodrome.web.errors import JobLimitError

Status = Literal["queued", "running", "done", "failed"]


class JobStopped(CosmodromeError):
    """A job stopped before finishing: past its time limit, or the server is shutting down."""


class JobProgress:
    """Handed to a job's function: ``progress(fraction, message)`` reports and checks in."""

    def __init__(self, job: Job, time_limit_s: float, stopping: threading.Event) -> None:
        self._job = job
        self._deadline = time.monotonic() + time_limit_s
        self._time_limit_s = time_limit_s
        self._stopping = stopping

    def __call__(self, fraction: float, message: str = "") -> None:
        self._job.progress = min(1.0, max(0.0, float(fraction)))
        if message:
            self._job.message = message
        if self._stopping.is_set():
            raise JobStopped("the server is shutting down; submit the job again")
        if time.monotonic() > self._deadline:
            raise JobStopped(
                f"the job ran past its {self._time_limit_s:g} s time limit; ask for a smaller "
                "region, a coarser grid or a shorter period"
            )


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
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


class JobManager:
    """Runs jobs on a :class:`~concurrent.futures.ThreadPoolExecutor` and remembers them."""

    def __init__(
        self,
        *,
        max_workers: int = 2,
        max_queued: int = 8,
        max_kept: int = 100,
        time_limit_s: float = 120.0,
    ) -> None:
        self.max_queued = max_queued
        self.max_kept = max_kept
        self.time_limit_s = time_limit_s
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="cosmodrome-job"
        )
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def submit(self, kind: str, params: dict[str, Any], function: JobFunction) -> Job:
        """Queue ``function``; raises :class:`JobLimitError` when too many jobs are active."""
        with self._lock:
            active = sum(1 for job in self._jobs.values() if job.status in ("queued", "running"))
            if active >= self.max_queued:
                raise JobLimitError(
                    f"{active} jobs are already queued or running (limit {self.max_queued}); "
                    "wait for one to finish and try again"
                )
            job = Job(uuid.uuid4().hex, kind, params)
            self._jobs[job.id] = job
            self._forget_old()
        self._executor.submit(self._run, job, function)
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise UnknownNameError("job", job_id, [])
        return job

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.status in ("done", "failed")]
        for job_id in finished[: max(0, len(self._jobs) - self.max_kept)]:
            del self._jobs[job_id]

    def _run(self, job: Job, function: JobFunction) -> None:
        job.status = "running"
        job.message = "running"
        job.started_utc = datetime.now(UTC)
        try:
            result = function(JobProgress(job, self.time_limit_s, self._stopping))
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

    def shutdown(self) -> None:
        self._stopping.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
