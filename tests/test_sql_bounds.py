"""The SQL sandbox: read-only, bounded in time, memory (a hard bound), spill and output.

The queries run in a child process; a query past a bound is a one-line error, and the
caller's own memory never grows with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.sandbox import SPILL_FACTOR, run_user_sql
from cosmodrome.errors import CatalogMissingError, InputError
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat

#: A DISTINCT over more rows than 32 MB hold: it must spill, then pass the spill cap.
BIG_DISTINCT = (
    "SELECT count(*) FROM (SELECT DISTINCT range::VARCHAR || 'abcdefghij' FROM range(6000000))"
)
#: The issue's query: three 1 GB strings, which peaked at 4 GB under a 256 MB limit when
#: DuckDB's own memory_limit was the only bound.
GIGABYTE_STRINGS = "SELECT repeat('x', 1000000000) AS s FROM range(3)"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sql")
    source = write_mini_gcat(
        root / "src",
        [
            launch_row("2015-010", "2015 Mar  3 0101", "GIK-5", code="OF40"),
            launch_row("2019-003", "2019 Feb 27 2137:21", "CSG", vehicle="Ariane 5ECA"),
        ],
    )
    build_catalog(str(source), root / "home")
    return root / "home"


@pytest.fixture()
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own for the sandbox's spill folders: the machine's
    /tmp holds other processes' spill folders, which come and go."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_spill_goes_to_a_private_bounded_folder_removed_afterwards(
    home: Path, tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    working = tmp_path / "working"
    working.mkdir()
    monkeypatch.chdir(working)  # DuckDB's default spill is ./.tmp of the working directory
    spilled: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for folder in list(temp_root.iterdir()):
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                    spilled.update(str(p) for p in folder.iterdir())
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with pytest.raises(InputError, match=rf"32 MB memory limit \(and {32 * SPILL_FACTOR} MB"):
            run_user_sql(home, BIG_DISTINCT, memory_limit_mb=32)
    finally:
        done.set()
        watcher.join()
    assert spilled, "the query should have spilled into its private folder"
    assert os.listdir(working) == []  # no ./.tmp
    assert os.listdir(temp_root) == []  # the spill folder removed


def test_a_small_query_still_answers_and_leaves_nothing(home: Path, temp_root: Path) -> None:
    result = run_user_sql(home, "SELECT count(*) AS answer FROM launches", memory_limit_mb=32)
    assert result.frame["answer"].tolist() == [2]
    assert os.listdir(temp_root) == []


def test_the_user_cannot_move_the_spill_folder(home: Path) -> None:
    with pytest.raises(InputError):
        run_user_sql(home, "SET temp_directory = '/tmp/elsewhere'")


def test_sql_is_read_only_and_sandboxed(home: Path) -> None:
    with pytest.raises(InputError, match="read-only"):
        run_user_sql(home, "DELETE FROM launches")
    with pytest.raises(InputError):
        run_user_sql(home, "COPY launches TO '/tmp/stolen.csv'")
    result = run_user_sql(home, "SELECT * FROM range(10)", row_cap=3)
    assert len(result.frame) == 3 and result.truncated


def test_sql_time_limit(home: Path) -> None:
    with pytest.raises(InputError, match="time limit"):
        run_user_sql(home, "SELECT count(*) FROM range(10000000000) a", time_limit_s=0.2)


def test_sql_time_limit_covers_fetching_a_streamed_result(home: Path) -> None:
    sql = "SELECT range AS n, repeat('y', 20) AS pad FROM range(2000000000)"
    with pytest.raises(InputError, match="time limit"):
        run_user_sql(home, sql, time_limit_s=0.3, row_cap=10**12, max_output_bytes=10**15)


def test_sql_output_is_capped_in_bytes(home: Path) -> None:
    """The issue's 2 GB query, scaled down: 200 rows of 1 MB against a 10 MB cap."""
    sql = "SELECT repeat('x', 1000000) AS s FROM range(200)"
    with pytest.raises(InputError, match="10 MB output cap"):
        run_user_sql(home, sql, max_output_bytes=10_000_000)


def test_sql_memory_is_limited(home: Path) -> None:
    sql = "SELECT list(range) AS l FROM range(30000000)"
    with pytest.raises(InputError, match="100 MB memory limit"):
        run_user_sql(home, sql, memory_limit_mb=100)


@pytest.mark.parametrize(
    "limit", ["time_limit_s", "row_cap", "max_output_bytes", "memory_limit_mb"]
)
@pytest.mark.parametrize("value", [0, -1])
def test_sql_refuses_non_positive_limits(home: Path, limit: str, value: int) -> None:
    with pytest.raises(InputError, match="must be positive"):
        run_user_sql(home, "SELECT 1", **{limit: value})  # type: ignore[arg-type]


def test_sql_results_keep_python_values_and_repeated_names(home: Path) -> None:
    frame = run_user_sql(home, "SELECT 1 AS a, 'x' AS a, [1, 2] AS l").frame
    assert list(frame.columns) == ["a", "a", "l"]
    assert frame.iloc[0].tolist() == [1, "x", [1, 2]]


def test_a_missing_catalog_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissingError, match="cosmodrome update"):
        run_user_sql(tmp_path, "SELECT 1")


#: Run in a fresh interpreter, whose only child is the query's process: its peak resident
#: memory is then ``RUSAGE_CHILDREN``'s, next to the interpreter's own before the query.
PEAK_PROBE = """
import json, resource, sys
from pathlib import Path
from cosmodrome.catalog.sandbox import run_user_sql
from cosmodrome.errors import InputError
own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    run_user_sql(Path(sys.argv[1]), sys.argv[2], memory_limit_mb=int(sys.argv[3]))
    error = None
except InputError as refused:
    error = str(refused)
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"own_kb": own_kb, "child_kb": child_kb, "error": error}))
"""


def test_the_memory_limit_is_a_hard_bound_on_the_query_process(home: Path) -> None:
    limit_mb = 256
    probe = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(home), GIGABYTE_STRINGS, str(limit_mb)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak = json.loads(probe.stdout)
    assert peak["error"].startswith("query stopped at the 256 MB memory limit")
    # The child starts as a copy of its parent, opens the catalog (a few tens of MB), and
    # may then allocate the limit; before, this query peaked at 4 GB.
    assert peak["child_kb"] < peak["own_kb"] + (limit_mb + 100) * 1024


def test_the_cli_refuses_a_query_past_the_memory_limit_in_one_line(
    home: Path, cosmodrome: CliRunner
) -> None:
    result = cosmodrome(home, "sql", GIGABYTE_STRINGS, "--memory-limit-mb", "256")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: query stopped at the 256 MB memory limit (and 512 MB of spill to disk); select "
        "fewer rows or columns, or aggregate"
    ]


def test_the_server_answers_a_query_past_the_memory_limit_with_400_and_keeps_serving(
    home: Path,
) -> None:
    from cosmodrome.web.app import ServerOptions, create_app
    from tests.web_support import client_class

    app = create_app(home, cache_entries=0, options=ServerOptions(sql=True))
    with client_class()(app) as client:  # with its lifespan: the forkserver starts
        refused = client.get("/api/sql", params={"sql": GIGABYTE_STRINGS})
        assert refused.status_code == 400
        error = refused.json()["error"]
        assert error["type"] == "InputError"
        assert error["message"].startswith("query stopped at the 1,024 MB memory limit")
        answer = client.get("/api/sql", params={"sql": "SELECT count(*) AS n FROM launches"})
        assert answer.json()["data"] == [{"n": 2}]
