"""Coverage jobs: one store every worker sees, limits per client, answers 429 when full."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from cosmodrome.web.errors import BusyError
from cosmodrome.web.jobs import Job, JobManager, JobProgress, JobStore
from tests.web_support import client_class


def wait_for(manager: JobManager, job_id: str, status: str) -> Job:
    for _ in range(500):
        job = manager.get(job_id)
        if job.status == status:
            return job
        threading.Event().wait(0.01)
    raise AssertionError(f"job {job_id} never became {status}: {manager.get(job_id).view()}")


def test_a_job_run_by_one_worker_is_seen_by_another(tmp_path: Path) -> None:
    store = tmp_path / "jobs.sqlite3"
    worker_a, worker_b = JobManager(store_path=store), JobManager(store_path=store)
    release = threading.Event()

    def work(progress: JobProgress) -> dict[str, int]:
        progress(0.5, "halfway")
        release.wait(5)
        return {"answer": 42}

    job = worker_a.submit("test", {"n": 1}, work, client="1.2.3.4")
    seen = wait_for(worker_b, job.id, "running")
    assert seen.params == {"n": 1}
    release.set()
    done = wait_for(worker_b, job.id, "done")
    assert done.view()["result"] == {"answer": 42} and done.progress == 1.0
    worker_a.shutdown()
    worker_b.shutdown()


def test_finished_jobs_survive_a_restart_and_orphans_say_so(tmp_path: Path) -> None:
    store_path = tmp_path / "jobs.sqlite3"
    first = JobManager(store_path=store_path)
    done = first.submit("test", {}, lambda progress: "result")
    wait_for(first, done.id, "done")
    first.shutdown()
    # A job left "running" by a server process that no longer exists.
    orphan = Job("orphan", "test", {}, owner=f"{socket.gethostname()}:999999999", status="running")
    JobStore(store_path).save(orphan)

    restarted = JobManager(store_path=store_path)
    assert restarted.get(done.id).view()["result"] == "result"
    failed = restarted.get("orphan").view()
    assert failed["status"] == "failed"
    assert "submit it again" in failed["error"]["message"]
    restarted.shutdown()


def test_one_client_cannot_take_every_slot(tmp_path: Path) -> None:
    manager = JobManager(max_queued=8, max_per_client=2, store_path=tmp_path / "j.sqlite3")
    release = threading.Event()

    def blocked(progress: JobProgress) -> None:
        release.wait(5)

    manager.submit("test", {}, blocked, client="greedy")
    manager.submit("test", {}, blocked, client="greedy")
    with pytest.raises(BusyError, match="limit 2 per client") as refused:
        manager.submit("test", {}, blocked, client="greedy")
    assert refused.value.status == 429
    manager.submit("test", {}, blocked, client="someone else")  # still room for others
    release.set()
    manager.shutdown()


@pytest.fixture()
def client(tmp_path: Path) -> Any:
    from cosmodrome.web.app import create_app

    app = create_app(tmp_path / "home", cache_entries=0)
    with client_class()(app) as test_client:
        yield test_client


JOB = {
    "region": "40,60,44,64",
    "resolution_deg": 2,
    "duration_s": 600,
    "step_s": 60,
    "constellation": {"planes": 3, "per_plane": 4},
}


def test_a_naive_start_time_is_refused_at_submission(client: Any) -> None:
    answer = client.post("/api/coverage/jobs", json={**JOB, "start_utc": "2025-10-03T00:00:00"})
    assert answer.status_code == 422
    assert "start_utc needs a UTC offset" in answer.json()["error"]["message"]


def test_a_full_job_queue_answers_429_with_retry_after(client: Any) -> None:
    manager: JobManager = client.app.state.jobs
    release = threading.Event()
    for _ in range(manager.max_per_client):
        manager.submit("test", {}, lambda progress: release.wait(5), client="testclient")
    answer = client.post("/api/coverage/jobs", json={**JOB, "start_utc": "2025-10-03T00:00:00Z"})
    release.set()
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) > 0
    assert set(answer.json()["error"]) == {
        "type",
        "status",
        "message",
        "suggestions",
        "field",
        "name",
    }
