"""Shared fixtures: the frozen mirror beside the project, and a catalog built from it once."""

from __future__ import annotations

import compileall
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from hypothesis import settings

from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog
from cosmodrome.cli.main import main

# Tests never assert on wall-clock time: Hypothesis's per-example deadline fails on a loaded
# CI machine without saying anything about the code.
settings.register_profile("cosmodrome", deadline=None)
settings.load_profile("cosmodrome")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The package's bytecode written once, here, and never by the interpreters the tests
    start: tests kill some of those at random points and stop servers, and twice a full run
    was left with a truncated ``.pyc`` (the first 64 KiB of ``names.py``'s) that broke every
    later ``cosmodrome`` process of the run."""
    compileall.compile_dir(Path(str(sys.modules["cosmodrome"].__file__)).parent, quiet=1)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with a clear message when it is absent."""
    if not (SHARED_DATA / "gcat" / "tsv" / "derived" / "launchlog.tsv").is_file():
        pytest.skip(f"frozen mirror not found at {SHARED_DATA} (place shared/ beside the project)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def mirror_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder holding a catalog built from the frozen mirror (once per test process)."""
    home = tmp_path_factory.mktemp("mirror-home")
    build_catalog(str(shared_data), home)
    return home


@pytest.fixture()
def mirror_con(mirror_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(mirror_home)
    yield con
    con.close()


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


@pytest.fixture()
def cosmodrome(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run the console entry point in-process, as a user would from a shell:
    ``cosmodrome(home, "launches", "--site", "Baikonur")``."""

    def run(home: Path, *args: str, columns: int = 200) -> CliResult:
        monkeypatch.setenv("COSMODROME_HOME", str(home))
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setattr(sys, "argv", ["cosmodrome", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run
