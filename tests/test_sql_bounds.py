"""The SQL sandbox spills only into a private folder, bounded, removed afterwards."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog.db import SPILL_FACTOR, run_user_sql
from cosmodrome.errors import InputError

#: A DISTINCT over more rows than 32 MB hold: it must spill, then pass the spill cap.
BIG_DISTINCT = (
    "SELECT count(*) FROM (SELECT DISTINCT range::VARCHAR || 'abcdefghij' FROM range(6000000))"
)


def _spill_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("cosmodrome-sql-*")}


def test_spill_goes_to_a_private_bounded_folder_removed_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # DuckDB's default spill is ./.tmp of the working directory
    before = _spill_folders()
    spilled: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            spilled.update(str(p) for p in Path(tempfile.gettempdir()).glob("cosmodrome-sql-*/*"))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with pytest.raises(InputError, match=rf"32 MB memory limit \(and {32 * SPILL_FACTOR} MB"):
            run_user_sql(duckdb.connect(), BIG_DISTINCT, memory_limit_mb=32)
    finally:
        done.set()
        watcher.join()
    assert spilled, "the query should have spilled into its private folder"
    assert not (tmp_path / ".tmp").exists()
    assert _spill_folders() == before
    assert os.listdir(tmp_path) == []


def test_a_small_query_still_answers_and_leaves_nothing(tmp_path: Path) -> None:
    before = _spill_folders()
    result = run_user_sql(duckdb.connect(), "SELECT 42 AS answer", memory_limit_mb=32)
    assert result.frame["answer"].tolist() == [42]
    assert _spill_folders() == before


def test_the_user_cannot_move_the_spill_folder() -> None:
    with pytest.raises(InputError):
        run_user_sql(duckdb.connect(), "SET temp_directory = '/tmp/elsewhere'")
