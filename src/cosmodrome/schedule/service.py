"""What the interfaces ask of schedules: update, what is next, slips, the bad-input report.

Names are the catalog's (``--site Baikonur``, ``--vehicle Soyuz-2``); a vehicle or site
the catalog has not seen fly (``Soyuz-5``, ``SaxaVord``) is found among the schedule's own
spellings instead. An unknown name is an error listing the closest of both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd

from cosmodrome import config
from cosmodrome.catalog.names import (
    catalog_version,
    resolve_agencies,
    resolve_sites,
    resolve_vehicles,
)
from cosmodrome.errors import CatalogMissingError, InputError, SourceError, UnknownNameError
from cosmodrome.naming import closest_names, fold
from cosmodrome.schedule import changes as changes_
from cosmodrome.schedule import slips as slips_
from cosmodrome.schedule.history import entries_frame
from cosmodrome.schedule.ll2 import LL2_URL, LL2Client, ThrottledError
from cosmodrome.schedule.readers import Issue, Snapshot, read_file
from cosmodrome.schedule.store import (
    Kept,
    keep_all,
    latest_snapshot_note,
    open_store,
    replace_changes,
    sha256_of,
    store_path,
)
from cosmodrome.sources.loader import Source
from cosmodrome.timeutil import first_moment, last_moment

SCHEDULE_PATTERNS = ("*.csv", "*.json")


def default_schedule_source() -> str:
    """``$COSMODROME_SCHEDULE_SOURCE`` or Launch Library 2."""
    return os.environ.get("COSMODROME_SCHEDULE_SOURCE") or LL2_URL


@dataclass
class UpdateReport:
    """Snapshots kept by one ``schedule update``: new ones and those already kept."""

    source: str
    kept: list[Kept] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: The change records this update added (see :mod:`.changes`); ``None`` when they could
    #: not be worked out (no catalog yet: the next update records them).
    changes: pd.DataFrame | None = None

    @property
    def new_snapshots(self) -> int:
        return sum(1 for kept in self.kept if kept.new)


def update_schedule(source: str | None = None, home: Path | None = None) -> UpdateReport:
    """Ingest every snapshot ``source`` holds: a folder laid out like ``schedule/`` (or a
    mirror holding one), one CSV/JSON export, or a Launch Library 2 base URL.

    A source that is down or throttled raises :class:`SourceError` saying how old the
    latest kept snapshot is; kept snapshots are never touched.
    """
    location = source or default_schedule_source()
    report = UpdateReport(location)
    try:
        read = _read_source(location, home)
        report.kept += keep_all(read, location, home)
        report.issues += [issue for snapshot, _ in read for issue in snapshot.issues]
    except ThrottledError as error:
        raise ThrottledError(_with_note(error, home), error.retry_at) from None
    except SourceError as error:
        raise SourceError(_with_note(error, home)) from None
    report.changes = record_changes(home)
    return report


def record_changes(home: Path | None = None) -> pd.DataFrame | None:
    """Work out the change records of every kept snapshot against the catalog and store
    them (:func:`~cosmodrome.schedule.store.replace_changes`); the records not stored
    before, or ``None`` without a catalog to match against."""
    from cosmodrome.catalog.db import catalog

    try:
        with catalog(home) as con:
            entries = all_entries(con, home)
            records = changes_.changes(entries)
            added = replace_changes(records, home)
            # Writing the records touched the store file, not the snapshots matching reads:
            # the matched entries stay valid under the file's new key.
            if (key := _store_key(con, home))[0] is not None:
                _ENTRIES.clear()
                _ENTRIES[key] = entries
    except CatalogMissingError:
        return None
    return records[records["change_key"].isin(added)].reset_index(drop=True)


def _with_note(error: SourceError, home: Path | None) -> str:
    """The error and how old the latest kept snapshot is, on one line."""
    return f"{str(error).rstrip('.')}. {latest_snapshot_note(home)}"


def _read_source(location: str, home: Path | None) -> list[tuple[Snapshot, str]]:
    """Every snapshot of ``location`` with the SHA-256 of what it was read from."""
    if urlsplit(location).scheme in {"http", "https"}:
        client = LL2Client(config.cache_dir(home), location)
        return client.snapshots()
    path = Path(location).expanduser()
    if path.is_file():
        return [(read_file(path), sha256_of(path))]
    if not path.is_dir():
        raise SourceError(f"{path} is neither a schedule file nor a folder")
    folder = Path(Source(str(path)).subsource("schedule").location)
    files = sorted(f for pattern in SCHEDULE_PATTERNS for f in folder.glob(pattern))
    if not files:
        raise SourceError(
            f"no schedule snapshot (*.csv, *.json) in {folder}; expected a folder laid out "
            "like ../shared/data/schedule/"
        )
    return [(read_file(file), sha256_of(file)) for file in files]


# --- queries ------------------------------------------------------------------------------


def snapshots(home: Path | None = None) -> pd.DataFrame:
    """Every kept snapshot, oldest first."""
    with open_store(home) as store:
        return store.execute(
            """SELECT snapshot_id, kind, file, as_of, retrieved_at, entries, issues, source
               FROM snapshots ORDER BY as_of, snapshot_id"""
        ).df()


#: What the matching of schedules to the catalog depends on: the catalog version and the
#: store file (its path, modification time and size: a new snapshot changes them).
_Key = tuple[str | None, str, int, int]
#: The matched entries and the per-launch slips of the last key asked for (one at a time:
#: a new catalog or snapshot replaces them).
_ENTRIES: dict[_Key, pd.DataFrame] = {}
_LAUNCHES: dict[_Key, pd.DataFrame] = {}


def _store_key(con: duckdb.DuckDBPyConnection, home: Path | None) -> _Key:
    path = store_path(home)
    stat = path.stat() if path.is_file() else None
    return (
        catalog_version(con),
        str(path),
        stat.st_mtime_ns if stat else 0,
        stat.st_size if stat else 0,
    )


def _kept(
    cache: dict[_Key, pd.DataFrame], key: _Key, build: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """``build()`` once per key (a catalog without a version is never cached); a copy, so a
    caller's changes never reach the cache."""
    if key[0] is None:
        return build()
    if key not in cache:
        frame = build()
        cache.clear()
        cache[key] = frame
    return cache[key].copy()


def all_entries(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> pd.DataFrame:
    """:func:`~cosmodrome.schedule.history.entries_frame`, computed once per catalog version
    and store file (the store only grows, the catalog is swapped, never changed in place)."""

    def build() -> pd.DataFrame:
        with open_store(home) as store:
            return entries_frame(store, con)

    return _kept(_ENTRIES, _store_key(con, home), build)


def all_launches(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> pd.DataFrame:
    """:func:`~cosmodrome.schedule.slips.per_launch` of every entry, kept like
    :func:`all_entries` (a launch's row depends on its own entries only, so a filter picks
    rows of it by ``launch_id``)."""
    key = _store_key(con, home)
    return _kept(_LAUNCHES, key, lambda: slips_.per_launch(all_entries(con, home)))


@dataclass(frozen=True)
class ScheduleFilter:
    """Which scheduled launches: by site, vehicle and provider names, and target period."""

    site: str | None = None
    vehicle: str | None = None
    provider: str | None = None
    #: Target period: a day (``end`` inclusive, to the end of that day) or a UTC moment.
    start: date | datetime | None = None
    end: date | datetime | None = None


def select(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, f: ScheduleFilter) -> pd.DataFrame:
    """Rows of ``frame`` matching ``f``; a target interval meeting the period counts."""
    keep_rows = pd.Series(True, index=frame.index)
    if f.site:
        keep_rows &= _site_rows(frame, con, f.site)
    if f.vehicle:
        keep_rows &= _vehicle_rows(frame, con, f.vehicle)
    if f.provider:
        keep_rows &= _provider_rows(frame, con, f.provider)
    if f.start or f.end:
        first = first_moment(f.start) if f.start else None
        last = last_moment(f.end) if f.end else None
        starts, ends = frame["target_start_utc"], frame["target_end_utc"]
        meets = starts.isna() | (
            (ends > first if first else True) & (starts <= last if last else True)
        )
        keep_rows &= meets
    return frame[keep_rows]


def _provider_rows(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, name: str) -> pd.Series:
    """Rows whose provider is the organisation ``name`` or one under it (``CASC``: CALT's
    and SAST's launches), or whose provider's name contains it (``Rocket``)."""
    folded = frame["provider"].fillna("").map(fold)
    hits = folded.str.contains(fold(name), regex=False)
    try:
        codes = resolve_agencies(con, name, suggest=False)
    except UnknownNameError:
        codes = []
    if codes:
        rows = con.execute(
            """SELECT DISTINCT agency_name FROM launches
               WHERE list_contains(?, agency) AND agency_name IS NOT NULL""",
            [codes],
        ).fetchall()
        hits |= folded.isin({fold(str(n)) for (n,) in rows})
    if not hits.any():
        names = sorted(set(frame["provider"].dropna()))
        raise UnknownNameError("provider", name, closest_names(name, names))
    return hits


def _site_rows(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, name: str) -> pd.Series:
    try:
        sites = set(resolve_sites(con, name))
    except UnknownNameError as error:
        raw = frame["site_raw"].fillna("").map(fold).str.contains(fold(name), regex=False)
        if raw.any():
            return raw
        raise UnknownNameError("site", name, error.suggestions) from None
    return frame["site"].fillna("").map(lambda s: bool(set(s.split("/")) & sites))


def _vehicle_rows(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, name: str) -> pd.Series:
    raw = frame["vehicle_raw"].fillna("").map(fold).str.startswith(fold(name))
    try:
        vehicles = set(resolve_vehicles(con, name))
    except UnknownNameError as error:
        if raw.any():
            return raw
        names = sorted(set(frame["vehicle_raw"].dropna()))
        suggestions = closest_names(name, names) + error.suggestions
        raise UnknownNameError("vehicle", name, suggestions[:6]) from None
    families = set(frame.loc[frame["vehicle"].isin(vehicles), "family"].dropna())
    by_family = frame["vehicle"].isna() & frame["family"].isin(families) & raw
    return raw | frame["vehicle"].isin(vehicles) | by_family


NEXT_COLUMNS = [
    "target", "payload", "vehicle_raw", "vehicle", "site", "site_name", "pad", "pad_name",
    "provider", "precision", "net", "target_start_utc", "target_end_utc", "window_start_utc",
    "window_end_utc", "status", "flown_tag", "flown_utc", "site_raw", "file", "line",
    "launch_id", "as_of", "family",
]  # fmt: skip


def upcoming(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    home: Path | None = None,
    known_before: datetime | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The latest snapshot's launches (those GCAT has not shown flown), in target order,
    and a note on the snapshot they come from. With ``known_before`` (a backtest), the
    latest snapshot taken before that moment, and flights after it do not count."""
    frame = all_entries(con, home)
    if known_before is not None:
        frame = frame[frame["as_of"] < pd.Timestamp(known_before)]
    if frame.empty:
        raise InputError(
            "the kept snapshots hold no launches"
            + (f" before {known_before:%Y-%m-%d %H:%M} UTC" if known_before else "")
        )
    # Launch Library 2's launch/previous/ page lists flown launches: never "the latest".
    listing = frame[frame["file"] != "launch/previous/"]
    listing = listing if not listing.empty else frame
    latest = listing.loc[listing["as_of"] == listing["as_of"].max(), "snapshot_id"].max()
    rows = frame[frame["snapshot_id"] == latest]
    rows = select(rows, con, f)
    flown = rows["flown_tag"].notna()
    if known_before is not None:
        flown &= rows["flown_utc"] < pd.Timestamp(known_before)
    rows = rows[~flown]
    # TargetDate.sort_key's order: by the end of the interval, then its start, TBD last.
    rows = rows.sort_values(
        ["target_end_utc", "target_start_utc", "line"], na_position="last", kind="stable"
    )
    first = frame[frame["snapshot_id"] == latest].iloc[0]
    age = (pd.Timestamp.now(tz=UTC) - first["as_of"]).total_seconds() / 86400.0
    note = {
        "snapshot": first["file"],
        "as_of": first["as_of"],
        "age_days": age,
        "launches": len(rows),
    }
    return rows[NEXT_COLUMNS].reset_index(drop=True), note


def slips(
    con: duckdb.DuckDBPyConnection, f: ScheduleFilter, by: str = "launch", home: Path | None = None
) -> pd.DataFrame:
    """Per launch (``by="launch"``) or per vehicle, site or provider: see :mod:`.slips`.

    The filter picks launches by any of their entries; the period applies to the first
    target seen.
    """
    frame = all_entries(con, home)
    chosen = select(frame, con, ScheduleFilter(f.site, f.vehicle, f.provider))
    frame = frame[frame["launch_id"].isin(set(chosen["launch_id"]))]
    if f.start or f.end:
        firsts = frame.sort_values(["as_of", "snapshot_id"]).groupby("launch_id").head(1)
        kept = select(firsts, con, ScheduleFilter(start=f.start, end=f.end))
        frame = frame[frame["launch_id"].isin(set(kept["launch_id"]))]
    every = all_launches(con, home)
    launches = every[every["launch_id"].isin(set(frame["launch_id"]))].reset_index(drop=True)
    if by == "launch":
        # Launches seen more than once (the ones with a slip history) first.
        launches = launches.assign(_flown=launches["flown_tag"].isna())
        ordered = launches.sort_values(
            ["snapshots", "_flown", "launch_id"], ascending=[False, True, True]
        )
        return ordered.drop(columns="_flown").reset_index(drop=True)
    return slips_.summarise(launches, by)


def slip_history(
    con: duckdb.DuckDBPyConnection, f: ScheduleFilter, home: Path | None = None
) -> pd.DataFrame:
    """Target per snapshot for the chosen launches (for the slips chart), with flights."""
    frame = all_entries(con, home)
    chosen = select(frame, con, f)
    frame = frame[frame["launch_id"].isin(set(chosen["launch_id"]))]
    return frame[
        ["launch_id", "payload", "vehicle_raw", "site", "as_of", "target", "precision",
         "target_start_utc", "target_end_utc", "flown_tag", "flown_utc"]
    ].sort_values(["launch_id", "as_of"], ignore_index=True)  # fmt: skip


def input_report(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> pd.DataFrame:
    """Every value read or matched badly: unreadable dates, unknown sites, vehicles and pads,
    with the file, line and raw value."""
    with open_store(home) as store:
        issues = store.execute(
            "SELECT file, line, field, raw, reason FROM issues ORDER BY snapshot_id, line"
        ).df()
    frame = all_entries(con, home)
    rows = [issues]
    site_bad = frame[frame["site_match"] != "matched"]
    rows.append(
        pd.DataFrame(
            {
                "file": site_bad["file"],
                "line": site_bad["line"],
                "field": "site",
                "raw": site_bad["site_raw"],
                "reason": site_bad["site_match"],
            }
        )
    )
    vehicle_bad = frame[frame["vehicle_match"] != "vehicle"]
    rows.append(
        pd.DataFrame(
            {
                "file": vehicle_bad["file"],
                "line": vehicle_bad["line"],
                "field": "vehicle",
                "raw": vehicle_bad["vehicle_raw"],
                "reason": vehicle_bad["vehicle_match"],
            }
        )
    )
    report = pd.concat(rows, ignore_index=True)
    return report.sort_values(["file", "line", "field"], ignore_index=True)


def ics(con: duckdb.DuckDBPyConnection, f: ScheduleFilter, home: Path | None = None) -> bytes:
    """An iCalendar feed of :func:`upcoming` (see :mod:`.ical`)."""
    from cosmodrome.schedule.ical import calendar_feed

    frame, note = upcoming(con, f, home)
    return calendar_feed(con, frame, note)


@dataclass(frozen=True)
class ChangeFilter:
    """Which change records: detected in a period, of some kinds, for some launches."""

    since: date | datetime | None = None
    until: date | datetime | None = None
    kinds: tuple[str, ...] = ()
    site: str | None = None
    vehicle: str | None = None
    provider: str | None = None

    def __post_init__(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in changes_.KINDS]
        if unknown:
            raise InputError(
                f"unknown change kind {unknown[0]!r}; choose from {', '.join(changes_.KINDS)}"
            )


def changes(
    con: duckdb.DuckDBPyConnection, f: ChangeFilter, home: Path | None = None
) -> pd.DataFrame:
    """The stored change records matching ``f``, newest first (names as for
    :func:`upcoming`: catalog names, or the schedule's own spellings)."""
    with open_store(home) as store:
        frame = store.execute(
            "SELECT * FROM changes ORDER BY detected_utc DESC, to_snapshot DESC, kind, line"
        ).df()
    for column in ("detected_utc", "old_target_end_utc", "new_target_end_utc", "flown_utc"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    if f.site or f.vehicle or f.provider:
        frame = select(frame, con, ScheduleFilter(f.site, f.vehicle, f.provider))
    if f.kinds:
        frame = frame[frame["kind"].isin(f.kinds)]
    if f.since:
        frame = frame[frame["detected_utc"] >= pd.Timestamp(first_moment(f.since))]
    if f.until:
        frame = frame[frame["detected_utc"] <= pd.Timestamp(last_moment(f.until))]
    return frame.reset_index(drop=True)
