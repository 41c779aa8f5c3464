"""Slips: how far each scheduled launch's target moved across snapshots, and to its launch.

The rule, stated once: a slip between two targets is the distance between the **ends** of
their intervals (the last moment each allowed: "NET 2024" ends 2025-01-01), so
NET 2024 -> NET 2026 is 730 days. The slip to the actual launch is measured from the
first target seen: zero inside its interval, positive after its end, negative before its
start. A launch has *moved* when its interval changed between any two snapshots.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from typing import Any

from cosmodrome.errors import InputError
from cosmodrome.schedule.precision import from_stored, slip_to_launch_days
from cosmodrome.tables import Rows

SLIP_RULE = (
    "slip = change of the end of the target interval (NET 2024 -> NET 2026 = 730 days); "
    "slip to launch = from the first target's interval to the GCAT launch time"
)
GROUPS = {"launch": "launch_id", "vehicle": "vehicle", "site": "site", "provider": "provider"}


def per_launch(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per scheduled launch (:data:`LAUNCH_COLUMNS`): first and last target, how far
    it moved, and when it flew (GCAT)."""
    ordered = sorted(entries, key=lambda e: (e["launch_id"], e["as_of"], e["snapshot_id"]))
    groups = itertools.groupby(ordered, key=lambda entry: entry["launch_id"])
    return [_launch_row(list(group)) for _, group in groups]


LAUNCH_COLUMNS = [
    "launch_id", "payload", "vehicle", "vehicle_raw", "site", "site_name", "pad", "provider",
    "snapshots",
    "first_seen", "last_seen", "first_target", "last_target", "moved", "slip_days",
    "flown_tag", "flown_utc", "slip_to_launch_days", "first_target_end_utc",
    "last_target_end_utc", "history",
]  # fmt: skip


def _launch_row(group: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = group[0], group[-1]
    # A TBD entry has no interval: it neither moves a launch nor keeps it in place.
    intervals = {
        (r["target_start_utc"], r["target_end_utc"])
        for r in group
        if r["target_start_utc"] is not None and r["target_end_utc"] is not None
    }
    moved = len(intervals) > 1
    slip = None
    start_end, last_end = first["target_end_utc"], last["target_end_utc"]
    if len(group) > 1 and start_end is not None and last_end is not None:
        # The rule of precision.slip_days: between the ends of the two intervals.
        slip = (last_end - start_end).total_seconds() / 86400.0
    flown = last["flown_utc"]
    to_launch = None
    if flown is not None:
        first_target = from_stored(
            first["precision"],
            first["target_start_utc"],
            first["target_end_utc"],
            bool(first["net"]),
            None,
        )
        to_launch = slip_to_launch_days(first_target, flown)
    history = [
        {"as_of": r["as_of"], "file": r["file"], "line": int(r["line"]), "target": r["target"]}
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
        "slip_to_launch_days": None if to_launch is None else float(to_launch),
        "first_target_end_utc": first["target_end_utc"],
        "last_target_end_utc": last["target_end_utc"],
        "history": history,
    }


def summarise(launches: Sequence[dict[str, Any]], by: str) -> Rows:
    """Per vehicle, site or provider: launches seen, seen in two or more snapshots
    (``seen_2plus``), how many of those moved and their share, total and median slip
    (days, over ``seen_2plus``), how many flew (GCAT), median slip to launch (days)."""
    if by not in GROUPS or by == "launch":
        raise InputError(f"cannot group slips by {by!r}; choose vehicle, site or provider")
    column = GROUPS[by]
    groups: dict[str, list[dict[str, Any]]] = {}
    for launch in launches:
        key = "(unmatched)" if launch[column] is None else launch[column]
        groups.setdefault(key, []).append(launch)
    rows: list[dict[str, Any]] = []
    for key in sorted(groups):
        group = groups[key]
        repeated = [g for g in group if g["snapshots"] >= 2]
        slips = [g["slip_days"] for g in repeated if g["slip_days"] is not None]
        to_launch = [
            g["slip_to_launch_days"] for g in group if g["slip_to_launch_days"] is not None
        ]
        names = [g["site_name"] for g in group if g["site_name"] is not None]
        moved = sum(1 for g in repeated if g["moved"])
        named = {"site_name": names[0] if names else key} if by == "site" else {}
        rows.append(
            {
                by: key,
                **named,
                "launches": len(group),
                "seen_2plus": len(repeated),
                "moved": moved,
                "moved_pct": 100.0 * (moved / len(repeated)) if repeated else None,
                "total_slip_days": math.fsum(slips) if slips else None,
                "median_slip_days": float(statistics.median(slips)) if slips else None,
                "flown": sum(1 for g in group if g["flown_tag"] is not None),
                "median_to_launch_days": (
                    float(statistics.median(to_launch)) if to_launch else None
                ),
            }
        )
    # Stable: groups of the same counts stay in name order.
    rows.sort(key=lambda r: (-r["seen_2plus"], -r["launches"]))
    columns = list(rows[0]) if rows else []
    return Rows(columns, [tuple(r[c] for c in columns) for r in rows])
