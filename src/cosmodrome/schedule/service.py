"""What the interfaces ask of schedules: update, what is next, slips, the bad-input report.

Names are the catalog's (``--site Baikonur``, ``--vehicle Soyuz-2``); a vehicle or site
the catalog has not seen fly (``Soyuz-5``, ``SaxaVord``) is found among the schedule's own
spellings instead. An unknown name is an error listing the closest of both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import duckdb

from cosmodrome import config
from cosmodrome.catalog.names import (
    catalog_generation,
    resolve_agencies,
    resolve_sites,
    resolve_vehicles,
)
from cosmodrome.errors import (
    CatalogMissingError,
    InputError,
    SourceError,
    ThinHistoryError,
    UnknownNameError,
)
from cosmodrome.naming import closest_names, fold
from cosmodrome.schedule.changes import KINDS as CHANGE_KINDS
from cosmodrome.schedule.changes import changes as change_records
from cosmodrome.schedule.slips import LAUNCH_COLUMNS, per_launch, summarise
from cosmodrome.schedule.store import (
    Kept,
    Matching,
    keep_all,
    latest_snapshot_note,
    open_store,
    replace_derived,
    sha256_of,
    store_path,
    stored_matching,
)
from cosmodrome.tables import Rows
from cosmodrome.timeutil import first_moment, last_moment

if TYPE_CHECKING:
    import pandas as pd

    from cosmodrome.schedule.readers import Issue, Snapshot

SCHEDULE_PATTERNS = ("*.csv", "*.json")
#: A schedule entry, as :func:`~cosmodrome.schedule.history.matched_entries` gives it.
Entry = dict[str, Any]


def default_schedule_source() -> str:
    """``$COSMODROME_SCHEDULE_SOURCE`` or Launch Library 2."""
    from cosmodrome.schedule.ll2 import LL2_URL

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
    from cosmodrome.schedule.ll2 import ThrottledError

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
    """Match every kept snapshot against the catalog, fit the launch-probability model on
    them, work out the change records, and store all three
    (:func:`~cosmodrome.schedule.store.replace_derived`); the change records not stored
    before, or ``None`` without a catalog to match against."""
    from cosmodrome.catalog.db import catalog

    try:
        with catalog(home) as con:
            found = _matching(con, home)
    except CatalogMissingError:
        return None
    records = change_records(found.entries)
    added = replace_derived(found, records, home)
    return records[records["change_key"].isin(added)].reset_index(drop=True)


def rematch(home: Path | None = None) -> None:
    """Match the kept snapshots against a new catalog (after ``cosmodrome update`` and a
    refresh), and fit the model again; the change records stay those of the last schedule
    update, so that the next one still tells webhooks what changed. Nothing to do without a
    schedule store or a catalog, or when the stored matching is this catalog's.

    A store that cannot be read or written now (damaged, or another update writing it) is
    left as it is: the catalog update it follows has succeeded, and queries match a store
    whose matching is another catalog's in memory, so their answers stay right; the
    schedule commands name the store's trouble themselves."""
    from cosmodrome.stores import StoreDamagedError, StoreLockedError, StoreWriteError

    if not store_path(home).is_file():
        return
    from cosmodrome.catalog.db import catalog

    try:
        with catalog(home) as con:
            version = catalog_generation(con)
            with open_store(home) as store:
                if version is not None and stored_matching(store, version) is not None:
                    return
            found = _matching(con, home)
        replace_derived(found, None, home)
    except (CatalogMissingError, StoreDamagedError, StoreLockedError, StoreWriteError):
        return


def _with_note(error: SourceError, home: Path | None) -> str:
    """The error and how old the latest kept snapshot is, on one line."""
    return f"{str(error).rstrip('.')}. {latest_snapshot_note(home)}"


def _read_source(location: str, home: Path | None) -> list[tuple[Snapshot, str]]:
    """Every snapshot of ``location`` with the SHA-256 of what it was read from."""
    from cosmodrome.schedule.readers import read_file
    from cosmodrome.sources.loader import Source

    if urlsplit(location).scheme in {"http", "https"}:
        from cosmodrome.schedule.ll2 import LL2Client

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


def snapshot_rows(home: Path | None = None) -> Rows:
    """Every kept snapshot, oldest first."""
    with open_store(home) as store:
        cursor = store.execute(
            """SELECT snapshot_id, kind, file, as_of, retrieved_at, entries, issues, source
               FROM snapshots ORDER BY as_of, snapshot_id"""
        )
        return Rows.fetched(cursor)


def snapshots(home: Path | None = None) -> pd.DataFrame:
    """:func:`snapshot_rows` as a DataFrame (for Python users)."""
    return frame_of(snapshot_rows(home))


def _matching(con: duckdb.DuckDBPyConnection, home: Path | None) -> Matching:
    """Every kept entry matched against the catalog behind ``con``, and the model fitted on
    them followed to the catalog's end (worked out, not read from the store)."""
    # Here, not at start-up: queries read the stored matching and never need the matcher.
    from cosmodrome.forecast import launchprob
    from cosmodrome.schedule.history import matched_entries

    with open_store(home) as store:
        entries = matched_entries(store, con)
    try:
        fitted = launchprob.fit(con, launchprob.observed(entries, launchprob.known_at(con, None)))
        model = fitted.to_json()
    except ThinHistoryError as error:
        model = {"refused": str(error)}
    return Matching(catalog_generation(con) or "", entries, model)


def matched(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> Matching:
    """The kept matching (:func:`record_changes` stores it at each schedule update, and
    :func:`rematch` at each catalog update); worked out here only when the store holds
    none for this catalog (a catalog swapped in by other means, a store written before
    matchings were kept)."""
    version = catalog_generation(con)
    if version is not None:
        with open_store(home) as store:
            found = stored_matching(store, version)
        if found is not None:
            return found
    return _matching(con, home)


def entry_rows(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> list[Entry]:
    """Every entry of every kept snapshot, matched (:mod:`.history`)."""
    return matched(con, home).entries


def frame_of(rows: Rows) -> pd.DataFrame:
    """``rows`` as a DataFrame for Python users: columns of times (:data:`TIME_COLUMNS`,
    even where empty) as UTC timestamps."""
    import pandas as pd

    frame = rows.to_frame()
    for column in rows.columns:
        if column in TIME_COLUMNS:
            times = pd.to_datetime(frame[column], utc=True)
            frame[column] = times.astype("datetime64[us, UTC]")
    return frame


#: The times among the columns of entries, launches and change records.
TIME_COLUMNS = frozenset(
    {
        "as_of", "retrieved_at", "target_start_utc", "target_end_utc", "window_start_utc", "window_end_utc",
        "flown_utc", "first_seen", "last_seen", "first_target_end_utc", "last_target_end_utc",
        "detected_utc", "old_target_end_utc", "new_target_end_utc",
    }
)  # fmt: skip


def _rows(entries: Sequence[Entry], columns: Sequence[str]) -> Rows:
    return Rows(list(columns), [tuple(e[c] for c in columns) for e in entries])


def all_entries(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> pd.DataFrame:
    """:func:`entry_rows` as a DataFrame (for Python users)."""
    from cosmodrome.schedule.history import COLUMNS

    return frame_of(_rows(entry_rows(con, home), COLUMNS))


@dataclass(frozen=True)
class ScheduleFilter:
    """Which scheduled launches: by site, vehicle and provider names, and target period."""

    site: str | None = None
    vehicle: str | None = None
    provider: str | None = None
    #: Target period: a day (``end`` inclusive, to the end of that day) or a UTC moment.
    start: date | datetime | None = None
    end: date | datetime | None = None


def chosen(
    entries: Sequence[Entry], con: duckdb.DuckDBPyConnection, f: ScheduleFilter
) -> list[bool]:
    """Whether each of ``entries`` matches ``f``; a target interval meeting the period
    counts."""
    keep = [True] * len(entries)
    masks = []
    if f.site:
        masks.append(_site_rows(entries, con, f.site))
    if f.vehicle:
        masks.append(_vehicle_rows(entries, con, f.vehicle))
    if f.provider:
        masks.append(_provider_rows(entries, con, f.provider))
    if f.start or f.end:
        first = first_moment(f.start) if f.start else None
        last = last_moment(f.end) if f.end else None
        masks.append([_meets(e, first, last) for e in entries])
    for mask in masks:
        keep = [k and m for k, m in zip(keep, mask, strict=True)]
    return keep


def _meets(entry: Entry, first: datetime | None, last: datetime | None) -> bool:
    start, end = entry["target_start_utc"], entry["target_end_utc"]
    if start is None:
        return True
    after = first is None or (end is not None and end > first)
    return after and (last is None or start <= last)


def select_entries(
    entries: Sequence[Entry], con: duckdb.DuckDBPyConnection, f: ScheduleFilter
) -> list[Entry]:
    """The entries matching ``f`` (:func:`chosen`)."""
    return [e for e, keep in zip(entries, chosen(entries, con, f), strict=True) if keep]


def select(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, f: ScheduleFilter) -> pd.DataFrame:
    """Rows of ``frame`` matching ``f`` (:func:`chosen`)."""
    return frame[chosen(records_of(frame), con, f)]


def records_of(frame: pd.DataFrame) -> list[Entry]:
    """The rows of a DataFrame as entries are given (a Python user's frame of
    :func:`all_entries`, or of change records): timestamps as datetimes, missing values
    as ``None``."""
    import pandas as pd

    def plain(value: Any) -> Any:
        if isinstance(value, list | tuple | str):
            return value
        if pd.isna(value):
            return None
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value

    return [{str(k): plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _provider_rows(
    entries: Sequence[Entry], con: duckdb.DuckDBPyConnection, name: str
) -> list[bool]:
    """Entries whose provider is the organisation ``name`` or one under it (``CASC``:
    CALT's and SAST's launches), or whose provider's name contains it (``Rocket``)."""
    folded = [fold(e["provider"] or "") for e in entries]
    wanted = fold(name)
    hits = [wanted in p for p in folded]
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
        names = {fold(str(n)) for (n,) in rows}
        hits = [h or p in names for h, p in zip(hits, folded, strict=True)]
    if not any(hits):
        known = sorted({e["provider"] for e in entries if e["provider"] is not None})
        raise UnknownNameError("provider", name, closest_names(name, known))
    return hits


def _site_rows(entries: Sequence[Entry], con: duckdb.DuckDBPyConnection, name: str) -> list[bool]:
    try:
        sites = set(resolve_sites(con, name))
    except UnknownNameError as error:
        wanted = fold(name)
        raw = [wanted in fold(e["site_raw"] or "") for e in entries]
        if any(raw):
            return raw
        raise UnknownNameError("site", name, error.suggestions) from None
    return [bool(set((e["site"] or "").split("/")) & sites) for e in entries]


def _vehicle_rows(
    entries: Sequence[Entry], con: duckdb.DuckDBPyConnection, name: str
) -> list[bool]:
    wanted = fold(name)
    raw = [fold(e["vehicle_raw"] or "").startswith(wanted) for e in entries]
    try:
        vehicles = set(resolve_vehicles(con, name))
    except UnknownNameError as error:
        if any(raw):
            return raw
        names = sorted({e["vehicle_raw"] for e in entries if e["vehicle_raw"] is not None})
        suggestions = closest_names(name, names) + error.suggestions
        raise UnknownNameError("vehicle", name, suggestions[:6]) from None
    families = {
        e["family"] for e in entries if e["vehicle"] in vehicles and e["family"] is not None
    }
    return [
        r or e["vehicle"] in vehicles or (e["vehicle"] is None and e["family"] in families and r)
        for e, r in zip(entries, raw, strict=True)
    ]


NEXT_COLUMNS = [
    "target", "payload", "vehicle_raw", "vehicle", "site", "site_name", "pad", "pad_name",
    "provider", "precision", "net", "target_start_utc", "target_end_utc", "window_start_utc",
    "window_end_utc", "status", "flown_tag", "flown_utc", "site_raw", "file", "line",
    "launch_id", "as_of", "family",
]  # fmt: skip


def _sort_time(moment: datetime | None) -> tuple[bool, datetime]:
    """A missing time sorts last."""
    return (moment is None, moment or datetime.min.replace(tzinfo=UTC))


def upcoming_entries(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    home: Path | None = None,
    known_before: datetime | None = None,
) -> tuple[list[Entry], dict[str, Any]]:
    """The latest snapshot's launches (those GCAT has not shown flown), in target order,
    and a note on the snapshot they come from. With ``known_before`` (a backtest), the
    latest snapshot taken before that moment, and flights after it do not count."""
    return upcoming_of(entry_rows(con, home), con, f, known_before)


def upcoming_of(
    entries: Sequence[Entry],
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    known_before: datetime | None = None,
) -> tuple[list[Entry], dict[str, Any]]:
    """:func:`upcoming_entries` among ``entries``."""
    if known_before is not None:
        entries = [e for e in entries if e["as_of"] < known_before]
    if not entries:
        raise InputError(
            "the kept snapshots hold no launches"
            + (f" before {known_before:%Y-%m-%d %H:%M} UTC" if known_before else "")
        )
    # Launch Library 2's launch/previous/ page lists flown launches: never "the latest".
    listing = [e for e in entries if e["file"] != "launch/previous/"] or entries
    newest = max(e["as_of"] for e in listing)
    latest = max(e["snapshot_id"] for e in listing if e["as_of"] == newest)
    snapshot = [e for e in entries if e["snapshot_id"] == latest]
    rows = [
        e
        for e in select_entries(snapshot, con, f)
        if e["flown_tag"] is None
        or (known_before is not None and not e["flown_utc"] < known_before)
    ]
    # TargetDate.sort_key's order: by the end of the interval, then its start, TBD last.
    rows.sort(
        key=lambda e: (
            _sort_time(e["target_end_utc"]),
            _sort_time(e["target_start_utc"]),
            e["line"],
        )
    )
    first = snapshot[0]
    age = (datetime.now(UTC) - first["as_of"]).total_seconds() / 86400.0
    note = {
        "snapshot": first["file"],
        "as_of": first["as_of"],
        "age_days": age,
        "launches": len(rows),
    }
    return rows, note


def upcoming(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    home: Path | None = None,
    known_before: datetime | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`upcoming_entries` as a DataFrame of :data:`NEXT_COLUMNS` (for Python users)."""
    entries, note = upcoming_entries(con, f, home, known_before)
    return frame_of(_rows(entries, NEXT_COLUMNS)), note


def slip_rows(
    con: duckdb.DuckDBPyConnection, f: ScheduleFilter, by: str = "launch", home: Path | None = None
) -> Rows:
    """Per launch (``by="launch"``) or per vehicle, site or provider: see :mod:`.slips`.

    The filter picks launches by any of their entries; the period applies to the first
    target seen.
    """
    entries = entry_rows(con, home)
    picked = select_entries(entries, con, ScheduleFilter(f.site, f.vehicle, f.provider))
    ids = {e["launch_id"] for e in picked}
    entries = [e for e in entries if e["launch_id"] in ids]
    if f.start or f.end:
        firsts: dict[int, Entry] = {}
        for entry in sorted(entries, key=lambda e: (e["as_of"], e["snapshot_id"])):
            firsts.setdefault(entry["launch_id"], entry)
        kept = select_entries(list(firsts.values()), con, ScheduleFilter(start=f.start, end=f.end))
        ids = {e["launch_id"] for e in kept}
        entries = [e for e in entries if e["launch_id"] in ids]
    launches = per_launch(entries)
    if by != "launch":
        return summarise(launches, by)
    # Launches seen more than once (the ones with a slip history) first.
    launches.sort(key=lambda r: (-r["snapshots"], r["flown_tag"] is None, r["launch_id"]))
    return _rows(launches, LAUNCH_COLUMNS)


def slips(
    con: duckdb.DuckDBPyConnection, f: ScheduleFilter, by: str = "launch", home: Path | None = None
) -> pd.DataFrame:
    """:func:`slip_rows` as a DataFrame (for Python users)."""
    return frame_of(slip_rows(con, f, by, home))


SLIP_HISTORY_COLUMNS = [
    "launch_id", "payload", "vehicle_raw", "site", "as_of", "target", "precision",
    "target_start_utc", "target_end_utc", "flown_tag", "flown_utc",
]  # fmt: skip


def slip_history(
    con: duckdb.DuckDBPyConnection, f: ScheduleFilter, home: Path | None = None
) -> pd.DataFrame:
    """Target per snapshot for the chosen launches (for the slips chart), with flights."""
    entries = entry_rows(con, home)
    ids = {e["launch_id"] for e in select_entries(entries, con, f)}
    picked = sorted(
        (e for e in entries if e["launch_id"] in ids), key=lambda e: (e["launch_id"], e["as_of"])
    )
    return frame_of(_rows(picked, SLIP_HISTORY_COLUMNS))


REPORT_COLUMNS = ["file", "line", "field", "raw", "reason"]


def report_rows(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> Rows:
    """Every value read or matched badly: unreadable dates, unknown sites, vehicles and pads,
    with the file, line and raw value."""
    with open_store(home) as store:
        issues = store.execute(
            "SELECT file, line, field, raw, reason FROM issues ORDER BY snapshot_id, line"
        ).fetchall()
    entries = entry_rows(con, home)
    sites = [
        (e["file"], e["line"], "site", e["site_raw"], e["site_match"])
        for e in entries
        if e["site_match"] != "matched"
    ]
    vehicles = [
        (e["file"], e["line"], "vehicle", e["vehicle_raw"], e["vehicle_match"])
        for e in entries
        if e["vehicle_match"] != "vehicle"
    ]
    report = sorted([*issues, *sites, *vehicles], key=lambda r: (r[0], r[1], r[2]))
    return Rows(list(REPORT_COLUMNS), report)


def input_report(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> pd.DataFrame:
    """:func:`report_rows` as a DataFrame (for Python users)."""
    return frame_of(report_rows(con, home))


def ics(con: duckdb.DuckDBPyConnection, f: ScheduleFilter, home: Path | None = None) -> bytes:
    """An iCalendar feed of :func:`upcoming_entries` (see :mod:`.ical`)."""
    from cosmodrome.schedule.ical import calendar_feed

    entries, note = upcoming_entries(con, f, home)
    return calendar_feed(con, entries, note)


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
        unknown = [kind for kind in self.kinds if kind not in CHANGE_KINDS]
        if unknown:
            raise InputError(
                f"unknown change kind {unknown[0]!r}; choose from {', '.join(CHANGE_KINDS)}"
            )


def change_rows(con: duckdb.DuckDBPyConnection, f: ChangeFilter, home: Path | None = None) -> Rows:
    """The stored change records matching ``f``, newest first (names as for
    :func:`upcoming`: catalog names, or the schedule's own spellings)."""
    with open_store(home) as store:
        cursor = store.execute(
            "SELECT * FROM changes ORDER BY detected_utc DESC, to_snapshot DESC, kind, line"
        )
        columns = [d[0] for d in cursor.description]
        records = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    # Names first, over every record: a name only other kinds' records spell is no error.
    if f.site or f.vehicle or f.provider:
        records = select_entries(records, con, ScheduleFilter(f.site, f.vehicle, f.provider))
    if f.kinds:
        records = [r for r in records if r["kind"] in f.kinds]
    if f.since:
        records = [r for r in records if r["detected_utc"] >= first_moment(f.since)]
    if f.until:
        records = [r for r in records if r["detected_utc"] <= last_moment(f.until)]
    return _rows(records, columns)


def changes(
    con: duckdb.DuckDBPyConnection, f: ChangeFilter, home: Path | None = None
) -> pd.DataFrame:
    """:func:`change_rows` as a DataFrame (for Python users)."""
    return frame_of(change_rows(con, f, home))
