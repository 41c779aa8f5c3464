"""Writers and readers of the element and schedule stores in separate processes, as users
run them: an ``elements load`` or ``schedule update`` writes while ``where``, ``next`` and a
server (``/api/passes``, ``/api/schedule``) read and a second writer starts. Readers never fail (they see the previous state until the
new one is swapped in), the second writer waits for the first, and both writes land whole.

The first writer is the real command with one change: it pauses for :data:`PAUSE_S` before
it renames its finished copy over the store, holding the store's lock, so that readers and
the second writer surely meet a write in progress.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cosmodrome.astro.elements import tle_checksum
from cosmodrome.astro.store import ElementStore, elements_path
from cosmodrome.catalog.build import build_catalog
from cosmodrome.schedule.store import open_store
from cosmodrome.web.app import create_app
from tests.gcat_factory import launch_row, write_mini_gcat
from tests.web_support import client_class

LINE1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
LINE2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"
LONG_WRITE_SETS = 1_000
SCHEDULE_HEADER = "title,launch_time,location,rocket_data.rocket_name\n"
SCHEDULE_ROW = 'Starlink,"NET Nov 21, 2026",SLC-40,Falcon 9\n'
LONG_SCHEDULE_ROWS = 1_000
#: How long the first writer holds its finished copy (and the lock) before the swap.
PAUSE_S = 4.0
#: ``cosmodrome`` whose store writes pause before the swap.
PAUSING_COSMODROME = """
import os, sys, time
from cosmodrome.cli.main import main
swap = os.replace
def pause_then_swap(source, target):
    if ".building-" in str(source):
        time.sleep(float(os.environ["PAUSE_S"]))
    swap(source, target)
os.replace = pause_then_swap
sys.argv = ["cosmodrome", *sys.argv[1:]]
main()
"""


def element_sets(first_catnr: int, count: int) -> str:
    """``count`` three-line element sets of objects ``first_catnr``... (valid checksums)."""

    def fixed(line: str) -> str:
        return line[:68] + str(tle_checksum(line))

    sets = []
    for catnr in range(first_catnr, first_catnr + count):
        number = f"{catnr:05d}"
        line1 = fixed(LINE1[:2] + number + LINE1[7:])
        line2 = fixed(LINE2[:2] + number + LINE2[7:])
        sets.append(f"SAT {number}\n{line1}\n{line2}\n")
    return "".join(sets)


def cosmodrome(home: Path, *args: str, pause: bool = False) -> subprocess.Popen[str]:
    program = ["-c", PAUSING_COSMODROME] if pause else ["-m", "cosmodrome.cli.main"]
    return subprocess.Popen(
        [sys.executable, *program, *args],
        env={**os.environ, "COSMODROME_HOME": str(home), "COLUMNS": "200", "PAUSE_S": str(PAUSE_S)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _out, err = process.communicate(timeout=300)
    return process.returncode, err


def writing(home: Path, store: str) -> bool:
    """Whether a writer is building a new state of ``store`` in ``home`` now."""
    return any(home.glob(f"{store}.building-*"))


@dataclass
class Writes:
    """When a write was seen in progress (a ``.building`` copy beside the store), sampled
    every 10 ms until stopped."""

    home: Path
    store: str
    seen: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            if writing(self.home, self.store):
                self.seen.append(time.monotonic())
            time.sleep(0.01)

    def during(self, start: float, end: float) -> bool:
        return any(start <= moment <= end for moment in self.seen)


#: One read: ``None`` when it succeeded, else what the reader saw.
Read = Callable[[], str | None]


def command_read(home: Path, *command: str) -> Read:
    """A reader command run in a process of its own, as a user runs it."""

    def read() -> str | None:
        code, err = finish(cosmodrome(home, *command))
        if code != 0 or "Traceback" in err or "lock" in err.lower():
            return f"exit {code}: {err.strip()[-500:]}"
        return None

    return read


def server_read(home: Path, path: str, params: dict[str, str]) -> Read:
    """A request to a server on ``home`` (in this process, response cache off)."""
    client = client_class()(create_app(home, cache_entries=0))

    def read() -> str | None:
        answer = client.get(path, params=params)
        return None if answer.status_code == 200 else f"HTTP {answer.status_code}: {answer.text}"

    return read


@dataclass
class Readers:
    """Reads run back to back in one thread until stopped; what they saw."""

    read: Read
    writes: Writes
    failures: list[str] = field(default_factory=list)
    during_a_write: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            start = time.monotonic()
            failure = self.read()
            self.during_a_write += self.writes.during(start, time.monotonic())
            if failure is not None:
                self.failures.append(failure)


def write_while_reading(
    home: Path,
    store: str,
    readers: list[Read],
    first: tuple[str, ...],
    second: tuple[str, ...],
) -> list[Readers]:
    """Readers run throughout; the ``first`` write starts (pausing before its swap), then
    the ``second`` writer while the first is still writing. Both writers must succeed."""
    writes = Writes(home, store)
    watchers = [Readers(read, writes) for read in readers]
    threads = [threading.Thread(target=w.run) for w in [writes, *watchers]]
    for thread in threads:
        thread.start()
    try:
        long_write = cosmodrome(home, *first, pause=True)
        wait_until(lambda: writing(home, store) or long_write.poll() is not None)
        second_write = cosmodrome(home, *second)
        for process in (long_write, second_write):
            code, err = finish(process)
            assert code == 0, err
            assert "Traceback" not in err
    finally:
        for watcher in [*watchers, writes]:
            watcher.stop.set()
        for thread in threads:
            thread.join()
    assert not list(home.glob(f"{store}.building-*"))
    # Both writes in the store (checked by the callers) shows they took turns: two writers
    # copying the same state would each rename over the other's.
    return watchers


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, "the writer never started writing"
        time.sleep(0.01)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A home with a small catalog (``next`` matches the schedule against it)."""
    source = write_mini_gcat(
        tmp_path / "gcat", [launch_row("2024-001", "2024 Jan  5 1200:00", "GIK-5")]
    )
    build_catalog(str(source), tmp_path / "home")
    return tmp_path / "home"


def test_element_writers_take_turns_while_where_reads(home: Path, tmp_path: Path) -> None:
    first_sets = tmp_path / "first.tle"
    first_sets.write_text(element_sets(90_000, 5), encoding="utf-8")
    code, err = finish(cosmodrome(home, "elements", "load", str(first_sets)))
    assert code == 0, err
    long_file = tmp_path / "long.tle"
    long_file.write_text(element_sets(10_000, LONG_WRITE_SETS), encoding="utf-8")
    second_file = tmp_path / "second.tle"
    second_file.write_text(element_sets(91_000, 3), encoding="utf-8")

    where = command_read(home, "where", "--sat", "90001", "--time", "2023-12-01T00:00Z")
    passes = server_read(
        home,
        "/api/passes",
        {"sat": "90001", "at": "Almaty", "start": "2023-12-01T00:00:00Z", "days": "0.2"},
    )
    watchers = write_while_reading(
        home,
        "elements.duckdb",
        [where, passes],
        ("elements", "load", str(long_file)),
        ("elements", "load", str(second_file)),
    )

    assert [w.failures for w in watchers] == [[], []]
    assert sum(w.during_a_write for w in watchers) > 0, "no reader ran during a write"
    with ElementStore(elements_path(home)) as store:  # whole, readable, both writes in it
        assert store.count() == 5 + LONG_WRITE_SETS + 3


def test_schedule_writers_take_turns_while_next_reads(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "upcoming-2026-01-01.csv"
    first.write_text(SCHEDULE_HEADER + SCHEDULE_ROW, encoding="utf-8")
    code, err = finish(cosmodrome(home, "schedule", "update", "--source", str(first)))
    assert code == 0, err
    long_file = tmp_path / "upcoming-2026-02-01.csv"
    long_file.write_text(SCHEDULE_HEADER + SCHEDULE_ROW * LONG_SCHEDULE_ROWS, encoding="utf-8")
    second_file = tmp_path / "upcoming-2026-03-01.csv"
    second_file.write_text(SCHEDULE_HEADER + SCHEDULE_ROW * 2, encoding="utf-8")

    watchers = write_while_reading(
        home,
        "schedule.duckdb",
        [
            command_read(home, "next", "--as-of", "2026-01-15"),
            command_read(home, "schedule", "snapshots"),
            server_read(home, "/api/schedule", {}),
        ],
        ("schedule", "update", "--source", str(long_file)),
        ("schedule", "update", "--source", str(second_file)),
    )

    assert [w.failures for w in watchers] == [[], [], []]
    assert sum(w.during_a_write for w in watchers) > 0, "no reader ran during a write"
    with open_store(home) as con:  # whole, readable, both writes in it
        entries = dict(
            con.execute(
                "SELECT s.file, count(*) FROM snapshots s JOIN entries e USING (snapshot_id) "
                "GROUP BY 1"
            ).fetchall()
        )
    assert entries == {
        first.name: 1,
        long_file.name: LONG_SCHEDULE_ROWS,
        second_file.name: 2,
    }
