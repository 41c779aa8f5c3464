"""Change records: what differs between each kept snapshot and the one before it.

Snapshots are compared in the order of their dates (Launch Library 2's ``launch/previous/``
page lists flown launches, not a schedule, and takes no part). The entries of two
consecutive snapshots are the same launch when :mod:`.history` links them (``launch_id``);
then each launch of the pair gives at most these records:

- ``new``: listed now, not before;
- ``moved``: its target interval changed (``old_target`` -> ``new_target``; ``slip_days``
  by the rule of :mod:`.slips`, between the ends of the two intervals);
- ``renamed``: its payload is written differently (``old_payload`` -> ``payload``);
- ``flown``: no longer listed, and GCAT has the launch that flew it (``flown_tag``) before
  the later snapshot;
- ``removed``: no longer listed and not flown (scrubbed, cancelled, or dropped by the
  source).

The first snapshot is the baseline: it gives no records. Records depend on the catalog
(matching, flights), so they are worked out again at each schedule update from every kept
snapshot and replace the stored ones in one transaction: a launch first recorded as
``removed`` becomes ``flown`` once GCAT lists its flight. Each record has a ``change_key``
that stays the same across those recomputations (snapshots and line), for feeds and
webhooks.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cosmodrome.naming import fold

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("new", "moved", "renamed", "flown", "removed")
#: Launch Library 2's list of flown launches: not a schedule, never compared.
NOT_A_SCHEDULE = "launch/previous/"
#: A GCAT launch time may run this far past a snapshot's date and still count as flown by it
#: (a snapshot dated to the day is written during that day).
FLOWN_SLACK = timedelta(days=1)

#: The stored columns, in order (``schedule.duckdb`` table ``changes``).
COLUMNS = [
    "change_key", "from_snapshot", "to_snapshot", "detected_utc", "kind", "launch_id",
    "payload", "old_payload", "vehicle", "vehicle_raw", "family", "site", "site_name",
    "site_raw", "pad", "provider", "old_target", "new_target", "old_target_end_utc",
    "new_target_end_utc", "slip_days", "flown_tag", "flown_utc", "file", "line", "summary",
]  # fmt: skip


def no_changes() -> pd.DataFrame:
    """The records of a store with no snapshot: none, with every column."""
    import pandas as pd

    return pd.DataFrame(columns=COLUMNS)


@dataclass(frozen=True)
class Pair:
    """Two consecutive snapshots: ids, dates and files."""

    before: int
    after: int
    as_of: datetime
    file: str


def pairs(entries: Sequence[dict[str, Any]]) -> list[Pair]:
    """Consecutive schedule snapshots among ``entries`` (by date, then id)."""
    shots = {
        e["snapshot_id"]: (e["as_of"], e["file"]) for e in entries if e["file"] != NOT_A_SCHEDULE
    }
    ordered = sorted(shots.items(), key=lambda item: (item[1][0], item[0]))
    return [
        Pair(int(before[0]), int(after[0]), after[1][0], str(after[1][1]))
        for before, after in itertools.pairwise(ordered)
    ]


def changes(entries: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Every change record between consecutive snapshots of ``entries`` (as
    :func:`~cosmodrome.schedule.history.matched_entries` gives them), oldest pair first."""
    import pandas as pd

    by_snapshot: dict[int, dict[int, dict[str, Any]]] = {}
    for row in entries:
        by_snapshot.setdefault(int(row["snapshot_id"]), {})[int(row["launch_id"])] = row
    records: list[dict[str, Any]] = []
    for pair in pairs(entries):
        records += _pair_changes(pair, by_snapshot[pair.before], by_snapshot[pair.after])
    frame = pd.DataFrame(records, columns=COLUMNS)
    for column in ("detected_utc", "old_target_end_utc", "new_target_end_utc", "flown_utc"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["slip_days"] = pd.to_numeric(frame["slip_days"]).astype(float)
    return frame


def _pair_changes(
    pair: Pair, before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    found = []
    for launch_id in sorted(after.keys() - before.keys(), key=lambda k: after[k]["line"]):
        found.append(_record(pair, "new", None, after[launch_id]))
    for launch_id in sorted(after.keys() & before.keys(), key=lambda k: after[k]["line"]):
        old, new = before[launch_id], after[launch_id]
        if _interval(old) != _interval(new) and None not in (*_interval(old), *_interval(new)):
            found.append(_record(pair, "moved", old, new))
        if fold(old["payload"] or "") != fold(new["payload"] or ""):
            found.append(_record(pair, "renamed", old, new))
    for launch_id in sorted(before.keys() - after.keys(), key=lambda k: before[k]["line"]):
        old = before[launch_id]
        flown = old["flown_utc"]
        kind = "flown" if flown is not None and flown <= pair.as_of + FLOWN_SLACK else "removed"
        found.append(_record(pair, kind, old, None))
    return found


def _interval(row: dict[str, Any]) -> tuple[Any, Any]:
    return row["target_start_utc"], row["target_end_utc"]


def _record(
    pair: Pair, kind: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> dict[str, Any]:
    """One record; its launch described by the later entry when there is one."""
    row = new if new is not None else old
    assert row is not None
    slip = None
    if kind == "moved" and old is not None and new is not None:
        slip = (new["target_end_utc"] - old["target_end_utc"]).total_seconds() / 86400.0
    flown = kind == "flown"
    record = {
        "change_key": f"{pair.before}-{pair.after}-{kind}-{row['line']}",
        "from_snapshot": pair.before,
        "to_snapshot": pair.after,
        "detected_utc": pair.as_of,
        "kind": kind,
        "launch_id": int(row["launch_id"]),
        "payload": row["payload"],
        "old_payload": old["payload"] if old is not None and kind == "renamed" else None,
        **{k: row[k] for k in ("vehicle", "vehicle_raw", "family", "site", "site_name",
                               "site_raw", "pad", "provider")},
        "old_target": old["target"] if old is not None else None,
        "new_target": new["target"] if new is not None else None,
        "old_target_end_utc": old["target_end_utc"] if old is not None else None,
        "new_target_end_utc": new["target_end_utc"] if new is not None else None,
        "slip_days": slip,
        "flown_tag": row["flown_tag"] if flown else None,
        "flown_utc": row["flown_utc"] if flown else None,
        "file": row["file"],
        "line": int(row["line"]),
    }  # fmt: skip
    record["summary"] = summary(record)
    return record


def _days(value: float) -> str:
    return f"{value:+,.0f} day" + ("" if abs(round(value)) == 1 else "s")


def summary(record: dict[str, Any]) -> str:
    """One line for a person: what happened to which launch.

    >>> summary({"kind": "moved", "payload": "Tundra n°7L", "vehicle_raw": "Angara A5",
    ...          "site_name": "Plesetsk", "old_target": "NET 2024", "new_target": "NET 2026",
    ...          "slip_days": 730.0})
    'Moved: Tundra n°7L (Angara A5, Plesetsk) from NET 2024 to NET 2026 (+730 days)'
    """
    where = ", ".join(
        str(part) for part in (record.get("vehicle_raw"), record.get("site_name")) if part
    )
    launch = f"{record['payload']}" + (f" ({where})" if where else "")
    kind = record["kind"]
    if kind == "new":
        return f"New: {launch}, target {record['new_target']}"
    if kind == "moved":
        return (
            f"Moved: {launch} from {record['old_target']} to {record['new_target']} "
            f"({_days(record['slip_days'])})"
        )
    if kind == "renamed":
        return f"Renamed: {record['old_payload']} is now {launch}"
    if kind == "flown":
        return f"Flown: {launch} as GCAT {record['flown_tag']}"
    return f"Removed: {launch}, last target {record['old_target']}, not flown per GCAT"
