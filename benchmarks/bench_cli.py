"""Every command of the README, timed as a user runs it: a fresh process each time.

The README's example commands (every line of its code blocks that starts with
``cosmodrome``) run against a catalog built from the frozen mirror in a temporary home: the
update commands first (``update``, ``elements update``, ``schedule update``: they build the
home, so each runs once), then every other command ``--repeat`` times (default 5) in a fresh
process. The baseline, ``python -c "import duckdb"`` (the least any command that reads the
catalog can cost), runs alternately with each command, as many times: on a shared machine
the load changes within minutes, and one baseline at the start misstates every later ratio.

Target (issue 25): the median of every command except the updates, ``report`` and
``coverage`` within 4x the baseline's median. ``serve`` runs until stopped and is left out
(``benchmarks/bench_web.py`` and ``bench_load.py`` measure it), and so are the update lines
without ``--source``, which download from upstream (the README's next line is the same
command on the mirror).

Bytecode is compiled first and written as Python normally does (``PYTHONDONTWRITEBYTECODE``
is removed from the children's environment): an installed wheel carries its bytecode, and a
process that recompiles every module it imports measures the compiler, not the command.

Run: ``python -m benchmarks.bench_cli`` (``--repeat 3`` for a shorter run, ``--only WORD``
to run the commands that contain WORD after the updates).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import SHARED_DATA

README = Path(__file__).resolve().parents[1] / "README.md"
TARGET_RATIO = 4.0
#: Commands the target leaves out: they download or build, or compute a physical model.
UNTARGETED = ("update", "elements update", "schedule update", "report", "coverage")
LONG_RUNNING = ("serve",)


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # the arguments after ``cosmodrome``

    @property
    def text(self) -> str:
        return shlex.join(("cosmodrome", *self.words))

    @property
    def verb(self) -> str:
        """``update``, ``elements update``, ``profile``: the subcommand, positional words only."""
        taken = []
        for word in self.words:
            if word.startswith("-"):
                break
            taken.append(word)
        return (
            " ".join(taken[:2])
            if taken[:2] in (["elements", "update"], ["schedule", "update"])
            else taken[0]
        )

    @property
    def updates(self) -> bool:
        return self.verb.endswith("update")

    @property
    def targeted(self) -> bool:
        return self.verb not in UNTARGETED


def readme_commands(text: str, out_dir: Path) -> list[Command]:
    """The README's ``cosmodrome ...`` lines, in order, with the mirror and DIR filled in."""
    commands: list[Command] = []
    for block in re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if not words or words[0] != "cosmodrome" or len(words) < 2:
                    continue
                if words[1] in LONG_RUNNING:
                    continue
                if "update" in words[1:3] and "--source" not in words:
                    continue  # downloads from upstream; the next README line reads the mirror
                filled = [
                    w.replace("../shared/data", str(SHARED_DATA)).replace("DIR", str(out_dir))
                    for w in words[1:]
                ]
                commands.append(Command(tuple(filled)))
    return commands


def compile_package() -> None:
    """Write the bytecode of the package as installing its wheel does."""
    import compileall

    import cosmodrome

    compileall.compile_dir(Path(cosmodrome.__file__).parent, quiet=1)


def run_once(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{shlex.join(argv)} failed: {message[-1] if message else '?'}")
    return seconds


def paired_medians(
    repeat: int, argv: list[str], baseline: list[str], env: dict[str, str]
) -> tuple[float, float]:
    """Medians of ``argv`` and of the baseline, run alternately: on a shared machine the load
    changes within minutes, so each command gets a baseline taken beside it."""
    ours, base = [], []
    for _ in range(repeat):
        base.append(run_once(baseline, env))
        ours.append(run_once(argv, env))
    return statistics.median(ours), statistics.median(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=None)
    options, _ = parser.parse_known_args()  # `python -m benchmarks cli` passes "cli"
    if not (SHARED_DATA / "gcat").is_dir():
        print(f"skipped: frozen mirror not found at {SHARED_DATA}")
        return
    cosmodrome = str(Path(sys.executable).with_name("cosmodrome"))
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        home, out_dir = Path(scratch) / "home", Path(scratch) / "out"
        out_dir.mkdir()
        env = {**os.environ, "COSMODROME_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "80"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        compile_package()
        commands = readme_commands(README.read_text("utf-8"), out_dir)
        baseline = [sys.executable, "-c", "import duckdb"]
        rows: list[tuple[Command, float, float]] = []
        for command in commands:  # the updates build the home: once each, first
            if command.updates:
                base = run_once(baseline, env)
                rows.append((command, run_once([cosmodrome, *command.words], env), base))
        for command in commands:
            if command.updates or (options.only and options.only not in command.text):
                continue
            argv = [cosmodrome, *command.words]
            rows.append((command, *paired_medians(options.repeat, argv, baseline, env)))
    load = os.getloadavg()[0]
    print(
        f"\nREADME commands, median of {options.repeat} fresh processes (updates: one run); "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print("  ratio: to python -c 'import duckdb' run alternately with each command")
    print(f"  {'command':<45} {'seconds':>7} {'base':>6} {'ratio':>7}  target")
    missed = []
    for command, seconds, base in rows:
        ratio = seconds / base
        if command.targeted and not command.updates:
            verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
            if ratio > TARGET_RATIO:
                missed.append(command.text)
        else:
            verdict = "-"
        text = command.text if len(command.text) <= 45 else command.text[:42] + "..."
        print(f"  {text:<45} {seconds:7.3f} {base:6.3f} {ratio:6.1f}x  {verdict}")
    targeted = sum(1 for c, _, _ in rows if c.targeted and not c.updates)
    print(
        f"\ntarget (every command but updates, report, coverage within {TARGET_RATIO:g}x): "
        f"{targeted - len(missed)} of {targeted} met"
    )


if __name__ == "__main__":
    main()
