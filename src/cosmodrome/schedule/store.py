"""The schedule store: every snapshot ever ingested, kept with its date, never overwritten.

``schedule.duckdb`` in ``$COSMODROME_HOME`` sits beside the catalog but apart from it: the
catalog is rebuilt and swapped in by ``cosmodrome update``, while schedule snapshots
accumulate. Ingest only appends; a file already kept (same name and SHA-256) is not added
twice. One ingest writes at a time, on a copy of the store renamed over it when every
snapshot of the update is in (:mod:`cosmodrome.stores`): readers keep the previous state
meanwhile, and a failed ingest leaves the store as it was. Readers open the file read-only.

Beside the snapshots it keeps what is derived from them and the catalog, replaced whole at
each schedule or catalog update: the change records, the entries matched to the catalog
and the launch-probability model fitted on them (:class:`Matching`), so that queries only
read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cosmodrome import config
from cosmodrome.errors import CatalogMissingError
from cosmodrome.stores import StoreKind, connect_read_only, write_store

if TYPE_CHECKING:
    import pandas as pd

    from cosmodrome.schedule.readers import Snapshot

STORE_FILENAME = "schedule.duckdb"
SCHEDULE = StoreKind("schedule store", "cosmodrome schedule update --source URL_OR_FOLDER")

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id INTEGER PRIMARY KEY,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    as_of TIMESTAMPTZ NOT NULL,
    retrieved_at TIMESTAMPTZ NOT NULL,
    sha256 VARCHAR NOT NULL,
    entries INTEGER NOT NULL,
    issues INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    snapshot_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    payload VARCHAR,
    vehicle VARCHAR,
    site VARCHAR,
    provider VARCHAR,
    customer VARCHAR,
    status VARCHAR,
    precision VARCHAR NOT NULL,
    target_start TIMESTAMPTZ,
    target_end TIMESTAMPTZ,
    net BOOLEAN NOT NULL,
    until_precision VARCHAR,
    target_text VARCHAR,
    window_start TIMESTAMPTZ,
    window_end TIMESTAMPTZ,
    source_id VARCHAR,
    description VARCHAR
);
CREATE TABLE IF NOT EXISTS issues (
    snapshot_id INTEGER NOT NULL,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    field VARCHAR NOT NULL,
    raw VARCHAR,
    reason VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    change_key VARCHAR PRIMARY KEY,
    from_snapshot INTEGER NOT NULL,
    to_snapshot INTEGER NOT NULL,
    detected_utc TIMESTAMPTZ NOT NULL,
    kind VARCHAR NOT NULL,
    launch_id INTEGER,
    payload VARCHAR,
    old_payload VARCHAR,
    vehicle VARCHAR,
    vehicle_raw VARCHAR,
    family VARCHAR,
    site VARCHAR,
    site_name VARCHAR,
    site_raw VARCHAR,
    pad VARCHAR,
    provider VARCHAR,
    old_target VARCHAR,
    new_target VARCHAR,
    old_target_end_utc TIMESTAMPTZ,
    new_target_end_utc TIMESTAMPTZ,
    slip_days DOUBLE,
    flown_tag VARCHAR,
    flown_utc TIMESTAMPTZ,
    file VARCHAR,
    line INTEGER,
    summary VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS matching (
    catalog_version VARCHAR NOT NULL,
    model JSON NOT NULL
);
"""
#: Every entry matched to the catalog (:func:`~cosmodrome.schedule.history.matched_entries`),
#: kept with the catalog generation it was matched against (table ``matching``): worked out at
#: each schedule update and catalog update, read by every query.
MATCHED_COLUMNS = (
    ("launch_id", "INTEGER"), ("snapshot_id", "INTEGER"), ("as_of", "TIMESTAMPTZ"),
    ("file", "VARCHAR"), ("line", "INTEGER"), ("payload", "VARCHAR"), ("target", "VARCHAR"),
    ("precision", "VARCHAR"), ("net", "BOOLEAN"), ("target_start_utc", "TIMESTAMPTZ"),
    ("target_end_utc", "TIMESTAMPTZ"), ("window_start_utc", "TIMESTAMPTZ"),
    ("window_end_utc", "TIMESTAMPTZ"), ("site", "VARCHAR"), ("pad", "VARCHAR"),
    ("pad_name", "VARCHAR"), ("vehicle", "VARCHAR"), ("family", "VARCHAR"),
    ("provider", "VARCHAR"), ("customer", "VARCHAR"), ("status", "VARCHAR"),
    ("site_raw", "VARCHAR"), ("vehicle_raw", "VARCHAR"), ("site_match", "VARCHAR"),
    ("vehicle_match", "VARCHAR"), ("flown_tag", "VARCHAR"), ("flown_utc", "TIMESTAMPTZ"),
    ("flown_by", "VARCHAR"), ("target_text", "VARCHAR"), ("until_precision", "VARCHAR"),
    ("site_name", "VARCHAR"),
)  # fmt: skip
MATCHED_SCHEMA = "CREATE TABLE IF NOT EXISTS matched_entries ({});".format(
    ", ".join(f"{name} {kind}" for name, kind in MATCHED_COLUMNS)
)


class ScheduleMissingError(CatalogMissingError):
    """No schedule snapshot has been ingested in this home folder (like a missing catalog:
    the interfaces answer with the command that fills it, HTTP 503)."""


def store_path(home: Path | None = None) -> Path:
    return (home or config.home()) / STORE_FILENAME


@dataclass(frozen=True)
class Kept:
    """One snapshot after ingest: its id, whether it was new, and its counts."""

    snapshot_id: int
    file: str
    as_of: datetime
    new: bool
    entries: int
    issues: int


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep(snapshot: Snapshot, source: str, digest: str, home: Path | None = None) -> Kept:
    """Append ``snapshot`` to the store, unless the same file is already kept."""
    return keep_all([(snapshot, digest)], source, home)[0]


def keep_all(
    snapshots: list[tuple[Snapshot, str]], source: str, home: Path | None = None
) -> list[Kept]:
    """Append every ``(snapshot, sha256)`` not already kept, all or none of them."""
    retrieved = datetime.now(UTC).replace(microsecond=0)
    with write_store(store_path(home), SCHEDULE) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(SCHEMA)
        return [
            _keep_one(con, snapshot, source, digest, retrieved) for snapshot, digest in snapshots
        ]


def _keep_one(
    con: duckdb.DuckDBPyConnection,
    snapshot: Snapshot,
    source: str,
    digest: str,
    retrieved: datetime,
) -> Kept:
    as_of = snapshot.as_of or retrieved
    row = con.execute(
        "SELECT snapshot_id, as_of, entries, issues FROM snapshots WHERE sha256 = ? AND file = ?",
        [digest, snapshot.file],
    ).fetchone()
    if row is not None:
        return Kept(row[0], snapshot.file, row[1], False, row[2], row[3])
    same = _same_as_latest(con, snapshot)
    if same is not None:
        return same
    (next_id,) = con.execute(
        "SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots"
    ).fetchone() or (1,)
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            next_id,
            snapshot.kind,
            source,
            snapshot.file,
            as_of,
            retrieved,
            digest,
            len(snapshot.entries),
            len(snapshot.issues),
        ],
    )
    _insert_entries(con, next_id, snapshot)
    return Kept(next_id, snapshot.file, as_of, True, len(snapshot.entries), len(snapshot.issues))


#: The stored columns of an entry that say what the schedule holds (all but its snapshot).
ENTRY_COLUMNS = (
    "line, payload, vehicle, site, provider, customer, status, precision, target_start, "
    "target_end, net, until_precision, target_text, window_start, window_end, source_id, "
    "description"
)


def _same_as_latest(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> Kept | None:
    """The latest kept snapshot of the same file (an API endpoint asked again) when it holds
    exactly the same launches: then nothing new is kept (a page whose bytes differ only in
    fields the schedule does not read is not a new schedule)."""
    row = con.execute(
        "SELECT snapshot_id, as_of, entries, issues FROM snapshots WHERE file = ? "
        "ORDER BY as_of DESC, snapshot_id DESC LIMIT 1",
        [snapshot.file],
    ).fetchone()
    if row is None or row[2] != len(snapshot.entries):
        return None
    kept = con.execute(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE snapshot_id = ? ORDER BY line", [row[0]]
    ).fetchall()
    fresh = sorted((tuple(r[1:]) for r in _entry_rows(0, snapshot)), key=lambda r: r[0])
    if [tuple(r) for r in kept] != fresh:
        return None
    return Kept(row[0], snapshot.file, row[1], False, row[2], row[3])


def _entry_rows(snapshot_id: int, snapshot: Snapshot) -> list[list[Any]]:
    return [
        [
            snapshot_id,
            e.line,
            e.payload,
            e.vehicle,
            e.site,
            e.provider,
            e.customer,
            e.status,
            e.target.precision.value,
            e.target.start,
            e.target.end,
            e.target.net,
            e.target.until.value if e.target.until else None,
            e.target_text,
            e.window_start,
            e.window_end,
            e.source_id,
            e.description,
        ]
        for e in snapshot.entries
    ]


def _insert_entries(con: duckdb.DuckDBPyConnection, snapshot_id: int, snapshot: Snapshot) -> None:
    """Entries and issues as whole columns (one INSERT each): row by row, DuckDB took five
    minutes over 100,000 entries."""
    import pyarrow as pa

    utc = pa.timestamp("us", tz="UTC")
    e = snapshot.entries
    entries = pa.table(
        {
            "snapshot_id": pa.array([snapshot_id] * len(e), pa.int32()),
            "line": pa.array([x.line for x in e], pa.int32()),
            "payload": pa.array([x.payload for x in e], pa.string()),
            "vehicle": pa.array([x.vehicle for x in e], pa.string()),
            "site": pa.array([x.site for x in e], pa.string()),
            "provider": pa.array([x.provider for x in e], pa.string()),
            "customer": pa.array([x.customer for x in e], pa.string()),
            "status": pa.array([x.status for x in e], pa.string()),
            "precision": pa.array([x.target.precision.value for x in e], pa.string()),
            "target_start": pa.array([x.target.start for x in e], utc),
            "target_end": pa.array([x.target.end for x in e], utc),
            "net": pa.array([x.target.net for x in e], pa.bool_()),
            "until_precision": pa.array(
                [x.target.until.value if x.target.until else None for x in e], pa.string()
            ),
            "target_text": pa.array([x.target_text for x in e], pa.string()),
            "window_start": pa.array([x.window_start for x in e], utc),
            "window_end": pa.array([x.window_end for x in e], utc),
            "source_id": pa.array([x.source_id for x in e], pa.string()),
            "description": pa.array([x.description for x in e], pa.string()),
        }
    )
    i = snapshot.issues
    issues = pa.table(
        {
            "snapshot_id": pa.array([snapshot_id] * len(i), pa.int32()),
            "file": pa.array([x.file for x in i], pa.string()),
            "line": pa.array([x.line for x in i], pa.int32()),
            "field": pa.array([x.field for x in i], pa.string()),
            "raw": pa.array([x.raw for x in i], pa.string()),
            "reason": pa.array([x.reason for x in i], pa.string()),
        }
    )
    con.register("incoming_entries", entries)
    con.register("incoming_issues", issues)
    try:
        con.execute("INSERT INTO entries SELECT * FROM incoming_entries")
        con.execute("INSERT INTO issues SELECT * FROM incoming_issues")
    finally:
        con.unregister("incoming_entries")
        con.unregister("incoming_issues")


@dataclass(frozen=True)
class Matching:
    """What every query reads: the entries matched against one catalog (its generation,
    :func:`~cosmodrome.catalog.names.catalog_generation`, in ``catalog_version``), and the
    launch-probability model fitted on them (``{"refused": why}`` when the history is too
    thin; :mod:`cosmodrome.forecast.launchprob`)."""

    catalog_version: str
    entries: list[dict[str, Any]]
    model: dict[str, Any]


def replace_derived(
    matching: Matching, changes: pd.DataFrame | None = None, home: Path | None = None
) -> set[str]:
    """Store ``matching`` and (when given) ``changes`` (see :mod:`.changes`) in place of the
    earlier ones, all at once (on a copy of the store, :mod:`cosmodrome.stores`); returns
    the keys of change records that were not stored before."""
    import pyarrow as pa

    types = {"INTEGER": pa.int32(), "VARCHAR": pa.string(), "BOOLEAN": pa.bool_(),
             "TIMESTAMPTZ": pa.timestamp("us", tz="UTC")}  # fmt: skip
    entries = pa.table(
        {
            name: pa.array([e[name] for e in matching.entries], types[kind])
            for name, kind in MATCHED_COLUMNS
        }
    )
    with write_store(store_path(home), SCHEDULE) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(SCHEMA)
        con.execute("DROP TABLE IF EXISTS matched_entries")
        con.execute(MATCHED_SCHEMA)
        con.register("new_entries", entries)
        con.execute("INSERT INTO matched_entries SELECT * FROM new_entries")
        con.unregister("new_entries")
        con.execute("DELETE FROM matching")
        con.execute(
            "INSERT INTO matching VALUES (?, ?)",
            [matching.catalog_version, json.dumps(matching.model)],
        )
        if changes is None:
            return set()
        before = {key for (key,) in con.execute("SELECT change_key FROM changes").fetchall()}
        con.execute("DELETE FROM changes")
        con.register("new_changes", changes)
        con.execute("INSERT INTO changes BY NAME SELECT * FROM new_changes")
        con.unregister("new_changes")
    return set(changes["change_key"]) - before


def stored_matching(store: duckdb.DuckDBPyConnection, catalog_version: str) -> Matching | None:
    """The kept matching when it was worked out against ``catalog_version`` (``None`` for
    another catalog, or a store from before matchings were kept)."""
    try:
        row = store.execute("SELECT catalog_version, model FROM matching").fetchone()
    except duckdb.CatalogException:
        return None
    if row is None or row[0] != catalog_version:
        return None
    cursor = store.execute("SELECT * FROM matched_entries ORDER BY as_of, snapshot_id, line")
    columns = [d[0] for d in cursor.description]
    entries = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    return Matching(catalog_version, entries, json.loads(row[1]))


@contextmanager
def open_store(home: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the schedule store."""
    path = store_path(home)
    if not path.is_file():
        raise ScheduleMissingError("no schedule snapshot has been kept yet.").with_hints(
            cli=f"Run `cosmodrome schedule update --source URL_OR_FOLDER` (home: {path.parent}).",
            web="Schedules appear once the server's operator has loaded a snapshot.",
        )
    con = connect_read_only(path, SCHEDULE)
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def latest_snapshot_note(home: Path | None = None, now: datetime | None = None) -> str:
    """How old the latest kept snapshot is, for messages when a source fails."""
    path = store_path(home)
    if not path.is_file():
        return "No earlier snapshot is kept."
    with open_store(home) as con:
        row = con.execute(
            "SELECT file, as_of, retrieved_at FROM snapshots ORDER BY as_of DESC, snapshot_id DESC"
        ).fetchone()
    if row is None:
        return "No earlier snapshot is kept."
    file, as_of, retrieved = row
    age = (now or datetime.now(UTC)) - as_of
    return (
        f"Earlier snapshots are untouched; the latest, {file}, is as of "
        f"{as_of:%Y-%m-%d %H:%M} UTC ({age.days} days old; retrieved "
        f"{retrieved:%Y-%m-%d %H:%M} UTC)."
    )
