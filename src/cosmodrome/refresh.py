"""Bring every source up to date, within each one's published limits: ``cosmodrome refresh``.

Each upstream server is asked no more often than it allows, counted from the last time it
was *asked* (a failure was a request too; a local mirror is read whenever asked):

| source | at most | how |
|---|---|---|
| GCAT | once a day | conditional requests (``If-None-Match``/``If-Modified-Since``), then the catalog build |
| CelesTrak GP groups | once per update cycle (two hours) | ``retries=0``, conditional requests, the cache of :mod:`cosmodrome.astro.celestrak` |
| Launch Library 2 | within 15 requests an hour | pages cached an hour, the request ledger of :mod:`cosmodrome.schedule.ll2`; a throttled answer waits until the time it gives |

A source that fails or throttles is recorded and the others still run. What each run did
is kept in ``refresh.json`` in the home folder (last attempt, last success, last error, when
it is next due): ``/api/health`` reports it. One refresh runs at a time per home
(``refresh.lock``); a second one started meanwhile stops at once saying so. A schedule
snapshot is kept only when it differs from the latest of its source
(:func:`cosmodrome.schedule.store.keep`), and the change records it brings are handed back
for webhooks (:mod:`cosmodrome.hooks`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock

from cosmodrome import config
from cosmodrome.errors import CosmodromeError, InputError

if TYPE_CHECKING:
    import pandas as pd

    from cosmodrome.hooks import Delivery

STATE_FILENAME = "refresh.json"
LOCK_FILENAME = "refresh.lock"
SOURCES = ("gcat", "celestrak", "schedule")
#: How often each source may be asked, in seconds (see the module docstring).
MIN_INTERVAL_S = {"gcat": 86_400.0, "celestrak": 7_200.0, "schedule": 3_600.0}
DEFAULT_GROUPS = ("stations", "active")


class RefreshBusyError(CosmodromeError):
    """Another refresh holds the lock of this home folder."""


@dataclass
class SourceState:
    """What the refreshes of one source did, as kept in ``refresh.json``."""

    location: str | None = None
    last_attempt_utc: str | None = None
    last_success_utc: str | None = None
    last_error: str | None = None
    last_error_utc: str | None = None
    outcome: str | None = None
    message: str | None = None
    #: Not to be asked before this time (a throttled answer's own time, or the interval).
    next_due_utc: str | None = None


@dataclass
class SourceRun:
    """One source in one refresh: ``updated``, ``unchanged``, ``not due``, ``failed`` or
    ``throttled``, and a line saying what happened."""

    source: str
    outcome: str
    message: str
    #: When a throttled source said it may be asked again.
    retry_at: datetime | None = None


@dataclass
class RefreshReport:
    runs: list[SourceRun] = field(default_factory=list)
    #: The schedule change records this refresh added (``None``: the schedule did not run).
    changes: pd.DataFrame | None = None
    #: What was sent to webhooks about them.
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(run.outcome == "failed" for run in self.runs)


@dataclass(frozen=True)
class Sources:
    """Where each source is read from (``None``: its default, as ``update``,
    ``elements update`` and ``schedule update`` use)."""

    gcat: str | None = None
    celestrak: str | None = None
    groups: tuple[str, ...] = DEFAULT_GROUPS
    schedule: str | None = None


def state_path(home: Path | None = None) -> Path:
    return (home or config.home()) / STATE_FILENAME


def read_state(home: Path | None = None) -> dict[str, SourceState]:
    """Every source's state (an unreadable file counts as none: it is rewritten next run)."""
    path = state_path(home)
    try:
        raw = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        raw = {}
    known = set(SourceState.__dataclass_fields__)
    return {
        name: SourceState(**{k: v for k, v in (raw.get(name) or {}).items() if k in known})
        for name in SOURCES
    }


def _write_state(states: dict[str, SourceState], home: Path | None) -> None:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in states.items()}, indent=2), "utf-8")
    os.replace(tmp, path)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def refresh(
    home: Path | None = None,
    sources: Sources | None = None,
    *,
    only: Sequence[str] = SOURCES,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RefreshReport:
    """Refresh the sources named in ``only`` that are due (see the module docstring)."""
    unknown = [name for name in only if name not in SOURCES]
    if unknown:
        raise InputError(f"unknown source {unknown[0]!r}; choose from {', '.join(SOURCES)}")
    folder = home or config.home()
    folder.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(folder / LOCK_FILENAME))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        raise RefreshBusyError(
            f"another refresh is running on {folder} ({folder / LOCK_FILENAME}); this one "
            "stops: the running one brings the sources up to date"
        ) from None
    try:
        return _refresh_locked(folder, sources or Sources(), only, clock)
    finally:
        lock.release()


def _refresh_locked(
    home: Path, sources: Sources, only: Sequence[str], clock: Callable[[], datetime]
) -> RefreshReport:
    report = RefreshReport()
    steps: dict[str, Callable[[], tuple[str, str]]] = {
        "gcat": lambda: _gcat(home, sources.gcat),
        "celestrak": lambda: _celestrak(home, sources.celestrak, sources.groups),
        "schedule": lambda: _schedule(home, sources.schedule, report),
    }
    for name in SOURCES:
        if name not in only:
            continue
        states = read_state(home)
        state = states[name]
        now = clock()
        due = _parse(state.next_due_utc) if _is_remote(_location(name, sources)) else None
        if due is not None and now < due:
            report.runs.append(SourceRun(name, "not due", _not_due(name, state, due, now)))
            continue
        run = _run(name, steps[name])
        report.runs.append(run)
        states[name] = _after(state, run, now, _location(name, sources))
        _write_state(states, home)
    if "gcat" in only:
        from cosmodrome.schedule.service import rematch

        rematch(home)  # a new catalog, the schedule not refreshed: the kept snapshots again
    if report.changes is not None:
        report.deliveries = notify(report.changes, home)
    return report


def notify(changes: pd.DataFrame, home: Path | None = None) -> list[Delivery]:
    """Send new change records to the webhooks that asked for them (after a refresh, or a
    ``schedule update`` run by hand, so that none is missed)."""
    from cosmodrome.catalog.db import catalog
    from cosmodrome.hooks import deliver, read_hooks

    if changes.empty or not read_hooks(home):
        return []
    with catalog(home) as con:
        return deliver(changes, con, home)


def _run(name: str, step: Callable[[], tuple[str, str]]) -> SourceRun:
    from cosmodrome.schedule.ll2 import ThrottledError

    try:
        outcome, message = step()
    except ThrottledError as error:
        return SourceRun(name, "throttled", str(error).splitlines()[0], error.retry_at)
    except (CosmodromeError, OSError) as error:
        # A download, a build refused (shrunk, locked by an update), a full disk: this
        # source failed, the others still run.
        return SourceRun(name, "failed", str(error).splitlines()[0])
    return SourceRun(name, outcome, message)


def _after(state: SourceState, run: SourceRun, now: datetime, location: str) -> SourceState:
    """The source's state after ``run``: when it is next due, and its last error if any."""
    next_due = now + timedelta(seconds=MIN_INTERVAL_S[run.source])
    message = run.message
    if run.retry_at is not None:
        next_due = max(next_due, run.retry_at)
    failed = run.outcome in ("failed", "throttled")
    return SourceState(
        location=location,
        last_attempt_utc=_iso(now),
        last_success_utc=state.last_success_utc if failed else _iso(now),
        last_error=message if failed else state.last_error,
        last_error_utc=_iso(now) if failed else state.last_error_utc,
        outcome=run.outcome,
        message=message,
        next_due_utc=_iso(next_due),
    )


def _not_due(name: str, state: SourceState, due: datetime, now: datetime) -> str:
    asked = _parse(state.last_attempt_utc)
    ago = f"asked {_duration(now - asked)} ago; " if asked else ""
    return f"{ago}next allowed at {due:%Y-%m-%d %H:%M} UTC ({LIMITS[name]})"


LIMITS = {
    "gcat": "GCAT is asked at most once a day",
    "celestrak": "CelesTrak asks for one download per two-hour update cycle",
    "schedule": "Launch Library 2 allows 15 requests an hour; pages are kept an hour",
}


def _duration(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"


def _is_remote(location: str) -> bool:
    """Whether ``location`` is a server to be polite to (a local mirror is read any time)."""
    from cosmodrome.sources.loader import Source

    return Source(location).is_remote


def _location(name: str, sources: Sources) -> str:
    if name == "gcat":
        return sources.gcat or config.default_source()
    if name == "celestrak":
        from cosmodrome.astro.celestrak import default_celestrak_source

        return sources.celestrak or default_celestrak_source()
    from cosmodrome.schedule.service import default_schedule_source

    return sources.schedule or default_schedule_source()


def _gcat(home: Path, location: str | None) -> tuple[str, str]:
    from cosmodrome.catalog.build import build_catalog
    from cosmodrome.sources.loader import Loader

    before = _catalog_version(home)
    loader = Loader(config.cache_dir(home), progress=False)
    report = build_catalog(location or config.default_source(), home, loader=loader)
    after = _catalog_version(home)
    launches = report.counts.get("launches", 0)
    if before == after:
        return "unchanged", f"GCAT unchanged ({launches:,} launches to {report.data_date})"
    return "updated", f"catalog rebuilt: {launches:,} launches to {report.data_date}"


def _catalog_version(home: Path) -> str | None:
    from cosmodrome.catalog.db import catalog, meta
    from cosmodrome.errors import CatalogMissingError

    try:
        with catalog(home) as con:
            return meta(con).get("catalog_version")
    except CatalogMissingError:
        return None


def _celestrak(home: Path, location: str | None, groups: Sequence[str]) -> tuple[str, str]:
    from cosmodrome.astro.celestrak import update_groups
    from cosmodrome.astro.store import elements_path

    loaded = update_groups(
        list(groups), source=location, store_path=elements_path(home), progress=False
    )
    new = sum(file.new for file in loaded)
    sets = ", ".join(f"{file.group} {file.element_sets:,}" for file in loaded)
    return ("updated" if new else "unchanged"), f"{new:,} new element sets ({sets})"


def _schedule(home: Path, location: str | None, report: RefreshReport) -> tuple[str, str]:
    from cosmodrome.schedule.service import update_schedule

    update = update_schedule(location, home)
    report.changes = update.changes
    changes = 0 if update.changes is None else len(update.changes)
    if not update.new_snapshots:
        return "unchanged", "schedule unchanged since the latest snapshot"
    return "updated", f"{update.new_snapshots} new snapshot(s), {changes} change(s) recorded"


def health(home: Path | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Each source's age (since its data was last found current) and last error, for
    ``/api/health``. A source never refreshed here is aged by its file (the catalog, the
    element store, the schedule store), as ``update`` commands run by hand leave them."""
    from cosmodrome.astro.store import elements_path
    from cosmodrome.schedule.store import store_path

    moment = now or datetime.now(UTC)
    files = {
        "gcat": config.catalog_path(home),
        "celestrak": elements_path(home),
        "schedule": store_path(home),
    }
    answer = []
    for name, state in read_state(home).items():
        success = _parse(state.last_success_utc)
        if success is None and state.last_attempt_utc is None and files[name].is_file():
            success = datetime.fromtimestamp(files[name].stat().st_mtime, UTC)
        answer.append(
            {
                "source": name,
                "location": state.location,
                "last_success_utc": _iso(success) if success else None,
                "age_s": round((moment - success).total_seconds()) if success else None,
                "last_attempt_utc": state.last_attempt_utc,
                "outcome": state.outcome,
                "last_error": state.last_error,
                "last_error_utc": state.last_error_utc,
                "next_due_utc": state.next_due_utc,
                "limit": LIMITS[name],
            }
        )
    return answer
