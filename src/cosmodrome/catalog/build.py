"""Build the catalog: fetch GCAT files, ingest them, write a new DuckDB file, swap it in.

The new catalog is written to ``catalog.duckdb.building-PID-RANDOM`` beside the current one
and renamed over it only when complete, so an interrupted update (Ctrl-C, kill, full disk)
leaves the previous catalog usable. Readers that already hold the old file keep reading it.

One update runs at a time: each holds ``catalog.lock`` in the home folder (``filelock``)
from the first download to the swap, and a second one waits for it (or gives up with a
one-line message). A new build that would lose more than :data:`MAX_SHRINK_FRACTION` of the
installed catalog's launches, payloads, sites, organisations, vehicles, UCS satellites or
objects of one file is refused unless the caller allows it: a short source (a cut download,
an empty file) must never silently replace a good catalog. Before ingest, :mod:`.checks`
quarantines duplicates, impossible dates and out-of-range values, and refuses a source whose
launches name sites, agencies or vehicles its tables do not define.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import filelock
import pandas as pd

from cosmodrome import config
from cosmodrome.catalog import checks, ingest, names, payload_facts, prices, summaries, ucs
from cosmodrome.catalog.gcat import GcatFileError, Issue, Table, load_table, read_table
from cosmodrome.errors import CosmodromeError, SourceError
from cosmodrome.sources.loader import Loader, Source, ends_on_a_line

REQUIRED_FILES = {
    "launchlog": "tsv/derived/launchlog.tsv",
    "sites": "tsv/tables/sites.tsv",
    "orgs": "tsv/tables/orgs.tsv",
    "lv": "tsv/tables/lv.tsv",
    "psatcat": "tsv/cat/psatcat.tsv",
    "auxcat": "tsv/cat/auxcat.tsv",
}
OPTIONAL_FILES = {
    "launch": "tsv/launch/launch.tsv",
    "satcat": "tsv/cat/satcat.tsv",
}
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_OBJECT_COLUMNS = ("JCAT", "Piece", "Name", "Perigee", "Apogee", "Inc")
#: The columns the catalog reads from each file: a header lacking one is an error.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "launchlog": (
        "Launch_Tag",
        "Piece",
        "Type",
        "Name",
        "PLName",
        "JCAT",
        "SatOwner",
        "SatState",
        *ingest.LAUNCH_FIELDS,
    ),
    "sites": (
        "Site",
        "UCode",
        "TStart",
        "TStop",
        *ingest.PERIODIC_COLUMNS.values(),
        *ingest.COORDINATE_COLUMNS.values(),
        "Error",
    ),
    "orgs": (
        "Code",
        "UCode",
        "TStart",
        "TStop",
        *ingest.PERIODIC_COLUMNS.values(),
        *ingest.COORDINATE_COLUMNS.values(),
        "Class",
    ),
    "lv": (
        "LV_Name",
        "LV_Family",
        "LV_Manufacturer",
        "LV_Variant",
        "LV_Alias",
        "Class",
        *ingest.VEHICLE_NUMBERS.values(),
    ),
    "psatcat": ("JCAT", "Piece", "Name", "UNPerigee", "UNApogee", "UNInc"),
    "auxcat": _OBJECT_COLUMNS,
    "satcat": _OBJECT_COLUMNS,
    "launch": (),
}
#: The largest fraction of the installed catalog's launches, payloads, or objects of one
#: file, that a new build may lose without ``allow_shrink``. GCAT corrects and withdraws a
#: handful of entries between releases (well under 0.1 %); a cut file loses far more.
MAX_SHRINK_FRACTION = 0.01
#: How long an update waits for another one to finish, by default.
DEFAULT_LOCK_WAIT_S = 600.0


class UpdateLockedError(CosmodromeError):
    """Another update holds the catalog lock for longer than this one would wait."""


class CatalogShrinkError(SourceError):
    """The new build would lose more of the installed catalog than allowed."""


class CatalogWriteError(SourceError):
    """The new catalog could not be written (full disk, permissions); the old one stays."""


@dataclass(frozen=True)
class BuildReport:
    """What an update did: where, from what, how many rows, and the quarantined ones."""

    path: Path
    source: str
    counts: dict[str, int]
    quarantined: list[Issue]
    data_date: str


def gcat_source(location: str) -> Source:
    """The GCAT part of a source: a URL, a GCAT-layout folder, or a mirror with ``gcat/``."""
    return Source(location).subsource("gcat")


def fetch_gcat(source: Source, loader: Loader) -> dict[str, Path]:
    """Local paths of every GCAT file the catalog reads (optional ones when available)."""
    paths = {
        name: loader.fetch(source, rel, complete=gcat_file_problem(rel))
        for name, rel in REQUIRED_FILES.items()
    }
    for name, rel in OPTIONAL_FILES.items():
        if source.is_remote:
            try:
                paths[name] = loader.fetch(source, rel, complete=gcat_file_problem(rel))
            except SourceError:
                continue
        elif source.has(rel):
            paths[name] = loader.fetch(source, rel)
    return paths


def build_catalog(
    location: str,
    home: Path | None = None,
    *,
    loader: Loader | None = None,
    before_swap: Callable[[Path], None] | None = None,
    allow_shrink: bool = False,
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Fetch GCAT from ``location`` and (re)build the catalog in ``home``.

    Raises :class:`CatalogShrinkError` when the new build loses more than
    :data:`MAX_SHRINK_FRACTION` of the installed catalog (unless ``allow_shrink``), and
    :class:`UpdateLockedError` when another update holds the lock longer than
    ``lock_wait_s``; ``on_wait`` is told once when this update starts waiting.
    ``before_swap`` is called with the finished temporary file just before it replaces the
    catalog (tests use it to simulate an interruption).
    """
    folder = home or config.home()
    folder.mkdir(parents=True, exist_ok=True)
    target = config.catalog_path(folder)
    with update_lock(folder, lock_wait_s, on_wait):
        remove_unfinished_builds(target)
        source = gcat_source(location)
        loader = loader or Loader(config.cache_dir(folder))
        paths = fetch_gcat(source, loader)
        tables = read_tables(paths)
        workbook = ucs.find_workbook(location)
        outside: list[Issue] = []  # the issues of the files read in Python (UCS, prices)
        ucs_frame = (
            ucs.read_ucs_cached(workbook, config.cache_dir(folder), outside)
            if workbook is not None
            else None
        )
        price_points = prices.read_price_points(location, loader, outside)
        meta = {
            "built_at_utc": datetime.now(UTC).isoformat(),
            "source": source.location,
            "catalog_version": fingerprint({**paths, **({"ucs": workbook} if workbook else {})}),
            "data_date": "",  # the last launch's day, once the launches are read
            **{f"updated:{name}": tables[name].updated or "" for name in tables},
            **({"source:ucs": workbook.name} if workbook is not None else {}),
        }
        built = Built(tables, ucs_frame, outside, meta, price_points)
        install(target, lambda con: built.write(con, target, allow_shrink), before_swap)
    return BuildReport(target, source.location, built.counts, built.quarantined, built.data_date)


@dataclass
class Built:
    """What one update writes into its new catalog, and what it found on the way."""

    tables: dict[str, Table]
    ucs_frame: pd.DataFrame | None
    outside_issues: list[Issue]
    meta: dict[str, str]
    price_points: list[prices.PricePoint]
    counts: dict[str, int] = field(default_factory=dict)
    quarantined: list[Issue] = field(default_factory=list)
    data_date: str = ""

    def write(self, con: duckdb.DuckDBPyConnection, target: Path, allow_shrink: bool) -> None:
        """Ingest the source into the new catalog on ``con``, refusing a broken or cut
        source (unless ``allow_shrink``) before anything is kept."""
        screened = ingest_sources(con, self.tables, self.outside_issues, self.ucs_frame)
        if not allow_shrink:
            checks.refuse_broken_references(screened)
            refuse_shrinking(target, build_counts(con))
        self.data_date = str(_one(con, "SELECT max(time_utc)::DATE FROM built_launches"))
        store_tables(con)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            list({**self.meta, "data_date": self.data_date}.items()),
        )
        summaries.materialise(con, "summaries_key")
        names.store_names(con)
        # Prices name vehicles as people write them: mapped once the names are stored (on a
        # cursor of its own: the name lookups leave results open).
        with con.cursor() as cursor:
            mapped = prices.map_prices(cursor, self.price_points)
        con.register("frame", mapped)
        con.execute(f"INSERT INTO prices ({', '.join(prices.PRICE_COLUMNS)}) SELECT * FROM frame")
        con.unregister("frame")
        summaries.materialise(con, "priced_key")
        self.counts = {
            table: _one(con, f'SELECT count(*) FROM "{table}"')
            for table in (*STORED_TABLES, "ucs")
            if self.ucs_frame is not None or table != "ucs"
        }
        self.quarantined = [
            Issue(*row)
            for row in con.execute("SELECT file, line, reason, raw FROM quarantine").fetchall()
        ]
        con.execute("CHECKPOINT")


def ingest_sources(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, Table],
    outside_issues: list[Issue] | None = None,
    ucs_frame: pd.DataFrame | None = None,
) -> checks.Screened:
    """The catalog's schema on ``con``, its tables made from ``tables`` as the temporary
    ``built_<table>`` tables (and ``ucs`` stored), every issue in the temporary ``issues``
    table; what the checks found, for the refusals."""
    con.execute("SET TimeZone = 'UTC'")
    # One thread: the build's statements are many and small, and a second thread made the
    # mirror's build take more wall time, not less (0.99 s against 1.07 s, 2 cores).
    con.execute("SET threads = 1")
    con.execute(SCHEMA_SQL.read_text())
    stage_sources(con, tables, outside_issues or [], ucs_frame)
    updated = {name: table.updated for name, table in tables.items()}
    screened = checks.screen(con, updated, datetime.now(UTC).date())
    ingest.stage_tables(con)
    payload_facts.enrich(con, ucs_frame)
    return screened


def stage_sources(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, Table],
    outside_issues: list[Issue],
    ucs_frame: pd.DataFrame | None,
) -> None:
    """Every GCAT file as a temporary ``raw_<name>`` table, the issues met so far in the
    temporary ``issues`` table, and the UCS table stored (``con`` has the schema)."""
    con.execute(
        "CREATE TEMP TABLE issues (file VARCHAR, line INTEGER, reason VARCHAR, raw VARCHAR)"
    )
    for name, table in tables.items():
        load_table(con, name, table)
    found = [issue for table in tables.values() for issue in table.issues] + outside_issues
    if found:
        con.executemany(
            "INSERT INTO issues VALUES (?, ?, ?, ?)",
            [(i.file, i.line, i.reason, i.raw) for i in found],
        )
    if ucs_frame is not None:
        con.register("frame", ucs_frame)
        columns = ", ".join(f'"{c}"' for c in ucs_frame.columns)
        con.execute(f"INSERT INTO ucs ({columns}) SELECT {columns} FROM frame")
        con.unregister("frame")


#: The catalog tables each update makes from GCAT, each from its ``built_<name>`` table, in
#: the order of its ``line`` (the row's line in its file; objects: ``ord``).
STORED_TABLES = ("launches", "payloads", "sites", "organisations", "vehicles", "objects")


def store_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The built tables stored in the catalog, and the issues in its quarantine."""
    for table in STORED_TABLES:
        columns = ", ".join(
            f'"{name}"'
            for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = "
                "current_database() AND schema_name = 'main' AND table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
        )
        order = "ord" if table == "objects" else "line"
        con.execute(
            f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM built_{table} '
            f"ORDER BY {order}"
        )
    con.execute("INSERT INTO quarantine SELECT * FROM issues ORDER BY file, line, reason")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


def lock_path(home: Path) -> Path:
    """The lock file every update of the catalog in ``home`` holds."""
    return home / "catalog.lock"


@contextlib.contextmanager
def update_lock(
    home: Path, wait_s: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the update lock of ``home``; wait up to ``wait_s`` for another update."""
    lock = filelock.FileLock(str(lock_path(home)))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if wait_s <= 0:
            raise UpdateLockedError(
                f"another `cosmodrome update` is running on {home} (lock {lock_path(home)}); "
                "try again when it has finished"
            ) from None
        if on_wait is not None:
            on_wait(f"another update is running on {home}; waiting up to {wait_s:g} s for it")
        try:
            lock.acquire(timeout=wait_s)
        except filelock.Timeout:
            raise UpdateLockedError(
                f"another `cosmodrome update` on {home} still held its lock after {wait_s:g} s "
                f"({lock_path(home)}); try again when it has finished"
            ) from None
    try:
        yield
    finally:
        lock.release()


def remove_unfinished_builds(target: Path) -> None:
    """Delete what killed updates left beside ``target`` (only called under the lock)."""
    for leftover in target.parent.glob(target.name + ".building*"):
        leftover.unlink(missing_ok=True)


def read_tables(paths: dict[str, Path]) -> dict[str, Table]:
    """Read every fetched GCAT file, each checked for the columns the catalog reads."""
    return {
        name: read_table(
            path,
            Path(REQUIRED_FILES.get(name) or OPTIONAL_FILES[name]).name,
            REQUIRED_COLUMNS.get(name, ()),
        )
        for name, path in paths.items()
    }


def gcat_file_problem(relpath: str) -> Callable[[Path], str | None]:
    """A loader ``complete`` check: whether a downloaded GCAT file reads as a whole."""
    name = Path(relpath).name

    def problem(path: Path) -> str | None:
        why = ends_on_a_line(path)
        if why is not None:
            return why
        try:
            read_table(path, name)
        except GcatFileError as error:
            return str(error)
        return None

    return problem


def install(
    target: Path,
    write: Callable[[duckdb.DuckDBPyConnection], None],
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Let ``write`` make the new catalog in a file of its own, then rename it over
    ``target``; whatever fails, ``target`` is left as it was."""
    building = target.with_name(f"{target.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        try:
            con = duckdb.connect(str(building))
            try:
                write(con)
            finally:
                con.close()
        except (duckdb.Error, OSError) as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
            raise CatalogWriteError(
                f"could not write the new catalog {building}: {reason}. The installed "
                f"catalog {target} is unchanged."
            ) from None
        if before_swap is not None:
            before_swap(building)
        os.replace(building, target)
    finally:
        building.unlink(missing_ok=True)
        Path(str(building) + ".wal").unlink(missing_ok=True)


@dataclass(frozen=True)
class Shrinkage:
    """One count the new build would lose: which file, what, and how many."""

    file: str
    what: str
    installed: int
    new: int

    @property
    def fraction_lost(self) -> float:
        return (self.installed - self.new) / self.installed if self.installed else 0.0

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.new:,} {self.what} where the installed catalog has "
            f"{self.installed:,} (-{self.fraction_lost:.1%})"
        )


def shrinkage(
    installed: dict[tuple[str, str], int], new: dict[tuple[str, str], int]
) -> list[Shrinkage]:
    """The counts that fall by more than :data:`MAX_SHRINK_FRACTION`."""
    found = []
    for (file, what), count in installed.items():
        lost = Shrinkage(file, what, count, new.get((file, what), 0))
        if lost.fraction_lost > MAX_SHRINK_FRACTION:
            found.append(lost)
    return found


#: The tables whose row counts a new build must keep: (file, what) -> catalog table.
COUNTED_TABLES = {
    ("launchlog.tsv", "launches"): "launches",
    ("launchlog.tsv", "payloads"): "payloads",
    ("sites.tsv", "sites"): "sites",
    ("orgs.tsv", "organisations"): "organisations",
    ("lv.tsv", "vehicles"): "vehicles",
    ("UCS workbook", "satellites"): "ucs",
}


def build_counts(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """Rows of every counted table (launches, payloads, the reference tables, UCS) and
    objects per catalog file, in the catalog being built on ``con``."""
    counts = {
        key: _one(con, f"SELECT count(*) FROM {'ucs' if table == 'ucs' else 'built_' + table}")
        for key, table in COUNTED_TABLES.items()
    }
    for file, count in con.execute(
        "SELECT source_file, count(*) FROM built_objects GROUP BY 1"
    ).fetchall():
        counts[(str(file), "objects")] = int(count)
    return counts


def installed_counts(target: Path) -> dict[tuple[str, str], int]:
    """The same counts for the installed catalog; empty when there is none to protect."""
    from cosmodrome.catalog.db import open_catalog

    if not target.is_file():
        return {}
    try:
        con = open_catalog(target.parent)
    except CosmodromeError:
        return {}  # an unreadable catalog has nothing worth protecting
    counts: dict[tuple[str, str], int] = {}
    try:
        for key, table in COUNTED_TABLES.items():
            with contextlib.suppress(duckdb.Error):  # a table an older catalog lacks
                counts[key] = _count(con, f'SELECT count(*) FROM "{table}"')
        with contextlib.suppress(duckdb.Error):
            for file, count in con.execute(
                "SELECT source_file, count(*) FROM objects GROUP BY 1"
            ).fetchall():
                counts[(str(file), "objects")] = int(count)
    finally:
        con.close()
    return counts


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def refuse_shrinking(target: Path, counts: dict[tuple[str, str], int]) -> None:
    """Raise :class:`CatalogShrinkError` when the new ``counts`` lose too much of ``target``."""
    lost = shrinkage(installed_counts(target), counts)
    if lost:
        raise CatalogShrinkError(
            f"refusing to install a catalog that loses more than {MAX_SHRINK_FRACTION:.0%} "
            f"of the installed one: {'; '.join(map(str, lost))}. The source looks cut short "
            "(a truncated download or an emptied file); the installed catalog is unchanged. "
            "Pass --allow-shrink to install it anyway."
        )


def fingerprint(paths: dict[str, Path]) -> str:
    """A short hash of the input files' contents: the catalog version used by ETags."""
    digest = hashlib.sha256()
    for name in sorted(paths):
        digest.update(name.encode())
        with paths[name].open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]
