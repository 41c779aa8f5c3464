"""Slips: how far each scheduled launch's target moved across snapshots, and to its launch.

The rule, stated once: a slip between two targets is the distance between the **ends** of
their intervals (the last moment each allowed: "NET 2024" ends 2025-01-01), so
NET 2024 -> NET 2026 is 730 days. The slip to the actual launch is measured from the
first target seen: zero inside its interval, positive after its end, negative before its
start. A launch has *moved* when its interval changed between any two snapshots.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pandas as pd

from cosmodrome.errors import InputError
from cosmodrome.schedule.precision import from_stored, slip_to_launch_days

SLIP_RULE = (
    "slip = change of the end of the target interval (NET 2024 -> NET 2026 = 730 days); "
    "slip to launch = from the first target's interval to the GCAT launch time"
)
GROUPS = {"launch": "launch_id", "vehicle": "vehicle", "site": "site", "provider": "provider"}


def per_launch(entries: pd.DataFrame) -> pd.DataFrame:
    """One row per scheduled launch: first and last target, how far it moved, and when it
    flew (GCAT)."""
    if entries.empty:
        return pd.DataFrame(columns=LAUNCH_COLUMNS)
    ordered = entries.sort_values(["launch_id", "as_of", "snapshot_id"])
    # Plain records grouped in Python: pandas' per-group indexing cost ~2 ms a launch.
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in record.items()} for record in ordered.to_dict("records")
    ]
    groups = itertools.groupby(records, key=lambda record: record["launch_id"])
    rows = [_launch_row(list(group)) for _, group in groups]
    frame = pd.DataFrame(rows, columns=LAUNCH_COLUMNS)
    for column in ("slip_days", "slip_to_launch_days"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame


LAUNCH_COLUMNS = [
    "launch_id", "payload", "vehicle", "vehicle_raw", "site", "site_name", "pad", "provider",
    "snapshots",
    "first_seen", "last_seen", "first_target", "last_target", "moved", "slip_days",
    "flown_tag", "flown_utc", "slip_to_launch_days", "first_target_end_utc",
    "last_target_end_utc", "history",
]  # fmt: skip


def _launch_row(group: list[dict[str, Any]]) -> dict[str, object]:
    first, last = group[0], group[-1]
    # A TBD entry has no interval: it neither moves a launch nor keeps it in place.
    intervals = {
        (r["target_start_utc"], r["target_end_utc"])
        for r in group
        if pd.notna(r["target_start_utc"]) and pd.notna(r["target_end_utc"])
    }
    moved = len(intervals) > 1
    slip = None
    start_end, last_end = first["target_end_utc"], last["target_end_utc"]
    if len(group) > 1 and pd.notna(start_end) and pd.notna(last_end):
        # The rule of precision.slip_days: between the ends of the two intervals.
        slip = (last_end - start_end).total_seconds() / 86400.0
    flown = last["flown_utc"]
    to_launch = None
    if pd.notna(flown):
        first_target = from_stored(
            first["precision"],
            _moment(first["target_start_utc"]),
            _moment(first["target_end_utc"]),
            bool(first["net"]),
            None,
        )
        to_launch = slip_to_launch_days(first_target, flown.to_pydatetime())
    history = [
        {"as_of": r["as_of"], "file": r["file"], "line": int(str(r["line"])), "target": r["target"]}
        for r in group
    ]
    return {
        "launch_id": int(first["launch_id"]),
        "payload": last["payload"],
        "vehicle": last["vehicle"] or last["family"],
        "vehicle_raw": last["vehicle_raw"],
        "site": last["site"],
        "site_name": last["site_name"],
        "pad": last["pad"],
        "provider": last["provider"],
        "snapshots": len(group),
        "first_seen": first["as_of"],
        "last_seen": last["as_of"],
        "first_target": first["target"],
        "last_target": last["target"],
        "moved": moved,
        "slip_days": slip,
        "flown_tag": last["flown_tag"],
        "flown_utc": flown,
        "slip_to_launch_days": to_launch,
        "first_target_end_utc": first["target_end_utc"],
        "last_target_end_utc": last["target_end_utc"],
        "history": history,
    }


def _moment(value: object) -> datetime | None:
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) and pd.notna(value) else None


def summarise(launches: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per vehicle, site or provider: launches seen, seen in two or more snapshots
    (``seen_2plus``), how many of those moved and their share, total and median slip
    (days, over ``seen_2plus``), how many flew (GCAT), median slip to launch (days)."""
    if by not in GROUPS or by == "launch":
        raise InputError(f"cannot group slips by {by!r}; choose vehicle, site or provider")
    column = GROUPS[by]
    frame = launches.assign(**{column: launches[column].fillna("(unmatched)")})
    rows = []
    for key, group in frame.groupby(column, sort=True):
        repeated = group[group["snapshots"] >= 2]
        slips = repeated["slip_days"].dropna()
        to_launch = group["slip_to_launch_days"].dropna()
        names = group["site_name"].dropna()
        named = {"site_name": names.iloc[0] if len(names) else key} if by == "site" else {}
        rows.append(
            {
                by: key,
                **named,
                "launches": len(group),
                "seen_2plus": len(repeated),
                "moved": int(repeated["moved"].sum()),
                "moved_pct": 100.0 * repeated["moved"].mean() if len(repeated) else None,
                "total_slip_days": float(slips.sum()) if len(slips) else None,
                "median_slip_days": float(slips.median()) if len(slips) else None,
                "flown": int(group["flown_tag"].notna().sum()),
                "median_to_launch_days": float(to_launch.median()) if len(to_launch) else None,
            }
        )
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    return result.sort_values(["seen_2plus", "launches"], ascending=False, ignore_index=True)
