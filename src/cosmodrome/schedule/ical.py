"""iCalendar feeds of upcoming launches, built with the ``icalendar`` library.

An event is never more precise than its source: a target known to the minute starts then
and lasts its window (or no time at all); a day is an all-day event; a week, month,
quarter, half-year or year is an all-day event spanning it ("NET 2026-12" runs
2026-12-01 to 2027-01-01, exclusive); a TBD target gets no event. GEO is the pad's
curated position when known, else the site's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from icalendar import Calendar, Event, vGeo

from cosmodrome.schedule.precision import Precision
from cosmodrome.spaceports import load_spaceports


def site_position(con: duckdb.DuckDBPyConnection, site: str | None) -> tuple[float, float] | None:
    """Latitude and longitude (degrees) of a catalog site code, latest definition first."""
    if not site or "/" in site:
        return None
    row = con.execute(
        """SELECT lat_deg, lon_deg FROM sites WHERE code = ? AND lat_deg IS NOT NULL
           ORDER BY valid_to DESC NULLS FIRST LIMIT 1""",
        [site],
    ).fetchone()
    return (float(row[0]), float(row[1])) if row else None


def _pad_position(site: str | None, pad_name: str | None) -> tuple[float, float] | None:
    if not site or not pad_name:
        return None
    for port in load_spaceports():
        if site in port.gcat_sites:
            for pad in port.pads:
                if pad_name in (pad.name, pad.label):
                    return (pad.lat_deg, pad.lon_deg)
    return None


def _uid(row: Mapping[str, Any]) -> str:
    key = f"{row['payload']}|{row['vehicle_raw']}|{row['site_raw']}"
    return hashlib.sha256(key.encode()).hexdigest()[:24] + "@cosmodrome"


def _timing(event: Event, row: Mapping[str, Any]) -> bool:
    start, end = row["target_start_utc"], row["target_end_utc"]
    if start is None:
        return False
    precision = Precision(row["precision"])
    if precision.rank <= Precision.HOUR.rank:
        opens = row["window_start_utc"] or start
        event.add("dtstart", opens)
        if row["window_end_utc"] is not None and row["window_end_utc"] > opens:
            event.add("duration", row["window_end_utc"] - opens)
        else:
            event.add("duration", timedelta(0))
        return True
    event.add("dtstart", start.date())
    event.add("dtend", end.date())
    return True


def calendar_feed(
    con: duckdb.DuckDBPyConnection, entries: Sequence[Mapping[str, Any]], note: Mapping[str, Any]
) -> bytes:
    """``entries`` (as :func:`~cosmodrome.schedule.service.upcoming_entries` gives them) as
    an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cosmodrome//launch schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Cosmodrome: upcoming launches")
    stamp = datetime.now(UTC).replace(microsecond=0)
    undated = 0
    for row in entries:
        event = Event()
        if not _timing(event, row):
            undated += 1
            continue
        event.add("uid", _uid(row))
        event.add("dtstamp", stamp)
        event.add("summary", f"{row['vehicle_raw']} | {row['payload']}")
        event.add("location", row["site_raw"])
        event.add(
            "description",
            f"Target {row['target']} ({row['precision']} precision) as of "
            f"{note['snapshot']}; site {row['site'] or 'unmatched'}"
            + (f", pad {row['pad_name']}" if isinstance(row["pad_name"], str) else ""),
        )
        position = _pad_position(row["site"], row["pad_name"]) or site_position(con, row["site"])
        if position is not None:
            event.add("geo", vGeo(position))
        calendar.add_component(event)
    calendar.add(
        "x-wr-caldesc",
        f"Scheduled launches as of {note['snapshot']}; dates at the precision the source gave"
        + (f"; {undated} launch(es) with a TBD date are not in this feed" if undated else ""),
    )
    feed: bytes = calendar.to_ical()
    return feed


def empty_feed(reason: str) -> bytes:
    """A calendar with no events that says why (no snapshot kept yet): a subscribed
    calendar keeps working and fills up once there is one."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cosmodrome//launch schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Cosmodrome: upcoming launches")
    calendar.add("x-wr-caldesc", reason)
    feed: bytes = calendar.to_ical()
    return feed
