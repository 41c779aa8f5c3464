"""``serve --refresh``: ``cosmodrome refresh`` on a schedule inside the server (APScheduler).

The job runs the command in a child process, not in the server's own: DuckDB refuses a
read-write connection to a file that the same process holds read-only (the element and
schedule stores), and a catalog build's memory is returned when the child ends. The server
picks the new catalog up as it does after any ``cosmodrome update``.

Never two at once: the job has ``max_instances=1`` (a run still going when the next is due
is skipped, and missed runs are coalesced into one), and the refresh itself holds
``refresh.lock`` in the home folder, so a refresh started by cron or by hand meanwhile
stops at once. The sources' own limits decide what each run fetches (see
:mod:`cosmodrome.refresh`), so a short interval costs the upstreams nothing more.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from cosmodrome import config

log = logging.getLogger("cosmodrome.web.refresh")

#: The shortest interval ``serve --refresh-every`` takes, in minutes.
MIN_EVERY_MIN = 5
#: A refresh that runs longer than this is stopped (a catalog build takes about a minute).
RUN_TIMEOUT_S = 3_600.0
#: The first run starts this long after the server, once it answers requests.
FIRST_RUN_DELAY_S = 10.0


class Refresher:
    """Runs ``cosmodrome refresh`` for ``home`` every ``every_min`` minutes."""

    def __init__(self, home: Path | None, every_min: float, command: list[str] | None = None):
        self.home = home or config.home()
        self.every_min = every_min
        self.command = command or [
            sys.executable, "-m", "cosmodrome.cli.main", "refresh", "--home", str(self.home),
        ]  # fmt: skip
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.running = threading.Event()
        self.last_run: dict[str, Any] | None = None

    def start(self) -> None:
        self.scheduler.add_job(
            self.run_once,
            "interval",
            minutes=self.every_min,
            id="refresh",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC) + timedelta(seconds=FIRST_RUN_DELAY_S),
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)

    def run_once(self) -> dict[str, Any]:
        """One refresh in a child process; its outcome is logged and kept for ``/api/health``."""
        self.running.set()
        started = datetime.now(UTC)
        try:
            done = subprocess.run(
                self.command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
            )
            status, output = done.returncode, (done.stdout + done.stderr).strip()
        except subprocess.TimeoutExpired:
            status, output = -1, f"stopped after {RUN_TIMEOUT_S:g} s"
        finally:
            self.running.clear()
        for line in output.splitlines():
            log.info("refresh: %s", line)
        self.last_run = {
            "started_utc": started.isoformat(timespec="seconds"),
            "exit_status": status,
            "output": output,
        }
        return self.last_run

    def describe(self) -> dict[str, Any]:
        """What ``/api/health`` says of the schedule."""
        job = self.scheduler.get_job("refresh")
        following = job.next_run_time if job is not None else None
        return {
            "every_min": self.every_min,
            "running": self.running.is_set(),
            "next_run_utc": following.isoformat(timespec="seconds") if following else None,
            "last_run": self.last_run,
        }
