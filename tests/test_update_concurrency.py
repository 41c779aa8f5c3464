"""One writer at a time; readers never see a lock error while updates swap the catalog."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import filelock
import pytest

from cosmodrome.catalog.build import build_catalog, lock_path
from cosmodrome.catalog.db import open_catalog
from tests.gcat_factory import launch_row, write_mini_gcat

LAUNCHES = [
    launch_row(
        f"{1960 + i // 12}-{i % 12 + 1:03d}", f"{1960 + i // 12} Jan {i % 12 + 1:2d}", "GIK-5"
    )
    for i in range(200)
]


def update_command(home: Path, source: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cosmodrome.cli.main", "update", "--source", str(source), *extra],
        env={**os.environ, "COSMODROME_HOME": str(home), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture()
def sources(tmp_path: Path) -> tuple[Path, Path]:
    """Two sources that differ by one launch, so the installed one can be told apart."""
    return (
        write_mini_gcat(tmp_path / "a", LAUNCHES),
        write_mini_gcat(tmp_path / "b", LAUNCHES[:-1]),
    )


def installed(home: Path) -> tuple[str, int]:
    with open_catalog(home) as con:
        source = con.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        count = con.execute("SELECT count(*) FROM launches").fetchone()
    assert source is not None and count is not None
    return str(source[0]), int(count[0])


def test_concurrent_updates_take_turns_and_install_a_consistent_catalog(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    home = tmp_path / "home"
    build_catalog(str(sources[0]), home)
    reader_errors: list[str] = []
    reads = 0
    stop = threading.Event()

    def read_while_swapping() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                with open_catalog(home) as con:
                    con.execute("SELECT count(*) FROM launches").fetchone()
                reads += 1
            except Exception as error:  # any error a reader sees is a failure of the test
                reader_errors.append(f"{type(error).__name__}: {error}")

    reader = threading.Thread(target=read_while_swapping)
    reader.start()
    try:
        for _ in range(3):
            updates = [update_command(home, source) for source in sources]
            outcomes = [process.communicate(timeout=180) for process in updates]
            for process, (_out, err) in zip(updates, outcomes, strict=True):
                assert process.returncode == 0, err
                assert "Traceback" not in err
            source, count = installed(home)
            expected = {str(sources[0]): 200, str(sources[1]): 199}
            assert expected[source] == count
    finally:
        stop.set()
        reader.join()
    assert reader_errors == []
    assert reads > 0
    assert not list(home.glob("catalog.duckdb.building*"))


def test_an_update_that_will_not_wait_exits_with_one_line(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    home = tmp_path / "home"
    build_catalog(str(sources[0]), home)
    with filelock.FileLock(str(lock_path(home))):
        process = update_command(home, sources[1], "--wait-s", "0")
        _out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in err
    assert err.startswith("error: another `cosmodrome update` is running")
    assert installed(home) == (str(sources[0]), 200)


def test_an_update_waits_for_the_running_one_and_says_so(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    home = tmp_path / "home"
    build_catalog(str(sources[0]), home)
    lock = filelock.FileLock(str(lock_path(home)))
    lock.acquire()
    try:
        process = update_command(home, sources[1], "--wait-s", "120")
        assert process.stderr is not None
        first_line = process.stderr.readline()
        assert "another update is running" in first_line
    finally:
        lock.release()
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert installed(home) == (str(sources[1]), 199)
