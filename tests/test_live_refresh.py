"""``cosmodrome refresh`` against local servers standing in for the upstreams (never the
internet): GCAT answers (and revalidates with conditional requests), CelesTrak fails, Launch
Library 2 throttles. Each source's limit holds, failures are recorded for ``/api/health``,
one refresh runs at a time, and ``serve --refresh`` schedules it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import filelock
import pytest

from cosmodrome import api
from cosmodrome.refresh import LOCK_FILENAME, RefreshBusyError, read_state
from cosmodrome.schedule.precision import TBD
from cosmodrome.schedule.readers import Entry, Snapshot
from cosmodrome.schedule.store import keep
from cosmodrome.web.app import ServerOptions, create_app
from cosmodrome.web.refresher import Refresher
from tests.gcat_factory import launch_row, write_mini_gcat
from tests.web_support import client_class

TestClient = client_class()


@dataclass
class Seen:
    """Requests a fake upstream received: path and its conditional headers."""

    requests: list[tuple[str, str | None]] = field(default_factory=list)


def serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@dataclass
class Upstreams:
    gcat: str
    celestrak: str
    ll2: str
    seen: dict[str, Seen]


@pytest.fixture()
def upstreams(tmp_path: Path) -> Iterator[Upstreams]:
    folder = write_mini_gcat(
        tmp_path / "gcat",
        [launch_row("2019-001", "2019 Jan 10 0101", "GIK-5"), launch_row("2020-001", "2020 Feb  2 0202", "GIK-5")],
    )  # fmt: skip
    seen = {name: Seen() for name in ("gcat", "celestrak", "ll2")}

    class Gcat(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["gcat"].requests.append((self.path, self.headers.get("If-Modified-Since")))
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    class Failing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["celestrak"].requests.append((self.path, None))
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Throttling(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["ll2"].requests.append((self.path, None))
            body = b'{"detail": "Request was throttled."}'
            self.send_response(429)
            self.send_header("Retry-After", "5400")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    servers = [
        serve(partial(Gcat, directory=str(folder))),  # type: ignore[arg-type]
        serve(Failing),
        serve(Throttling),
    ]
    (_, gcat), (_, celestrak), (_, ll2) = servers
    yield Upstreams(gcat, celestrak, ll2 + "2.3.0/", seen)
    for server, _ in servers:
        server.shutdown()
        server.server_close()


def sources(up: Upstreams) -> api.RefreshSources:
    return api.RefreshSources(
        gcat=up.gcat, celestrak=up.celestrak, groups=("stations",), schedule=up.ll2
    )


def test_a_refresh_cycle_keeps_each_limit_and_records_failures(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    start = datetime.now(UTC)
    report = api.refresh(home, sources(upstreams), clock=lambda: start)
    finished = datetime.now(UTC)
    outcomes = {run.source: run.outcome for run in report.runs}
    assert outcomes == {"gcat": "updated", "celestrak": "failed", "schedule": "throttled"}
    assert report.failed
    with api.catalog(home) as con:
        assert con.execute("SELECT count(*) FROM launches").fetchone() == (2,)
    state = read_state(home)
    assert "HTTP 500" in (state["celestrak"].last_error or "")
    assert state["celestrak"].last_success_utc is None
    assert "throttled" in (state["schedule"].last_error or "")
    # LL2 said 5400 s: not asked again before then, though its own interval is an hour.
    assert state["schedule"].next_due_utc is not None
    retry = datetime.fromisoformat(state["schedule"].next_due_utc)
    # (LL2's 429 came between start and finished; its Retry-After counts from then.)
    wait = timedelta(seconds=5400)
    assert start + wait - timedelta(seconds=1) <= retry <= finished + wait
    sent = {name: len(s.requests) for name, s in upstreams.seen.items()}

    # Straight away: nothing is due, nothing is asked.
    again = api.refresh(home, sources(upstreams), clock=lambda: start + timedelta(minutes=5))
    assert {run.outcome for run in again.runs} == {"not due"}
    assert "at most once a day" in again.runs[0].message
    assert {name: len(s.requests) for name, s in upstreams.seen.items()} == sent

    # Three hours on: CelesTrak's cycle (2 h) and LL2's wait are over; GCAT's day is not.
    later = api.refresh(home, sources(upstreams), clock=lambda: start + timedelta(hours=3))
    outcomes = {run.source: run.outcome for run in later.runs}
    assert outcomes == {"gcat": "not due", "celestrak": "failed", "schedule": "throttled"}
    assert len(upstreams.seen["gcat"].requests) == sent["gcat"]

    # A day on: GCAT is asked again, conditionally, and is unchanged.
    day = api.refresh(
        home, sources(upstreams), only=("gcat",), clock=lambda: start + timedelta(days=1, hours=1)
    )
    assert [(run.source, run.outcome) for run in day.runs] == [("gcat", "unchanged")]
    revalidated = upstreams.seen["gcat"].requests[sent["gcat"] :]
    assert dict(revalidated)["/tsv/derived/launchlog.tsv"] is not None

    health = {row["source"]: row for row in api.source_health(home)}
    assert health["gcat"]["last_error"] is None and health["gcat"]["age_s"] is not None
    assert "HTTP 500" in health["celestrak"]["last_error"]
    assert health["celestrak"]["age_s"] is None  # never succeeded, no element store
    assert health["schedule"]["outcome"] == "throttled"


def test_one_refresh_at_a_time(upstreams: Upstreams, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    held = filelock.FileLock(str(home / LOCK_FILENAME))
    with held:
        with pytest.raises(RefreshBusyError, match="another refresh is running"):
            api.refresh(home, sources(upstreams))
        refresher = Refresher(home, 60, command=refresh_command(home, upstreams))
        outcome = refresher.run_once()
        assert outcome["exit_status"] == 1 and "another refresh" in outcome["output"]
    assert not upstreams.seen["gcat"].requests


def refresh_command(home: Path, up: Upstreams) -> list[str]:
    return [
        sys.executable, "-m", "cosmodrome.cli.main", "refresh", "--home", str(home),
        "--only", "gcat", "--source", up.gcat,
    ]  # fmt: skip


def test_serve_refresh_schedules_the_command_and_health_reports_it(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    app = create_app(home, options=ServerOptions(refresh_every_min=30))
    refresher = app.state.refresher
    refresher.command = refresh_command(home, upstreams)
    with TestClient(app) as client:
        job = refresher.scheduler.get_job("refresh")
        assert job.max_instances == 1 and job.coalesce
        assert job.trigger.interval == timedelta(minutes=30)
        ran = refresher.run_once()
        assert ran["exit_status"] == 0, ran["output"]
        health = client.get("/api/health").json()
    assert health["refresh"]["every_min"] == 30
    assert health["refresh"]["last_run"]["exit_status"] == 0
    gcat = next(row for row in health["sources"] if row["source"] == "gcat")
    assert gcat["outcome"] == "updated" and gcat["location"] == upstreams.gcat
    assert not refresher.scheduler.running


def test_an_unchanged_schedule_is_not_kept_again(tmp_path: Path) -> None:
    def snapshot(payload: str = "Progress MS-40") -> Snapshot:
        shot = Snapshot("ll2", "launch/upcoming/", datetime(2026, 1, 1, tzinfo=UTC))
        shot.entries.append(Entry(line=1, payload=payload, vehicle="Soyuz 2.1a",
                                  site="Baikonur", target=TBD, target_text="TBD"))  # fmt: skip
        return shot

    first = keep(snapshot(), "ll2", "a" * 64, tmp_path)
    # Other bytes (a field the schedule does not read changed), the same launches.
    same = keep(snapshot(), "ll2", "b" * 64, tmp_path)
    assert first.new and not same.new and same.snapshot_id == first.snapshot_id
    assert keep(snapshot("Progress MS-41"), "ll2", "c" * 64, tmp_path).new
