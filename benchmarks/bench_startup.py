"""Start-up benchmark: how long a simple command takes, against ``python -c "import duckdb"``.

Each command runs as a fresh process, as a user types it; the baseline is the interpreter
importing DuckDB alone, measured in the same run. Medians of 5 (a process start is noisy).
Target (issue 14): ``cosmodrome --help`` and ``cosmodrome launches --site Baikonur --from
2023-12 --format csv`` within 2.5x the baseline.

Run: ``python -m benchmarks startup`` (builds a catalog from ../shared/data first).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import SHARED_DATA, report

RUNS = 5
TARGET = 2.5
COMMANDS = (
    ["--help"],
    ["launches", "--site", "Baikonur", "--from", "2023-12", "--format", "csv"],
)


def _cosmodrome() -> list[str]:
    """The console script beside this interpreter (as installed by ``make install``)."""
    script = Path(sys.executable).with_name("cosmodrome")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cosmodrome.cli.main"]


def median_wall(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COSMODROME_HOME": home, "COLUMNS": "80"}
        subprocess.run(
            [*_cosmodrome(), "update", "--source", str(SHARED_DATA)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        baseline = median_wall([sys.executable, "-c", "import duckdb"], env)
        rows: list[tuple[str, float, float | None]] = [
            ('python -c "import duckdb"', baseline, None)
        ]
        for args in COMMANDS:
            seconds = median_wall([*_cosmodrome(), *args], env)
            rows.append((" ".join(["cosmodrome", *args])[:48], seconds, seconds / baseline))
    report(f"Start-up, median of {RUNS} fresh processes (target <= {TARGET}x)", rows)


if __name__ == "__main__":
    main()
