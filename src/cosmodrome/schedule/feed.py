"""An Atom feed (RFC 4287) of schedule change records, built with ``feedgen``.

One entry per record (:mod:`.changes`): its ``id`` is a URN from the record's
``change_key``, which stays the same when the records are worked out again, so a feed
reader shows each change once; ``updated`` is when the later snapshot was taken; the title
is the record's one-line summary and the content its fields as plain text.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from feedgen.feed import FeedGenerator

FEED_ID = "urn:cosmodrome:schedule-changes"
#: Fields of a record shown in an entry's content, with their labels.
CONTENT = (
    ("kind", "change"),
    ("payload", "payload"),
    ("old_payload", "formerly"),
    ("vehicle_raw", "vehicle"),
    ("site_name", "site"),
    ("pad", "pad"),
    ("provider", "provider"),
    ("old_target", "old target"),
    ("new_target", "new target"),
    ("slip_days", "slip (days)"),
    ("flown_tag", "GCAT launch"),
    ("flown_utc", "launched (UTC)"),
    ("file", "snapshot"),
)


def entry_id(change_key: str) -> str:
    """The Atom id of a change record."""
    return f"{FEED_ID}:{change_key}"


def atom_feed(records: pd.DataFrame, *, self_url: str, title: str) -> bytes:
    """``records`` (newest first, as :func:`~cosmodrome.schedule.service.changes` gives them)
    as an Atom document whose ``self`` link is ``self_url``."""
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title(title)
    feed.author({"name": "Cosmodrome"})
    feed.link(href=self_url, rel="self")
    feed.subtitle(
        "Launches new, moved, renamed, flown (per GCAT) or removed between consecutive "
        "schedule snapshots"
    )
    newest = records["detected_utc"].max() if not records.empty else None
    feed.updated(newest.to_pydatetime() if newest is not None else datetime.now(UTC))
    # feedgen puts the entry added last first: add the oldest first to keep newest on top.
    for record in reversed(records.to_dict("records")):
        entry = feed.add_entry()
        entry.id(entry_id(str(record["change_key"])))
        entry.title(str(record["summary"]))
        entry.updated(record["detected_utc"].to_pydatetime())
        entry.category(term=str(record["kind"]))
        entry.content(_content(record), type="text")
    document: bytes = feed.atom_str(pretty=True)
    return document


def _content(record: dict[str, object]) -> str:
    lines = []
    for column, label in CONTENT:
        value = record.get(column)
        if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
            continue
        if isinstance(value, pd.Timestamp):
            value = f"{value:%Y-%m-%d %H:%M}"
        elif isinstance(value, float):
            value = f"{value:+,.0f}"
        lines.append(f"{label}: {value}")
    return "\n".join(lines)
