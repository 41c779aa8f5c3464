"""Catalog benchmark: a full ``update`` from the local mirror, and a per-site, per-year query.

Each is measured against a plain pandas baseline doing the same work in the same run:
reading the six GCAT files and deduplicating launches (for the build), and a
``groupby(['site', 'year']).size()`` on an in-memory frame (for the query). Beside the build,
its floor: DuckDB's CSV reader reading the six files as they are and writing them into a
new DuckDB file, the least any build of a DuckDB catalog from them does.
Targets: build within 3x the baseline (issue 25), aggregate query under 50 ms. The build is
timed twice: wall seconds, and CPU seconds of this process (all its threads), which a
machine shared with other work disturbs less.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.common import SHARED_DATA, best_of, report
from cosmodrome.catalog.build import REQUIRED_FILES, build_catalog
from cosmodrome.catalog.db import open_catalog

AGGREGATE_SQL = "SELECT site, year, count(*) AS launches FROM launches GROUP BY site, year"


def pandas_read_all(gcat: Path) -> pd.DataFrame:
    frames = {
        name: pd.read_csv(
            gcat / rel,
            sep="\t",
            comment=None,
            skiprows=[1] if name != "launchlog" else None,
            dtype=str,
            keep_default_na=False,
            quoting=3,
        )
        for name, rel in REQUIRED_FILES.items()
    }
    log = frames["launchlog"]
    return log.drop_duplicates(subset=log.columns[0])


def duckdb_copy_all(gcat: Path, folder: Path) -> None:
    """The six files read by DuckDB's CSV reader, every field as text, and written into a
    new DuckDB file on one thread (as the build runs)."""
    target = folder / "copy.duckdb"
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    con.execute("SET threads = 1")
    for name, rel in REQUIRED_FILES.items():
        with (gcat / rel).open(encoding="utf-8") as handle:
            header = handle.readline().lstrip("#").rstrip("\n").split("\t")
        columns = {f"c{index}": "VARCHAR" for index in range(len(header))}
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, delim = '\t', header = false, "
            f"comment = '#', quote = '', escape = '', auto_detect = false, columns = {columns!r})",
            [str(gcat / rel)],
        )
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    gcat = SHARED_DATA / "gcat"
    if not gcat.is_dir():
        raise SystemExit(f"benchmark needs the frozen mirror at {SHARED_DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        build_s = best_of(3, lambda: build_catalog(str(SHARED_DATA), home))
        baseline_read_s = best_of(3, lambda: pandas_read_all(gcat))
        build_cpu_s = best_of(3, lambda: build_catalog(str(SHARED_DATA), home), time.process_time)
        baseline_cpu_s = best_of(3, lambda: pandas_read_all(gcat), time.process_time)
        floor_s = best_of(3, lambda: duckdb_copy_all(gcat, home))
        floor_cpu_s = best_of(3, lambda: duckdb_copy_all(gcat, home), time.process_time)
        con = open_catalog(home)
        frame = con.execute("SELECT site, year FROM launches").df()
        query_s = best_of(20, lambda: con.execute(AGGREGATE_SQL).fetchall())
        pandas_s = best_of(20, lambda: frame.groupby(["site", "year"]).size())
        con.close()
    report(
        "catalog build, wall seconds (target <= 3x)",
        [
            ("pandas: read the 6 GCAT files + dedupe launches", baseline_read_s, None),
            ("floor: DuckDB reads them, writes a new file", floor_s, floor_s / baseline_read_s),
            ("cosmodrome update --source ../shared/data", build_s, build_s / baseline_read_s),
        ],
    )
    report(
        "catalog build, CPU seconds (target <= 3x)",
        [
            ("pandas: read the 6 GCAT files + dedupe launches", baseline_cpu_s, None),
            (
                "floor: DuckDB reads them, writes a new file",
                floor_cpu_s,
                floor_cpu_s / baseline_cpu_s,
            ),
            (
                "cosmodrome update --source ../shared/data",
                build_cpu_s,
                build_cpu_s / baseline_cpu_s,
            ),
        ],
    )
    report(
        "per-site, per-year aggregate (target < 50 ms)",
        [
            ("pandas groupby on an in-memory frame", pandas_s, None),
            ("DuckDB query on the catalog", query_s, query_s / pandas_s),
        ],
    )


if __name__ == "__main__":
    main()
