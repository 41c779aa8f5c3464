"""Start-up benchmark: how long a simple command takes, against ``python -c "import duckdb"``.

Each command runs as a fresh process, as a user types it; the baseline is the interpreter
importing DuckDB alone, measured in the same run, in turns with the commands. Medians of 5
(a process start is noisy).
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


def median_walls(commands: list[list[str]], env: dict[str, str]) -> list[float]:
    """Median wall time of each command, run in turns (a round runs each once), so that a
    machine slowing down or speeding up mid-run weighs on every command alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(RUNS):
        for command, seen in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
            seen.append(time.perf_counter() - start)
    return [statistics.median(seen) for seen in times]


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
        commands = [[sys.executable, "-c", "import duckdb"]]
        commands += [[*_cosmodrome(), *args] for args in COMMANDS]
        baseline, *walls = median_walls(commands, env)
        rows: list[tuple[str, float, float | None]] = [
            ('python -c "import duckdb"', baseline, None)
        ]
        for args, seconds in zip(COMMANDS, walls, strict=True):
            rows.append((" ".join(["cosmodrome", *args])[:48], seconds, seconds / baseline))
    report(f"Start-up, median of {RUNS} fresh processes (target <= {TARGET}x)", rows)


if __name__ == "__main__":
    main()
