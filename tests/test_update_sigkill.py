"""SIGKILL `cosmodrome update` at random points: the catalog is always the old or the new one.

Each kill lands somewhere between interpreter start-up and the swap (reading, ingesting,
writing the DuckDB file, renaming); afterwards the catalog must open and hold exactly the
launches of one of the two sources, and the next update must not be blocked by the killed
one's lock or leftovers. The kill times are drawn from a seeded generator, spread over the
measured length of one update, so the test is repeatable and covers every phase.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog
from tests.gcat_factory import launch_row, write_mini_gcat

KILLS = 20
MAX_ATTEMPTS = 60
LAUNCHES = [
    launch_row(
        f"{1960 + i // 12}-{i % 12 + 1:03d}", f"{1960 + i // 12} Jan {i % 12 + 1:2d}", "GIK-5"
    )
    for i in range(400)
]


def update(home: Path, source: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cosmodrome.cli.main", "update", "--source", str(source), *extra],
        env={**os.environ, "COSMODROME_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def launches(home: Path) -> int:
    with open_catalog(home) as con:
        row = con.execute("SELECT count(*) FROM launches").fetchone()
        con.execute("SELECT count(*) FROM payloads, objects LIMIT 1").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.slow
def test_sigkill_at_random_points_never_breaks_the_catalog(tmp_path: Path) -> None:
    sources = {
        400: write_mini_gcat(tmp_path / "a", LAUNCHES),
        398: write_mini_gcat(tmp_path / "b", LAUNCHES[:-2]),  # within the shrink allowance
    }
    home = tmp_path / "home"
    build_catalog(str(sources[400]), home)
    started = time.monotonic()
    timing = update(home, sources[398])
    assert timing.wait(timeout=120) == 0
    one_update_s = time.monotonic() - started
    assert launches(home) == 398

    rng = random.Random(15)
    outcomes = {"killed": 0, "finished first": 0}
    for attempt in range(MAX_ATTEMPTS):
        if outcomes["killed"] >= KILLS:
            break
        expected_new = 400 if attempt % 2 == 0 else 398
        before = launches(home)
        process = update(home, sources[expected_new])
        time.sleep(rng.uniform(0.1, 0.95) * one_update_s)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            outcomes["killed"] += 1
        else:
            # A loaded machine makes the first, timed update slower than later ones: aim earlier.
            outcomes["finished first"] += 1
            one_update_s *= 0.8
        process.wait(timeout=60)
        assert launches(home) in {before, expected_new}
    assert outcomes["killed"] >= KILLS, outcomes

    final = update(home, sources[400], "--wait-s", "30")
    assert final.wait(timeout=120) == 0
    assert launches(home) == 400
    assert not list(home.glob("catalog.duckdb.building*"))
